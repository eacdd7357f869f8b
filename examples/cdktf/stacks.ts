// The example stacks, as a user would write them with acme-tf's constructs. main.ts builds
// them from environment variables; the tests build them with the lab's values.
import { AcmeDnsRegistration, AcmeProvider, Certificate, DnsChallenge, Registration } from "acme-tf/cdktf";
import { CertRequest } from "@cdktf/provider-tls/lib/cert-request/index.js";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { DataResource, TerraformAsset, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { fileURLToPath } from "node:url";

/** The exec example's program: publishes the TXT records with nsupdate (RFC 2136). */
export const NSUPDATE_SH = fileURLToPath(new URL("../exec/nsupdate.sh", import.meta.url));

export interface ExecExampleSettings {
  /** The ACME directory URL. */
  serverUrl: string;
  /** The name to certify; its wildcard is added as a SAN. */
  domain: string;
  /** The authoritative DNS server taking RFC 2136 updates (host or host:port). */
  nsupdateServer: string;
  /** The TSIG key file for `nsupdate -k`. */
  tsigKeyFile: string;
  /** Resolvers (IP or IP:port) for the propagation checks; empty for the system's. */
  recursiveNameservers: string[];
}

/**
 * The CDKTF twin of examples/exec/main.tf: an account, and a certificate for a name and its
 * wildcard whose DNS-01 challenges nsupdate.sh answers. The program travels with the
 * synthesized stack as a TerraformAsset, so the stack directory is self-contained.
 */
export class ExecCertificateStack extends TerraformStack {
  readonly certificate: Certificate;

  constructor(scope: Construct, id: string, settings: ExecExampleSettings) {
    super(scope, id);
    new AcmeProvider(this, "acme", { serverUrl: settings.serverUrl });
    const account = new Registration(this, "account", { emailAddress: `hostmaster@${settings.domain}` });
    const program = new TerraformAsset(this, "nsupdate", { path: NSUPDATE_SH });

    this.certificate = new Certificate(this, "certificate", {
      accountKeyPem: account.accountKeyPem,
      commonName: settings.domain,
      subjectAlternativeNames: [`*.${settings.domain}`],
      keyType: "P256",
      recursiveNameservers: settings.recursiveNameservers,
      dnsChallenge: [
        DnsChallenge.exec({
          path: program.path,
          pollingInterval: 1,
          extraEnv: { NSUPDATE_SERVER: settings.nsupdateServer, NSUPDATE_KEY_FILE: settings.tsigKeyFile },
        }),
      ],
    });

    new TerraformOutput(this, "certificate_pem", { value: this.certificate.certificatePem });
    new TerraformOutput(this, "issuer_pem", { value: this.certificate.issuerPem });
    new TerraformOutput(this, "certificate_not_after", { value: this.certificate.certificateNotAfter });
    new TerraformOutput(this, "private_key_pem", { value: this.certificate.privateKeyPem, sensitive: true });
  }
}

/**
 * With @cdktf/provider-tls: the account key is a tls PrivateKey, and the certificate is
 * issued for a CSR (tls CertRequest) whose key never leaves the tls resource.
 */
export class TlsCertificateStack extends TerraformStack {
  readonly certificate: Certificate;

  constructor(scope: Construct, id: string, settings: ExecExampleSettings) {
    super(scope, id);
    new AcmeProvider(this, "acme", { serverUrl: settings.serverUrl });
    new TlsProvider(this, "tls");
    const accountKey = new PrivateKey(this, "account-key", { algorithm: "ECDSA", ecdsaCurve: "P384" });
    const account = new Registration(this, "account", { accountKeyPem: accountKey.privateKeyPem, emailAddress: `hostmaster@${settings.domain}` });
    const certificateKey = new PrivateKey(this, "certificate-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const request = new CertRequest(this, "request", {
      privateKeyPem: certificateKey.privateKeyPem,
      dnsNames: [settings.domain, `*.${settings.domain}`],
      subject: [{ commonName: settings.domain }],
    });

    this.certificate = new Certificate(this, "certificate", {
      accountKeyPem: account.accountKeyPem,
      certificateRequestPem: request.certRequestPem,
      recursiveNameservers: settings.recursiveNameservers,
      dnsChallenge: [
        DnsChallenge.exec({
          path: NSUPDATE_SH,
          extraEnv: { NSUPDATE_SERVER: settings.nsupdateServer, NSUPDATE_KEY_FILE: settings.tsigKeyFile },
        }),
      ],
    });

    new TerraformOutput(this, "certificate_pem", { value: this.certificate.certificatePem });
    new TerraformOutput(this, "private_key_pem", { value: certificateKey.privateKeyPem, sensitive: true });
  }
}

