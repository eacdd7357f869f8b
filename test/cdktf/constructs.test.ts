// What the constructs synthesize: the provider's snake_case JSON, required_providers,
// nested blocks, token references, meta-arguments, HCL output; and @cdktf/provider-tls
// resources as the account key and the CSR. Every stack is also judged by the provider's
// own validation.
import { CertRequest } from "@cdktf/provider-tls/lib/cert-request/index.js";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { Fn, TerraformIterator, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AcmeProvider, Certificate, DataAcmeServerUrl, DnsChallenge, Registration, versionConstraint } from "../../src/cdktf/index.js";
import { PROVIDER_VERSION } from "../../src/identity/index.js";
import type {} from "cdktf/lib/testing/adapters/jest.js";
import { executableScript, expectValidForProvider, newApp, SERVER_URL, stackWithProvider, synthJson } from "./support.js";

Testing.setupJest();

const program = executableScript();

function basicStack(): { stack: TerraformStack; registration: Registration; certificate: Certificate } {
  const stack = stackWithProvider();
  const registration = new Registration(stack, "account", { emailAddress: "admin@example.test" });
  const certificate = new Certificate(stack, "certificate", {
    accountKeyPem: registration.accountKeyPem,
    commonName: "www.example.test",
    subjectAlternativeNames: ["*.example.test"],
    keyType: "P256",
    recursiveNameservers: ["192.0.2.53:53"],
    dnsChallenge: [DnsChallenge.exec({ path: program, mode: "RAW", pollingInterval: 2, propagationTimeout: 60, extraEnv: { DNS_TOKEN: "secret" } })],
  });
  return { stack, registration, certificate };
}

test("the provider block and required_providers name acme-tf/acme with the package's version constraint", () => {
  const stack = stackWithProvider();
  const synthesized = Testing.synth(stack);
  expect(synthesized).toHaveProviderWithProperties(AcmeProvider, { server_url: SERVER_URL });
  const json = synthJson(stack);
  expect(json.terraform?.required_providers?.acme).toEqual({ source: "registry.terraform.io/acme-tf/acme", version: versionConstraint(PROVIDER_VERSION) });
  expect(versionConstraint("0.1.0")).toBe("~> 0.1.0");
  expect(versionConstraint("1.4.2")).toBe("~> 1.4");
});

test("an aliased provider configuration is selected with the provider meta-argument", () => {
  const stack = stackWithProvider();
  const staging = new AcmeProvider(stack, "staging", { serverUrl: "https://staging.example.test/dir", alias: "staging" });
  new Registration(stack, "account", { provider: staging });
  const json = synthJson(stack);
  expect(json.provider?.acme).toEqual([{ server_url: SERVER_URL }, { server_url: "https://staging.example.test/dir", alias: "staging" }]);
  expect(json.resource?.acme_registration?.account?.provider).toBe("acme.staging");
});

test("a certificate synthesizes the schema's snake_case arguments and a dns_challenge block list", async () => {
  const { stack } = basicStack();
  const synthesized = Testing.synth(stack);
  expect(synthesized).toHaveResourceWithProperties(Registration, { email_address: "admin@example.test" });
  expect(synthesized).toHaveResourceWithProperties(Certificate, {
    account_key_pem: "${acme_registration.account.account_key_pem}",
    common_name: "www.example.test",
    subject_alternative_names: ["*.example.test"],
    key_type: "P256",
    recursive_nameservers: ["192.0.2.53:53"],
    dns_challenge: [
      {
        provider: "exec",
        config: { EXEC_PATH: program, EXEC_MODE: "RAW", EXEC_POLLING_INTERVAL: "2", EXEC_PROPAGATION_TIMEOUT: "60", DNS_TOKEN: "secret" },
      },
    ],
  });
  const certificate = synthJson(stack).resource!.acme_certificate!.certificate!;
  // Unset optional arguments are left out, not sent as null.
  expect(Object.keys(certificate).filter((key) => key !== "//").sort()).toEqual(["account_key_pem", "common_name", "dns_challenge", "key_type", "recursive_nameservers", "subject_alternative_names"]);
  await expectValidForProvider(synthJson(stack));
});

