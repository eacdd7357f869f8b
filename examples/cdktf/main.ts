// A CDKTF app (cdktf.json at the repository root runs it): a certificate for a name and its
// wildcard, issued through the exec DNS provider running examples/exec/nsupdate.sh, like
// examples/exec/main.tf. Configured by environment variables at synth:
//   ACME_SERVER_URL        the ACME directory (default: Let's Encrypt staging)
//   CERT_DOMAIN            the name to certify (default: example.com)
//   NSUPDATE_SERVER        the DNS server taking RFC 2136 updates (default: 127.0.0.1)
//   NSUPDATE_KEY_FILE      its TSIG key file (default: /etc/bind/tsig.key)
//   RECURSIVE_NAMESERVERS  resolvers (IP or IP:port), comma-separated; empty: the system's
//   STATE_DIR              where the local state files go (default: the directory of the synth)
// With ACME_DNS_URL set, a second stack "acme-dns" registers an acme-dns account, creates
// the domain's _acme-challenge CNAME with nsupdate and issues through acme-dns:
//   ACME_DNS_URL           the acme-dns server's API base URL
//   ACME_DNS_ALLOWFROM     networks (CIDR) allowed to update the account, comma-separated
//   ACME_DNS_DOMAIN        the name to certify there (default: acme-dns.<CERT_DOMAIN>)
//   NSUPDATE_ZONE          the zone holding it (default: CERT_DOMAIN)
//
//   npx cdktf synth            (or: npx tsx examples/cdktf/main.ts)
//   npx cdktf deploy exec
import { join } from "node:path";
import { App, LocalBackend, type TerraformStack } from "cdktf";
import { AcmeDnsCertificateStack, ExecCertificateStack } from "./stacks.js";

const env = process.env;
const list = (text: string | undefined) => (text ?? "").split(",").filter(Boolean);
const app = new App();

const common = {
  serverUrl: env.ACME_SERVER_URL || "https://acme-staging-v02.api.letsencrypt.org/directory",
  nsupdateServer: env.NSUPDATE_SERVER || "127.0.0.1",
  tsigKeyFile: env.NSUPDATE_KEY_FILE || "/etc/bind/tsig.key",
  recursiveNameservers: list(env.RECURSIVE_NAMESERVERS),
};
const domain = env.CERT_DOMAIN || "example.com";

/** The local backend, with its state file in STATE_DIR when given. */
function withState(stack: TerraformStack): void {
  if (env.STATE_DIR) new LocalBackend(stack, { path: join(env.STATE_DIR, `terraform.${stack.node.id}.tfstate`) });
}

withState(new ExecCertificateStack(app, "exec", { ...common, domain }));

if (env.ACME_DNS_URL) {
  withState(new AcmeDnsCertificateStack(app, "acme-dns", {
    ...common,
    acmeDnsUrl: env.ACME_DNS_URL,
    acmeDnsAllowfrom: list(env.ACME_DNS_ALLOWFROM),
    domain: env.ACME_DNS_DOMAIN || `acme-dns.${domain}`,
    nsupdateZone: env.NSUPDATE_ZONE || domain,
  }));
}

app.synth();