export interface AcmeDnsExampleSettings {
  /** The ACME directory URL. */
  serverUrl: string;
  /** The acme-dns server's API base URL. */
  acmeDnsUrl: string;
  /** Networks (CIDR) allowed to update the account's TXT record: where terraform runs. */
  acmeDnsAllowfrom: string[];
  /** The name to certify; its wildcard is added as a SAN. */
  domain: string;
  /** The authoritative DNS server of the domain's zone (RFC 2136), and the zone. */
  nsupdateServer: string;
  nsupdateZone: string;
  tsigKeyFile: string;
  recursiveNameservers: string[];
}

/**
 * The CDKTF twin of examples/acme-dns/main.tf, in one deploy: an acme-dns account for the
 * domain, the `_acme-challenge` CNAME delegating its challenges (here with nsupdate; use your
 * DNS provider's record resource), and the certificate answered through acme-dns.
 */
export class AcmeDnsCertificateStack extends TerraformStack {
  readonly certificate: Certificate;

  constructor(scope: Construct, id: string, settings: AcmeDnsExampleSettings) {
    super(scope, id);
    new AcmeProvider(this, "acme", { serverUrl: settings.serverUrl });
    const account = new Registration(this, "account", { emailAddress: `hostmaster@${settings.domain}` });
    const acmeDns = new AcmeDnsRegistration(this, "acme-dns", { serverUrl: settings.acmeDnsUrl, domain: settings.domain, allowfrom: settings.acmeDnsAllowfrom });

    // _acme-challenge.<domain> CNAME <fulldomain>, created and removed with nsupdate.
    const nsupdate = (update: string) => `printf 'server %s\\nzone %s.\\n${update}\\nsend\\n' "$SERVER" "$ZONE" "$NAME" "$TARGET" | nsupdate -k "$KEY"`;
    const environment = { SERVER: "${self.output.server}", ZONE: "${self.output.zone}", NAME: "${self.output.name}", TARGET: "${self.output.target}", KEY: "${self.output.key}" };
    const cname = new DataResource(this, "acme-challenge-cname", {
      input: { name: acmeDns.cnameName, target: acmeDns.fulldomain, server: settings.nsupdateServer, zone: settings.nsupdateZone, key: settings.tsigKeyFile },
      provisioners: [
        { type: "local-exec", command: nsupdate("update add %s. 60 CNAME %s."), environment },
        { type: "local-exec", when: "destroy", command: nsupdate("update delete %s. CNAME%.0s"), environment },
      ],
    });

    this.certificate = new Certificate(this, "certificate", {
      accountKeyPem: account.accountKeyPem,
      commonName: settings.domain,
      subjectAlternativeNames: [`*.${settings.domain}`],
      keyType: "P256",
      recursiveNameservers: settings.recursiveNameservers,
      dnsChallenge: [DnsChallenge.acmeDns({ apiBase: acmeDns.serverUrl, storageJson: acmeDns.credentialsJson, pollingInterval: 1 })],
      // The CA must find the CNAME when it validates.
      dependsOn: [cname],
    });

    new TerraformOutput(this, "cname_record", { value: `${acmeDns.cnameName}. CNAME ${acmeDns.fulldomain}.` });
    new TerraformOutput(this, "certificate_pem", { value: this.certificate.certificatePem });
    new TerraformOutput(this, "issuer_pem", { value: this.certificate.issuerPem });
  }
}