test("every computed attribute is a token referencing the resource", () => {
  const { stack, registration, certificate } = basicStack();
  const url = new DataAcmeServerUrl(stack, "server");
  const outputs: Record<string, unknown> = {
    certificate_pem: certificate.certificatePem,
    issuer_pem: certificate.issuerPem,
    private_key_pem: certificate.privateKeyPem,
    certificate_p12: certificate.certificateP12,
    not_after: certificate.certificateNotAfter,
    serial: certificate.certificateSerial,
    registration_url: registration.registrationUrl,
    account_key_pem: registration.accountKeyPem,
    server_url: url.serverUrl,
    must_staple: certificate.mustStaple,
    sans: certificate.subjectAlternativeNames,
  };
  for (const [name, value] of Object.entries(outputs)) new TerraformOutput(stack, name, { value, sensitive: true });
  const json = synthJson(stack);
  const values = Object.fromEntries(Object.entries(json.output!).map(([name, output]) => [name, output.value]));
  expect(values).toEqual({
    certificate_pem: "${acme_certificate.certificate.certificate_pem}",
    issuer_pem: "${acme_certificate.certificate.issuer_pem}",
    private_key_pem: "${acme_certificate.certificate.private_key_pem}",
    certificate_p12: "${acme_certificate.certificate.certificate_p12}",
    not_after: "${acme_certificate.certificate.certificate_not_after}",
    serial: "${acme_certificate.certificate.certificate_serial}",
    registration_url: "${acme_registration.account.registration_url}",
    account_key_pem: "${acme_registration.account.account_key_pem}",
    server_url: "${data.acme_server_url.server.server_url}",
    must_staple: "${acme_certificate.certificate.must_staple}",
    sans: "${tolist(acme_certificate.certificate.subject_alternative_names)}",
  });
});

test("external_account_binding is one object synthesized as a one-item block list", async () => {
  const stack = stackWithProvider();
  new Registration(stack, "account", { externalAccountBinding: { keyId: "kid-1", hmacBase64: "c2VjcmV0" }, accountKeyAlgorithm: "RSA", accountKeyRsaBits: 2048 });
  expect(Testing.synth(stack)).toHaveResourceWithProperties(Registration, {
    external_account_binding: [{ key_id: "kid-1", hmac_base64: "c2VjcmV0" }],
    account_key_algorithm: "RSA",
    account_key_rsa_bits: 2048,
  });
  await expectValidForProvider(synthJson(stack));
});

test("meta-arguments: dependsOn, count, lifecycle and forEach", async () => {
  const stack = stackWithProvider();
  const registration = new Registration(stack, "account", { lifecycle: { preventDestroy: true } });
  const domains = new TerraformVariable(stack, "domains", { type: "set(string)", default: ["a.example.test", "b.example.test"] });
  const each = TerraformIterator.fromList(domains.listValue);
  new Certificate(stack, "per-domain", {
    forEach: each,
    accountKeyPem: registration.accountKeyPem,
    commonName: each.value,
    dnsChallenge: [DnsChallenge.exec({ path: program })],
    dependsOn: [registration],
    lifecycle: { createBeforeDestroy: true, ignoreChanges: ["min_days_remaining"] },
  });
  new Certificate(stack, "counted", {
    count: 2,
    accountKeyPem: registration.accountKeyPem,
    commonName: "c.example.test",
    dnsChallenge: [DnsChallenge.exec({ path: program })],
  });
  const json = synthJson(stack, true);
  const registrationJson = json.resource!.acme_registration!.account!;
  expect(registrationJson.lifecycle).toEqual({ prevent_destroy: true });
  const perDomain = json.resource!.acme_certificate!["per-domain"]!;
  expect(perDomain).toMatchObject({
    for_each: "${toset(var.domains)}",
    common_name: "${each.value}",
    depends_on: ["acme_registration.account"],
    lifecycle: { create_before_destroy: true, ignore_changes: ["min_days_remaining"] },
  });
  expect(json.resource!.acme_certificate!.counted!.count).toBe(2);
  await expectValidForProvider(json);
});

