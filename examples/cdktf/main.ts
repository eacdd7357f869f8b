// A CDKTF app (cdktf.json at the repository root runs it): a certificate for a name and its
// wildcard, issued through the exec DNS provider running examples/exec/nsupdate.sh, like
// examples/exec/main.tf. Configured by environment variables at synth:
//   ACME_SERVER_URL        the ACME directory (default: Let's Encrypt staging)
//   CERT_DOMAIN            the name to certify (default: example.com)
//   NSUPDATE_SERVER        the DNS server taking RFC 2136 updates (default: 127.0.0.1)
//   NSUPDATE_KEY_FILE      its TSIG key file (default: /etc/bind/tsig.key)
//   RECURSIVE_NAMESERVERS  resolvers (host:port), comma-separated; empty: the system's
//
//   npx cdktf synth            (or: npx tsx examples/cdktf/main.ts)
//   npx cdktf deploy exec
import { App } from "cdktf";
import { ExecCertificateStack } from "./stacks.js";

const env = process.env;
const app = new App();

new ExecCertificateStack(app, "exec", {
  serverUrl: env.ACME_SERVER_URL || "https://acme-staging-v02.api.letsencrypt.org/directory",
  domain: env.CERT_DOMAIN || "example.com",
  nsupdateServer: env.NSUPDATE_SERVER || "127.0.0.1",
  tsigKeyFile: env.NSUPDATE_KEY_FILE || "/etc/bind/tsig.key",
  recursiveNameservers: (env.RECURSIVE_NAMESERVERS ?? "").split(",").filter(Boolean),
});

app.synth();
