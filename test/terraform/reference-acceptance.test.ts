// The reference provider's (vancluever/acme) acceptance tests that use only the exec DNS
// provider, rebuilt from its test file (facts, not code): the same configurations -
// variables, "${...}" interpolation, disable_complete_propagation = true,
// EXEC_SEQUENCE_INTERVAL = "5" - and the same checks: id a UUID, certificate_url a
// /certZ/ URL, the certificate's names, not_after and serial as stored, the issuer equal
// to Pebble's intermediate, status valid at Pebble, revoked (with the reason) on destroy.
// TestAccACMECertificate_basic, _basic_revoke_reason, _CSR, _wildcard, _p12Password and
// _forceRenewal. Not here: _withProfile / _CSR_Profile / _CSR_PreferredChain (Debian's
// Pebble 2.4 has no profiles and one chain) and the HTTP / TLS challenge tests.
import { X509Certificate } from "node:crypto";
import { certStatus, fetchPebbleRoots } from "../lab/index.js";
import { dnsUpdateScript, environment, hcl, nsupdateConfig, openssl, removeScratch, removeWorkspaces, serialHex, uniqueName, workspace, type Values } from "./fixtures/stack.js";
import { providerBlock, resourceValues, type TerraformWorkspace } from "./workspace.js";

afterAll(() => {
  removeWorkspaces();
  removeScratch();
});

const UUID = /^[a-zA-Z0-9]{8}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{12}$/;
const CERT_URL = /^https:\/\/127\.0\.0\.1:\d+\/certZ\/[a-z0-9]+(\/alternate\/\d+)?$/;
const REASON_SUPERSEDED = 4;

/** The reference's configurations: one registration, its certificates, the exec provider. */
function config(domain: string, certificates: Record<string, string>): string {
  const { EXEC_PATH: _, ...programSettings } = nsupdateConfig();
  const challenge = `  recursive_nameservers        = [${hcl(environment.resolver)}]
  disable_complete_propagation = true

  dns_challenge {
    provider = "exec"
    config = {
      EXEC_PATH = ${hcl(dnsUpdateScript)}
      EXEC_SEQUENCE_INTERVAL = "5"
${Object.entries(programSettings).map(([key, value]) => `      ${key} = ${hcl(value)}`).join("\n")}
    }
  }`;
  return `variable "email_address" {
  default = "nobody@${environment.zone}"
}

variable "domain" {
  default = "${domain}"
}

resource "acme_registration" "reg" {
  email_address   = "\${var.email_address}"
}
${Object.entries(certificates)
  .map(([name, body]) => `\nresource "acme_certificate" "${name}" {\n  account_key_pem = "\${acme_registration.reg.account_key_pem}"\n${body}\n${challenge}\n}\n`)
  .join("")}`;
}

/** testAccCheckACMECertificateValid and the checks every reference test makes. */
async function checkValid(values: Values, commonName: string, sans: string[], intermediate: string): Promise<void> {
  expect(values.id).toMatch(UUID);
  expect(values.certificate_url).toMatch(CERT_URL);
  const cert = new X509Certificate(values.certificate_pem as string);
  expect(/CN=([^\n]+)/.exec(cert.subject)?.[1]).toBe(commonName);
  const names = (cert.subjectAltName ?? "").split(", ").map((entry) => entry.replace(/^DNS:/, ""));
  expect(names.sort()).toEqual([commonName, ...sans].sort());
  expect(values.certificate_not_after).toBe(new Date(cert.validTo).toISOString().replace(/\.\d{3}Z$/, "Z"));
  expect(values.certificate_serial).toBe(BigInt(`0x${cert.serialNumber}`).toString(10));
  expect(new X509Certificate(values.issuer_pem as string).raw.equals(new X509Certificate(intermediate).raw)).toBe(true);
}

const status = async (values: Values) => certStatus(environment.managementUrl, serialHex(values), environment.caCertPath);
const cert = async (ws: TerraformWorkspace, name: string) => resourceValues(await ws.state(), `acme_certificate.${name}`);

test("basic, revoke reason, CSR, wildcard and p12 password: the reference's checks, then revoked on destroy", async () => {
  const domain = uniqueName("ref");
  const csr = await openssl([
    "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "/dev/null", "-subj", `/CN=www3.${domain}`, "-addext", `subjectAltName=DNS:www3.${domain},DNS:www4.${domain}`,
  ]);
  const certificates = (p12Password: string) => ({
    basic: `  common_name               = "www.\${var.domain}"\n  subject_alternative_names = ["www2.\${var.domain}"]`,
    reason: `  common_name               = "www5.\${var.domain}"\n  subject_alternative_names = ["www7.\${var.domain}"]\n  revoke_certificate_reason = "superseded"`,
    csr: `  certificate_request_pem = ${hcl(csr)}`,
    wildcard: `  common_name = "*.\${var.domain}"`,
    p12: `  common_name               = "www12.\${var.domain}"\n  subject_alternative_names = ["www13.\${var.domain}"]\n  certificate_p12_password  = "${p12Password}"`,
  });
  const ws = workspace(config(domain, certificates("changeit")));
  await ws.init();
  await ws.apply();
  const { intermediate } = await fetchPebbleRoots(environment.managementUrl, environment.caCertPath);
  const values = Object.fromEntries(await Promise.all(["basic", "reason", "csr", "wildcard", "p12"].map(async (name) => [name, await cert(ws, name)] as const)));
  await checkValid(values.basic!, `www.${domain}`, [`www2.${domain}`], intermediate);
  await checkValid(values.reason!, `www5.${domain}`, [`www7.${domain}`], intermediate);
  await checkValid(values.csr!, `www3.${domain}`, [`www4.${domain}`], intermediate);
  await checkValid(values.wildcard!, `*.${domain}`, [], intermediate);
  await checkValid(values.p12!, `www12.${domain}`, [`www13.${domain}`], intermediate);
  for (const value of Object.values(values)) expect((await status(value)).Status).toBe("Valid");
  expect((await ws.plan()).exitCode).toBe(0);

  // TestAccACMECertificate_p12Password's second step: the same certificate, a new password.
  ws.write("main.tf", providerBlock(environment.acmeDirectory) + config(domain, certificates("changeitagain")));
  await ws.apply();
  const p12 = await cert(ws, "p12");
  await checkValid(p12, `www12.${domain}`, [`www13.${domain}`], intermediate);
  expect(p12.certificate_serial).toBe(values.p12!.certificate_serial);

  await ws.destroy();
  for (const value of Object.values(values)) expect((await status(value)).Status).toBe("Revoked");
  expect((await status(values.reason!)).Reason).toBe(REASON_SUPERSEDED);
});

test("forceRenewal: min_days_remaining beyond the lifetime renews at every apply (a non-empty plan each time), the id stays", async () => {
  const domain = uniqueName("ref-renew");
  const ws = workspace(config(domain, { certificate: `  common_name        = "www6.\${var.domain}"\n  min_days_remaining = 18250` }));
  await ws.init();
  await ws.apply();
  const first = await cert(ws, "certificate");
  expect((await ws.plan()).exitCode).toBe(2);
  await ws.apply();
  const second = await cert(ws, "certificate");
  expect(second.certificate_url).not.toBe(first.certificate_url);
  expect(second.id).toBe(first.id);
  const { intermediate } = await fetchPebbleRoots(environment.managementUrl, environment.caCertPath);
  await checkValid(second, `www6.${domain}`, [], intermediate);
  await ws.destroy();
});
