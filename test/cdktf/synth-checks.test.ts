// Synth hooks: what `cdktf synth` rejects before anything is deployed, with the construct's
// path and the setting at fault; and what it must not judge (tokens, expressions).
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { TerraformAsset, TerraformStack, TerraformVariable } from "cdktf";
import type { IConstruct } from "constructs";
import { AcmeDnsRegistration, AcmeProvider, Certificate, DataAcmeServerUrl, DnsChallenge, Registration, SettingSource } from "../../src/cdktf/index.js";
import { executableScript, newApp, SERVER_URL, stackWithProvider, synthFailures } from "./support.js";

const program = executableScript();
const ACCOUNT_KEY = "${acme_registration.account.account_key_pem}";

function certificate(stack: TerraformStack, config: Partial<ConstructorParameters<typeof Certificate>[2]> = {}, id = "cert"): Certificate {
  return new Certificate(stack, id, { accountKeyPem: ACCOUNT_KEY, commonName: "www.example.test", dnsChallenge: [DnsChallenge.exec({ path: program })], ...config });
}

function warnings(construct: IConstruct): string[] {
  return construct.node.metadata.filter((entry) => entry.type === "@cdktf/warn").map((entry) => String(entry.data));
}

function withEnv<T>(values: Record<string, string | undefined>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  try {
    return run();
  } finally {
    apply(saved);
  }
}

test("a valid stack synthesizes", () => {
  const stack = stackWithProvider();
  const registration = new Registration(stack, "account", { emailAddress: "admin@example.test" });
  certificate(stack, { accountKeyPem: registration.accountKeyPem, subjectAlternativeNames: ["*.example.test"] });
  new DataAcmeServerUrl(stack, "url");
  expect(synthFailures(stack)).toEqual([]);
});

describe("the provider construct", () => {
  test("a certificate without an AcmeProvider in its stack is a clear error, not a fallback to hashicorp/acme", () => {
    const stack = new TerraformStack(newApp(), "lonely");
    certificate(stack);
    expect(synthFailures(stack)).toContainEqual(expect.stringMatching(/^\[lonely\/cert\] acme_certificate needs an AcmeProvider in stack "lonely".*hashicorp\/acme, which does not exist/));
  });

  test("every acme construct checks it, data sources too", () => {
    const stack = new TerraformStack(newApp(), "lonely");
    new Registration(stack, "account");
    new DataAcmeServerUrl(stack, "url");
    const failures = synthFailures(stack).filter((line) => line.includes("needs an AcmeProvider"));
    expect(failures.map((line) => line.slice(0, line.indexOf("]") + 1))).toEqual(["[lonely/account]", "[lonely/url]"]);
  });

  test("a provider meta-argument that is not an AcmeProvider", () => {
    const stack = stackWithProvider();
    const tls = new TlsProvider(stack, "tls");
    new Registration(stack, "account", { provider: tls });
    expect(synthFailures(stack)).toContainEqual(expect.stringMatching(/^\[stack\/account\] acme_registration: its provider stack\/tls is a "tls" provider; use an AcmeProvider/));
  });

  test("an invalid server URL", () => {
    const stack = new TerraformStack(newApp(), "stack");
    new AcmeProvider(stack, "acme", { serverUrl: "acme.example.test/directory" });
    expect(synthFailures(stack)).toEqual([expect.stringMatching(/^\[stack\/acme\] acme server_url: Invalid server_url: server_url must be the URL of an ACME directory/)]);
  });
});