test("tokens from other resources and variables pass through, in arguments and in challenge settings", async () => {
  const stack = stackWithProvider();
  const path = new TerraformVariable(stack, "exec_path", { type: "string" });
  const interval = new TerraformVariable(stack, "interval", { type: "number" });
  const names = new TerraformVariable(stack, "names", { type: "list(string)" });
  const registration = new Registration(stack, "account", {});
  new Certificate(stack, "certificate", {
    accountKeyPem: registration.accountKeyPem,
    commonName: Fn.element(names.listValue, 0),
    subjectAlternativeNames: names.listValue,
    minDaysRemaining: interval.numberValue,
    mustStaple: true,
    dnsChallenge: [DnsChallenge.exec({ path: path.stringValue, pollingInterval: interval.numberValue })],
  });
  const json = synthJson(stack, true);
  expect(json.resource!.acme_certificate!.certificate).toMatchObject({
    common_name: "${element(var.names, 0)}",
    subject_alternative_names: "${var.names}",
    min_days_remaining: "${var.interval}",
    must_staple: true,
    dns_challenge: [{ provider: "exec", config: { EXEC_PATH: "${var.exec_path}", EXEC_POLLING_INTERVAL: "${var.interval}" } }],
  });
  await expectValidForProvider(json);
});

test("the acme_server_url data source", async () => {
  const stack = stackWithProvider();
  new DataAcmeServerUrl(stack, "this");
  expect(Testing.synth(stack)).toHaveDataSource(DataAcmeServerUrl);
  await expectValidForProvider(synthJson(stack, true));
});

test("HCL output (cdktf synth --hcl) has the same arguments and blocks", () => {
  const { stack } = basicStack();
  const hcl = Testing.synthHcl(stack) as string;
  expect(hcl).toContain('resource "acme_certificate" "certificate"');
  expect(hcl).toMatch(/dns_challenge\s*\{\s*provider\s*=\s*"exec"\s*config\s*=\s*\{/);
  expect(hcl).toContain('EXEC_MODE = "RAW"');
  expect(hcl).toMatch(/key_type\s*=\s*"P256"/);
  expect(hcl).toMatch(/source\s*=\s*"registry.terraform.io\/acme-tf\/acme"/);
});

describe("with @cdktf/provider-tls", () => {
  function tlsStack(): TerraformStack {
    const stack = new TerraformStack(newApp(), "tls");
    new AcmeProvider(stack, "acme", { serverUrl: SERVER_URL });
    new TlsProvider(stack, "tls");
    const accountKey = new PrivateKey(stack, "account-key", { algorithm: "ECDSA", ecdsaCurve: "P384" });
    const registration = new Registration(stack, "account", { accountKeyPem: accountKey.privateKeyPem });
    const key = new PrivateKey(stack, "key", { algorithm: "RSA", rsaBits: 2048 });
    const request = new CertRequest(stack, "csr", { privateKeyPem: key.privateKeyPem, dnsNames: ["www.example.test"], subject: [{ commonName: "www.example.test" }] });
    new Certificate(stack, "certificate", {
      accountKeyPem: registration.accountKeyPem,
      certificateRequestPem: request.certRequestPem,
      dnsChallenge: [DnsChallenge.exec({ path: program })],
    });
    return stack;
  }

  test("a tls PrivateKey is the account key and a tls CertRequest the CSR", async () => {
    const stack = tlsStack();
    const synthesized = Testing.synth(stack, true);
    expect(synthesized).toHaveResourceWithProperties(Registration, { account_key_pem: "${tls_private_key.account-key.private_key_pem}" });
    expect(synthesized).toHaveResourceWithProperties(Certificate, { certificate_request_pem: "${tls_cert_request.csr.cert_request_pem}" });
    const json = synthJson(stack);
    expect(Object.keys(json.terraform!.required_providers!).sort()).toEqual(["acme", "tls"]);
    await expectValidForProvider(json);
  });

  test("the account key can also go straight to the certificate", async () => {
    const stack = new TerraformStack(newApp(), "direct");
    new AcmeProvider(stack, "acme", { serverUrl: SERVER_URL });
    new TlsProvider(stack, "tls");
    const accountKey = new PrivateKey(stack, "account-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    new Certificate(stack, "certificate", { accountKeyPem: accountKey.privateKeyPem, commonName: "www.example.test", dnsChallenge: [DnsChallenge.exec({ path: program })] });
    expect(synthJson(stack, true).resource!.acme_certificate!.certificate!.account_key_pem).toBe("${tls_private_key.account-key.private_key_pem}");
  });
});