describe("dns_challenge settings, checked by the DNS provider descriptions", () => {
  test("an unknown DNS provider", () => {
    const stack = stackWithProvider();
    certificate(stack, { dnsChallenge: [DnsChallenge.raw("route53", { AWS_REGION: "eu-west-1" })] });
    expect(synthFailures(stack)).toEqual([
      expect.stringMatching(/^\[stack\/cert\] acme_certificate dns_challenge\[0\]\.provider: Unknown DNS provider "route53": the provider of a dns_challenge block must be one of: .*exec/),
    ]);
  });

  test("a missing required setting, unless the synth's environment has it", () => {
    const stack = stackWithProvider();
    certificate(stack, { dnsChallenge: [DnsChallenge.raw("exec", { EXEC_MODE: "RAW" })] });
    withEnv({ EXEC_PATH: undefined, EXEC_PATH_FILE: undefined }, () => {
      expect(synthFailures(stack)).toEqual([expect.stringMatching(/^\[stack\/cert\] acme_certificate dns_challenge\[0\]\.config\.EXEC_PATH: EXEC_PATH is required/)]);
    });
    const fromEnvironment = stackWithProvider();
    certificate(fromEnvironment, { dnsChallenge: [DnsChallenge.exec({ path: SettingSource.environment(), mode: "RAW" })] });
    withEnv({ EXEC_PATH: program }, () => expect(synthFailures(fromEnvironment)).toEqual([]));
  });

  test("an exec program that does not exist, or is not executable, named by its typed option", () => {
    const dir = mkdtempSync(join(tmpdir(), "acme-tf-cdktf-"));
    const notExecutable = join(dir, "plain.sh");
    writeFileSync(notExecutable, "#!/bin/sh\n");
    const stack = stackWithProvider();
    certificate(stack, { dnsChallenge: [DnsChallenge.exec({ path: join(dir, "missing.sh") })] });
    certificate(stack, { dnsChallenge: [DnsChallenge.exec({ path: notExecutable })] }, "cert2");
    expect(synthFailures(stack)).toEqual([
      `[stack/cert] acme_certificate dns_challenge[0].config.EXEC_PATH (option "path" of DnsChallenge.exec): EXEC_PATH: ${join(dir, "missing.sh")} does not exist: it must name an executable file, or a program found in PATH (the value comes from the dns_challenge config)`,
      `[stack/cert2] acme_certificate dns_challenge[0].config.EXEC_PATH (option "path" of DnsChallenge.exec): EXEC_PATH: ${notExecutable} is not executable: it must name an executable file, or a program found in PATH (the value comes from the dns_challenge config)`,
    ]);
  });

  test("a relative program path is an error: terraform runs in the stack's directory", () => {
    const stack = stackWithProvider();
    certificate(stack, { dnsChallenge: [DnsChallenge.exec({ path: "./scripts/update-dns.sh" })] });
    expect(synthFailures(stack)).toEqual([
      expect.stringMatching(/^\[stack\/cert\] acme_certificate dns_challenge\[0\]\.config\.EXEC_PATH \(option "path" of DnsChallenge\.exec\): "\.\/scripts\/update-dns\.sh" is a relative path, and terraform reads it from the synthesized stack's directory \(.*stacks\/stack\)/),
    ]);
  });

  test("a TerraformAsset's path is checked at its source", () => {
    const good = stackWithProvider();
    const asset = new TerraformAsset(good, "program", { path: program });
    certificate(good, { dnsChallenge: [DnsChallenge.exec({ path: asset.path })] });
    expect(synthFailures(good)).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), "acme-tf-cdktf-"));
    writeFileSync(join(dir, "update.sh"), "#!/bin/sh\n");
    chmodSync(join(dir, "update.sh"), 0o644);
    const bad = stackWithProvider();
    const folder = new TerraformAsset(bad, "scripts", { path: dir });
    certificate(bad, { dnsChallenge: [DnsChallenge.exec({ path: `${folder.path}/update.sh` })] });
    expect(synthFailures(bad)).toEqual([expect.stringContaining(`EXEC_PATH: ${join(dir, "update.sh")} is not executable`)]);
  });

  test("an unreadable _FILE setting and a typo in a reserved key", () => {
    const stack = stackWithProvider();
    certificate(stack, { dnsChallenge: [DnsChallenge.exec({ path: program, pollingInterval: SettingSource.file("/nonexistent/interval") })] });
    certificate(stack, { dnsChallenge: [DnsChallenge.raw("exec", { EXEC_PATH: program, EXEC_PATHS: "x" })] }, "cert2");
    expect(synthFailures(stack)).toEqual([
      expect.stringMatching(
        /^\[stack\/cert\] acme_certificate dns_challenge\[0\]\.config\.EXEC_POLLING_INTERVAL_FILE \(option "pollingInterval" of DnsChallenge\.exec \(SettingSource\.file\)\): EXEC_POLLING_INTERVAL_FILE: cannot read \/nonexistent\/interval: no such file/,
      ),
      expect.stringMatching(/^\[stack\/cert2\] acme_certificate dns_challenge\[0\]\.config\.EXEC_PATHS: EXEC_PATHS is not a setting of the exec DNS provider/),
    ]);
  });

  test("no dns_challenge at all", () => {
    const stack = stackWithProvider();
    certificate(stack, { dnsChallenge: [] });
    expect(synthFailures(stack)).toEqual([expect.stringMatching(/^\[stack\/cert\] acme_certificate: No dns_challenge block/)]);
  });
});

describe("arguments", () => {
  test("a CSR conflicts with names and key type", () => {
    const stack = stackWithProvider();
    certificate(stack, { certificateRequestPem: "${tls_cert_request.csr.cert_request_pem}", subjectAlternativeNames: ["a.example.test"], keyType: "P256" });
    expect(synthFailures(stack)).toEqual([
      expect.stringMatching(/^\[stack\/cert\] acme_certificate common_name: Conflicting common_name: common_name cannot be used with certificate_request_pem/),
      expect.stringMatching(/^\[stack\/cert\] acme_certificate subject_alternative_names: Conflicting subject_alternative_names/),
      expect.stringMatching(/^\[stack\/cert\] acme_certificate key_type: Conflicting key_type/),
    ]);
  });

  test("invalid literals: key type, names, nameservers, numbers, account key", () => {
    const stack = stackWithProvider();
    certificate(stack, { accountKeyPem: "not a key", keyType: "P521", commonName: "bad name.example.test", recursiveNameservers: ["resolver.example.test:99999"], certTimeout: 0 });
    const failures = synthFailures(stack).map((line) => line.replace(/^\[stack\/cert\] acme_certificate /, "").replace(/:.*/, ""));
    expect(failures.sort()).toEqual(["account_key_pem", "cert_timeout", "common_name", "key_type", "recursive_nameservers[0]"]);
  });
});

describe("tokens are never judged as literals", () => {
  test("variables, references and Terraform expressions pass, wherever they are", () => {
    const stack = stackWithProvider();
    const path = new TerraformVariable(stack, "path", { type: "string" });
    const keyType = new TerraformVariable(stack, "key_type", { type: "string" });
    const names = new TerraformVariable(stack, "names", { type: "list(string)" });
    const config = new TerraformVariable(stack, "config", { type: "map(string)" });
    certificate(stack, {
      keyType: keyType.stringValue,
      subjectAlternativeNames: names.listValue,
      certTimeout: new TerraformVariable(stack, "timeout", { type: "number" }).numberValue,
      dnsChallenge: [DnsChallenge.exec({ path: path.stringValue, pollingInterval: new TerraformVariable(stack, "interval", { type: "number" }).numberValue })],
    });
    certificate(stack, { dnsChallenge: [DnsChallenge.exec({ path: "${path.module}/update-dns.sh" })] }, "cert2");
    certificate(stack, { dnsChallenge: [{ provider: "exec", config: config.value as Record<string, string> }] }, "cert3");
    expect(synthFailures(stack)).toEqual([]);
  });

  test("a validation error is reported once per synth, however many stacks and constructs", () => {
    const app = newApp();
    for (const id of ["one", "two"]) {
      const stack = new TerraformStack(app, id);
      new AcmeProvider(stack, "acme", { serverUrl: SERVER_URL });
      for (let index = 0; index < 3; index++) certificate(stack, { keyType: "P999" }, `cert-${index}`);
    }
    expect(() => app.synth()).toThrow(/\[one\/cert-0\] acme_certificate key_type: Invalid key_type/);
  });
});

describe("acme-dns", () => {
  const account = { username: "u", password: "p", fulldomain: "d420c923.auth.example.test", subdomain: "d420c923", allowfrom: [] };

  test("inline credentials without an account for one of the names are an error naming the option", () => {
    const stack = stackWithProvider();
    certificate(stack, {
      commonName: "www.example.test",
      subjectAlternativeNames: ["*.www.example.test", "api.example.test"],
      dnsChallenge: [DnsChallenge.acmeDns({ apiBase: "https://auth.example.test", credentials: { "www.example.test": account } })],
    });
    expect(synthFailures(stack)).toEqual([
      '[stack/cert] acme_certificate dns_challenge[0].config.ACME_DNS_STORAGE_JSON (option "credentials" of DnsChallenge.acmeDns): ACME_DNS_STORAGE_JSON: no account for api.example.test: add an entry under the key "api.example.test" (e.g. from an acme_dns_registration resource with domain = "api.example.test", whose credentials_json has it), and create the CNAME _acme-challenge.api.example.test to its fulldomain (the value comes from the dns_challenge config)',
    ]);
  });

  test("credentials covering every name (a wildcard shares its domain's account) pass", () => {
    const stack = stackWithProvider();
    certificate(stack, {
      subjectAlternativeNames: ["*.www.example.test"],
      dnsChallenge: [DnsChallenge.acmeDns({ apiBase: "https://auth.example.test", storageJson: JSON.stringify({ "www.example.test": account }) })],
    });
    expect(synthFailures(stack)).toEqual([]);
  });

  test("a credentials file without the account is a warning: the provider registers it", () => {
    const dir = mkdtempSync(join(tmpdir(), "acme-tf-cdktf-"));
    const file = join(dir, "credentials.json");
    writeFileSync(file, "{}\n");
    const stack = stackWithProvider();
    const cert = certificate(stack, { dnsChallenge: [DnsChallenge.acmeDns({ apiBase: "https://auth.example.test", storagePath: file })] });
    expect(synthFailures(stack)).toEqual([]);
    expect(warnings(cert)).toEqual([expect.stringContaining(`the acme-dns credentials file ${file} has no account for "www.example.test"`)]);
  });

  test("credentials JSON from a file named by _FILE, and from the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "acme-tf-cdktf-"));
    const file = join(dir, "credentials.json");
    writeFileSync(file, JSON.stringify({ "other.example.test": account }));
    const stack = stackWithProvider();
    certificate(stack, { dnsChallenge: [DnsChallenge.acmeDns({ apiBase: "https://auth.example.test", storageJson: SettingSource.file(file) })] });
    expect(synthFailures(stack)).toEqual([expect.stringContaining("ACME_DNS_STORAGE_JSON: no account for www.example.test")]);

    const fromEnv = stackWithProvider();
    certificate(fromEnv, { dnsChallenge: [DnsChallenge.acmeDns({ apiBase: "https://auth.example.test" })] });
    withEnv({ ACME_DNS_STORAGE_JSON: JSON.stringify({ "other.example.test": account }), ACME_DNS_STORAGE_PATH: undefined }, () => {
      expect(synthFailures(fromEnv)).toEqual([expect.stringContaining("ACME_DNS_STORAGE_JSON: no account for www.example.test")]);
    });
  });

  test("malformed credentials are reported by the provider's own check, without the secrets", () => {
    const stack = stackWithProvider();
    certificate(stack, { dnsChallenge: [DnsChallenge.acmeDns({ apiBase: "https://auth.example.test", storageJson: '{"www.example.test": {"username": "u", "password": "hunter2"}}' })] });
    const failures = synthFailures(stack);
    expect(failures).toEqual([expect.stringMatching(/ACME_DNS_STORAGE_JSON \(option "storageJson" of DnsChallenge\.acmeDns\): ACME_DNS_STORAGE_JSON: invalid acme-dns credentials/)]);
    expect(failures.join("\n")).not.toContain("hunter2");
  });

  test("credentials from an AcmeDnsRegistration are tokens: not judged", () => {
    const stack = stackWithProvider();
    const registration = new AcmeDnsRegistration(stack, "acme-dns", { serverUrl: "https://auth.example.test", domain: "www.example.test", allowfrom: ["192.0.2.0/24"] });
    certificate(stack, {
      dependsOn: [registration],
      dnsChallenge: [DnsChallenge.acmeDns({ apiBase: registration.serverUrl, storageJson: registration.credentialsJson })],
    });
    expect(synthFailures(stack)).toEqual([]);
  });

  test("an invalid registration: server URL and allowfrom", () => {
    const stack = stackWithProvider();
    new AcmeDnsRegistration(stack, "acme-dns", { serverUrl: "auth.example.test", allowfrom: ["not-a-network"] });
    const failures = synthFailures(stack);
    expect(failures).toEqual([
      expect.stringMatching(/^\[stack\/acme-dns\] acme_dns_registration server_url: Invalid server_url/),
      expect.stringMatching(/^\[stack\/acme-dns\] acme_dns_registration allowfrom\[0\]: Invalid allowfrom/),
    ]);
  });
});
