// The bad-input suite: one table of wrong configurations, grouped by argument. Each case
// asserts the phase that catches it (validate, or plan for values only known then), that
// the diagnostic's own text (not Terraform's source excerpt) names the argument, and that
// nothing was left behind: no state, and no DNS program ever ran (so no record, no process).
// All validate cases share one `terraform validate`, all plan cases one `terraform plan`:
// about ten seconds for the whole table.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ACCOUNT, certificate, execChallenge, hcl, hclMap, nsupdateConfig, removeScratch, removeWorkspaces, scratch, workspace } from "./fixtures/stack.js";
import type { TerraformResult } from "./workspace.js";

afterAll(() => {
  removeWorkspaces();
  removeScratch();
});

interface Case {
  argument: string;
  what: string;
  phase: "validate" | "plan";
  /** The resource block(s) to add, named `resource` (see the helpers below). */
  hcl: (resource: string) => string;
  /** A fragment of the diagnostic's summary or detail. */
  expected: string;
  /** Resource type, for the diagnostic's attribution. */
  type?: string;
}

const files = scratch({ "not-executable.sh": "#!/bin/sh\nexit 0\n", empty: "", "not-pem.txt": "hello\n", calls: "" });
const calls = files.calls!;
const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "ignore"] }).toString();
const csr = (...subject: string[]) => openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", ...subject);
const rsa1024 = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024");

/** Every program run would append to `calls`: it must stay empty. */
const exec = (extra: Record<string, string> = {}) => execChallenge(nsupdateConfig({ RECORD_FILE: calls, ...extra }));
const execWithout = (key: string, extra: Record<string, string> = {}) => {
  const { [key]: _, ...config } = nsupdateConfig({ RECORD_FILE: calls, ...extra });
  return execChallenge(config);
};
const cert = (body: string, challenges = exec()) => (resource: string) => certificate(resource, body, challenges);
const named = (extra: string, challenges = exec()) => (resource: string) => certificate(resource, `  common_name = "${resource.replaceAll("_", "-")}.acme-tf.test"\n${extra}`, challenges);
const acmeDns = (config: Record<string, string>) => `  dns_challenge {\n    provider = "acme-dns"\n    config = ${hclMap(config)}\n  }\n`;
const registration = (body: string) => (resource: string) => `resource "acme_registration" "${resource}" {\n${body}\n}\n`;
const dnsRegistration = (body: string) => (resource: string) => `resource "acme_dns_registration" "${resource}" {\n${body}\n}\n`;

const v = "validate" as const;
const cases: Case[] = [
  // common_name
  ...[
    ["an empty label", "foo..bar.acme-tf.test", "is not a valid DNS name"],
    ["a trailing dot", "dot.acme-tf.test.", "ends with a dot"],
    ["an IPv4 address", "192.0.2.1", "is an IP address"],
    ["an IPv6 address", "2001:db8::1", "is an IP address"],
    ["a leading hyphen", "-lead.acme-tf.test", "is not a valid DNS name"],
    ["a wildcard not first", "a.*.acme-tf.test", "is not a valid DNS name"],
    ["a space", "sp ace.acme-tf.test", "is not a valid DNS name"],
    ["an empty string", "", "is not a valid DNS name"],
    ["a non-ASCII label", "ü.acme-tf.test", "is not a valid DNS name"],
    ["a 64-character label", `${"a".repeat(64)}.acme-tf.test`, "is not a valid DNS name"],
    ["more than 253 characters", `${"abcdefghi.".repeat(26)}test`, "is not a valid DNS name"],
    ["a double wildcard", "*.*.acme-tf.test", "is not a valid DNS name"],
  ].map(([what, name, expected]): Case => ({ argument: "common_name", what: what!, phase: v, hcl: cert(`  common_name = ${hcl(name!)}`), expected: expected! })),
  // subject_alternative_names
  ...[
    ["an IPv4 address", "192.0.2.7", "is an IP address"],
    ["an IPv6 address", "2001:db8::7", "is an IP address"],
    ["an empty label", "a..b.acme-tf.test", "is not a valid DNS name"],
    ["a trailing dot", "b.acme-tf.test.", "ends with a dot"],
    ["a wildcard not first", "a.*.acme-tf.test", "is not a valid DNS name"],
    ["a space", "x y.acme-tf.test", "is not a valid DNS name"],
    ["an empty string", "", "is not a valid DNS name"],
  ].map(([what, name, expected]): Case => ({
    argument: "subject_alternative_names",
    what: what!,
    phase: v,
    hcl: cert(`  common_name = "san.acme-tf.test"\n  subject_alternative_names = [${hcl(name!)}]`),
    expected: expected!,
  })),
  // key_type, revoke_certificate_reason
  ...["1024", "p256", "RSA", "ECDSA", "P521"].map((value): Case => ({ argument: "key_type", what: `"${value}"`, phase: v, hcl: named(`  key_type = "${value}"`), expected: "key_type must be one of" })),
  ...["bogus", "keyCompromise", "Unspecified", "key_compromise"].map((value): Case => ({
    argument: "revoke_certificate_reason",
    what: `"${value}"`,
    phase: v,
    hcl: named(`  revoke_certificate_reason = "${value}"`),
    expected: "revoke_certificate_reason must be one of",
  })),
  // profile: what cannot be a profile name (the CA's list is checked at plan: profile.test.ts)
  ...[
    ["a trailing space", "classic "],
    ["a leading space", " classic"],
    ["a space inside", "tls server"],
    ["a newline", "shortlived\n"],
    ["a tab", "\ttlsserver"],
  ].map(([what, value]): Case => ({ argument: "profile", what: what!, phase: v, hcl: named(`  profile = ${hcl(value!)}`), expected: "profile must be a profile name the CA lists" })),
  // certificate_request_pem and what conflicts with it
  ...[
    ["not a CSR", "-----BEGIN CERTIFICATE REQUEST-----\nnot a CSR\n-----END CERTIFICATE REQUEST-----\n", "not a valid PEM certificate request"],
    ["no PEM block", "hello", "no CERTIFICATE REQUEST PEM block"],
    ["a name in the CN only", csr("-subj", "/CN=cn-only.acme-tf.test"), "is not among its DNS subject alternative names"],
    ["a CN outside the SANs", csr("-subj", "/CN=cn.acme-tf.test", "-addext", "subjectAltName=DNS:other.acme-tf.test"), "is not among its DNS subject alternative names"],
    ["an IP address", csr("-subj", "/CN=ip.acme-tf.test", "-addext", "subjectAltName=DNS:ip.acme-tf.test,IP:192.0.2.1"), "names IP addresses"],
    ["no name at all", csr("-subj", "/O=Nobody"), "names no domain"],
  ].map(([what, pem, expected]): Case => ({ argument: "certificate_request_pem", what: what!, phase: v, hcl: cert(`  certificate_request_pem = ${hcl(pem!)}`), expected: expected! })),
  ...["common_name", "subject_alternative_names", "key_type"].map((name): Case => {
    const value = name === "subject_alternative_names" ? `["x.acme-tf.test"]` : name === "key_type" ? `"P256"` : `"x.acme-tf.test"`;
    const pem = csr("-subj", "/CN=x.acme-tf.test", "-addext", "subjectAltName=DNS:x.acme-tf.test");
    return { argument: name, what: "with certificate_request_pem", phase: v, hcl: cert(`  certificate_request_pem = ${hcl(pem)}\n  ${name} = ${value}`), expected: "cannot be used with certificate_request_pem" };
  }),
  { argument: "common_name", what: "neither names nor a CSR", phase: v, hcl: cert(""), expected: "Set common_name" },
  // account_key_pem
  ...[
    ["not a key", "not a key"],
    ["a 1024-bit RSA key", rsa1024],
    ["a truncated key", rsa1024.slice(0, 200)],
    ["a certificate request", csr("-subj", "/CN=k.acme-tf.test", "-addext", "subjectAltName=DNS:k.acme-tf.test")],
  ].map(([what, pem]): Case => ({
    argument: "account_key_pem",
    what: what!,
    phase: v,
    hcl: (resource) => certificate(resource, `  common_name = "k.acme-tf.test"`, exec()).replace("acme_registration.account.account_key_pem", hcl(pem!)),
    expected: "account_key_pem is not a valid PEM private key",
  })),
  // durations and numbers
  ...[
    ["cert_timeout", ["0", "-1", "1.5", "86401", "10000000000"]],
    ["pre_check_delay", ["-1", "0.5", "86401", "9999999999"]],
    ["propagation_wait", ["-1", "2.5", "86401", "9999999999"]],
    ["renewal_info_max_sleep", ["-1", "901", "1.5"]],
    ["validity_days", ["0", "1.5", "36501", "-5"]],
  ].flatMap(([name, values]) =>
    (values as string[]).map((value): Case => ({ argument: name as string, what: value, phase: v, hcl: named(`  ${name} = ${value}`), expected: `Invalid ${name}` })),
  ),
  { argument: "min_days_dynamic", what: "with min_days_remaining", phase: v, hcl: named("  min_days_dynamic = true\n  min_days_remaining = 10"), expected: "cannot be used with min_days_remaining" },
  { argument: "propagation_wait", what: "with pre_check_delay", phase: v, hcl: named("  propagation_wait = 5\n  pre_check_delay = 5"), expected: "cannot be used with pre_check_delay" },
  // recursive_nameservers
  ...["127.0.0.1:99999", "127.0.0.1:0", "1.2.3.4:53:53", "1.2.3.4:", "", "http://192.0.2.1", "dns..example"].map(
    (server): Case => ({
      argument: "recursive_nameservers",
      what: JSON.stringify(server),
      phase: v,
      hcl: (resource) => certificate(resource, `  common_name = "ns.acme-tf.test"`, exec()).replace(/recursive_nameservers = \[[^\]]*\]/, `recursive_nameservers = [${hcl(server)}]`),
      expected: "Invalid recursive_nameservers",
    }),
  ),
  // dns_challenge
  { argument: "dns_challenge", what: "none", phase: v, hcl: named("", ""), expected: "No dns_challenge block" },
  { argument: "provider", what: "an unknown provider", phase: v, hcl: named("", `  dns_challenge {\n    provider = "route53"\n  }\n`), expected: 'Unknown DNS provider "route53"' },
  { argument: "provider", what: "an empty provider", phase: v, hcl: named("", `  dns_challenge {\n    provider = ""\n  }\n`), expected: "Unknown DNS provider" },
  { argument: "provider", what: "the same provider twice", phase: v, hcl: named("", exec() + exec()), expected: "Duplicate dns_challenge provider" },
  // exec settings
  { argument: "EXEC_PATH", what: "missing", phase: v, hcl: named("", execWithout("EXEC_PATH")), expected: "EXEC_PATH is required" },
  { argument: "EXEC_PATH", what: "an empty EXEC_PATH_FILE (unset)", phase: v, hcl: named("", execWithout("EXEC_PATH", { EXEC_PATH_FILE: files.empty! })), expected: "EXEC_PATH is required" },
  { argument: "EXEC_PATH", what: "a path that does not exist", phase: v, hcl: named("", exec({ EXEC_PATH: "/nonexistent/update-dns.sh" })), expected: "does not exist" },
  { argument: "EXEC_PATH", what: "not executable", phase: v, hcl: named("", exec({ EXEC_PATH: files["not-executable.sh"]! })), expected: "is not executable" },
  { argument: "EXEC_PATH", what: "not in PATH", phase: v, hcl: named("", exec({ EXEC_PATH: "no-such-update-dns-program" })), expected: "was not found in PATH" },
  { argument: "EXEC_PATH", what: "a directory", phase: v, hcl: named("", exec({ EXEC_PATH: "/tmp" })), expected: "EXEC_PATH" },
  { argument: "EXEC_PATH_FILE", what: "a file that does not exist", phase: v, hcl: named("", execWithout("EXEC_PATH", { EXEC_PATH_FILE: "/nonexistent/exec-path" })), expected: "cannot read" },
  { argument: "EXEC_PATH_FILE", what: "a directory", phase: v, hcl: named("", execWithout("EXEC_PATH", { EXEC_PATH_FILE: "/tmp" })), expected: "cannot read" },
  ...["raw", "Raw", "DEFAULT"].map((mode): Case => ({ argument: "EXEC_MODE", what: mode, phase: v, hcl: named("", exec({ EXEC_MODE: mode })), expected: "is not a valid value" })),
  ...[
    ["EXEC_PROPAGATION_TIMEOUT", "3s", "is not a whole number of seconds"],
    ["EXEC_PROPAGATION_TIMEOUT", "0", "is too short"],
    ["EXEC_PROPAGATION_TIMEOUT", "2200000", "is too long"],
    ["EXEC_PROPAGATION_TIMEOUT", "9999999999", "is too long"],
    ["EXEC_PROPAGATION_TIMEOUT", "-1", "is not a whole number of seconds"],
    ["EXEC_PROPAGATION_TIMEOUT", "1.5", "is not a whole number of seconds"],
    ["EXEC_POLLING_INTERVAL", "x", "is not a whole number of seconds"],
    ["EXEC_POLLING_INTERVAL", "86401", "is too long"],
    ["EXEC_POLLING_INTERVAL", "1e3", "is not a whole number of seconds"],
    ["EXEC_SEQUENCE_INTERVAL", "1m", "is not a whole number of seconds"],
    ["EXEC_SEQUENCE_INTERVAL", "86401", "is too long"],
  ].map(([setting, value, expected]): Case => ({ argument: setting!, what: value!, phase: v, hcl: named("", exec({ [setting!]: value! })), expected: expected! })),
  ...["EXEC_PATHS", "EXEC_TIMEOUT"].map((key): Case => ({ argument: key, what: "a misspelt setting", phase: v, hcl: named("", exec({ [key]: "1" })), expected: "is not a setting of the exec DNS provider" })),
  // acme-dns settings
  ...[
    ["ACME_DNS_API_BASE", "missing", { ACME_DNS_STORAGE_JSON: "{}" }, "ACME_DNS_API_BASE is required"],
    ["ACME_DNS_API_BASE", "not a URL", { ACME_DNS_API_BASE: "auth.example.com", ACME_DNS_STORAGE_JSON: "{}" }, "not an acme-dns API base URL"],
    ["ACME_DNS_API_BASE", "ftp", { ACME_DNS_API_BASE: "ftp://auth.example.com", ACME_DNS_STORAGE_JSON: "{}" }, "not an acme-dns API base URL"],
    ["ACME_DNS_ALLOWLIST", "an address", { ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_JSON: "{}", ACME_DNS_ALLOWLIST: "10.0.0.1" }, "not a list of CIDR networks"],
    ["ACME_DNS_ALLOWLIST", "/33", { ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_JSON: "{}", ACME_DNS_ALLOWLIST: "10.0.0.0/33" }, "not a list of CIDR networks"],
    ["ACME_DNS_STORAGE_JSON", "not JSON", { ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_JSON: "{" }, "invalid acme-dns credentials"],
    ["ACME_DNS_STORAGE_JSON", "no entry for the domain", { ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_JSON: "{}" }, "no account for"],
    ["ACME_DNS_STORAGE_JSON", "with ACME_DNS_STORAGE_PATH", { ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_JSON: "{}", ACME_DNS_STORAGE_PATH: files.empty! }, "cannot be used with ACME_DNS_STORAGE_PATH"],
    ["ACME_DNS_STORAGE_PATH", "neither file nor JSON", { ACME_DNS_API_BASE: "https://auth.example.com" }, "ACME_DNS_STORAGE_JSON is required"],
    ["ACME_DNS_HTTP_TIMEOUT", "0", { ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_JSON: "{}", ACME_DNS_HTTP_TIMEOUT: "0" }, "is too short"],
    ["ACME_DNS_HTTP_TIMEOUT", "86401", { ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_JSON: "{}", ACME_DNS_HTTP_TIMEOUT: "86401" }, "is too long"],
    ["ACME_DNS_PROPAGATION_TIMEOUT", "abc", { ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_JSON: "{}", ACME_DNS_PROPAGATION_TIMEOUT: "abc" }, "is not a whole number of seconds"],
  ].map(([setting, what, config, expected]): Case => ({ argument: setting as string, what: what as string, phase: v, hcl: named("", acmeDns(config as Record<string, string>)), expected: expected as string })),
  // acme_registration
  ...[
    ["account_key_algorithm", `account_key_algorithm = "DSA"`, "account_key_algorithm must be one of"],
    ["account_key_ecdsa_curve", `account_key_ecdsa_curve = "P521"`, "account_key_ecdsa_curve must be one of"],
    ["account_key_rsa_bits", `account_key_algorithm = "RSA"\n  account_key_rsa_bits = 1024`, "account_key_rsa_bits must be one of"],
    ["email_address", `email_address = "not-an-email"`, "email_address must be an email address"],
    ["account_key_pem", `account_key_pem = "garbage"`, "account_key_pem is not a valid PEM private key"],
    ["hmac_base64", `external_account_binding {\n    key_id = "kid"\n    hmac_base64 = "!!!"\n  }`, "hmac_base64 must be"],
  ].map(([argument, body, expected]): Case => ({ argument: argument!, what: body!.split("\n")[0]!, phase: v, type: "acme_registration", hcl: registration(`  ${body}`), expected: expected! })),
  // acme_dns_registration
  ...[
    ["server_url", `server_url = "auth.example.com"`, "is not a URL"],
    ["allowfrom", `server_url = "https://auth.example.com"\n  allowfrom = ["10.0.0.1/33"]`, "allowfrom[0]"],
    ["domain", `server_url = "https://auth.example.com"\n  domain = "*.example.com"`, "domain must be the bare domain"],
    ["domain", `server_url = "https://auth.example.com"\n  domain = "a..b"`, "domain must be a domain name"],
  ].map(([argument, body, expected]): Case => ({ argument: argument!, what: body!.split("\n").pop()!, phase: v, type: "acme_dns_registration", hcl: dnsRegistration(`  ${body}`), expected: expected! })),
  // Values from variables: unknown to validate, checked at plan.
  ...[
    ["common_name", "a..b.acme-tf.test", (r: string) => certificate(r, "  common_name = var.bad_name", exec()), "is not a valid DNS name"],
    ["cert_timeout", "100000", (r: string) => named("  cert_timeout = var.bad_timeout")(r), "Invalid cert_timeout"],
    ["recursive_nameservers", "127.0.0.1:99999", (r: string) => certificate(r, `  common_name = "nsvar.acme-tf.test"`, exec()).replace(/recursive_nameservers = \[[^\]]*\]/, "recursive_nameservers = [var.bad_resolver]"), "Invalid recursive_nameservers"],
    ["ACME_DNS_STORAGE_JSON", "{}", (r: string) => named("", acmeDns({ ACME_DNS_API_BASE: "https://auth.example.com" }).replace("config = {", "config = {\n      ACME_DNS_STORAGE_JSON = var.bad_credentials"))(r), "no account for"],
    ["EXEC_PROPAGATION_TIMEOUT", "2200000", (r: string) => named("", exec().replace("config = {", "config = {\n      EXEC_PROPAGATION_TIMEOUT = var.bad_exec_timeout"))(r), "is too long"],
  ].map(([argument, , build, expected]): Case => ({ argument: argument as string, what: "from a variable", phase: "plan", hcl: build as Case["hcl"], expected: expected as string })),
];

const VARIABLES = {
  bad_name: "a..b.acme-tf.test",
  bad_timeout: "100000",
  bad_resolver: "127.0.0.1:99999",
  bad_credentials: "{}",
  bad_exec_timeout: "2200000",
};

const resourceName = (index: number) => `case_${index}`;

/** Terraform's diagnostics, each split into its attribution and its own text. */
function diagnostics(result: TerraformResult): { resource?: string; text: string }[] {
  return `${result.stdout}\n${result.stderr}`
    .split(/\n(?=(?:│ )?(?:Error|Warning): )/)
    .slice(1)
    .map((block) => {
      const lines = block.split("\n").map((line) => line.replace(/^│ ?/, ""));
      const resource = /with (\w+)\.(case_\d+),/.exec(block)?.[2];
      // The source excerpt (with, on, "NN:", ├/│ value notes) is Terraform's, not ours.
      const text = lines.filter((line) => !/^\s+(with |on |\d+:|├|│|\(and )/.test(line) && line !== "╵" && line !== "╷").join("\n");
      return { resource, text: text.replace(/\s+/g, " ") };
    });
}

const indexed = cases.map((c, index) => ({ ...c, resource: resourceName(index) }));
const phases = { validate: indexed.filter((c) => c.phase === "validate"), plan: indexed.filter((c) => c.phase === "plan") };

const run = (async () => {
  const variables = Object.keys(VARIABLES)
    .map((name) => `variable "${name}" {\n  type = string\n}\n`)
    .join("");
  const validateWs = workspace(ACCOUNT + phases.validate.map((c) => c.hcl(c.resource)).join(""));
  const planWs = workspace(variables + ACCOUNT + phases.plan.map((c) => c.hcl(c.resource)).join(""), {
    env: Object.fromEntries(Object.entries(VARIABLES).map(([name, value]) => [`TF_VAR_${name}`, value])),
  });
  await Promise.all([validateWs.init(), planWs.init()]);
  const started = Date.now();
  const [validated, planned, planValidated] = await Promise.all([
    validateWs.run(["validate", "-no-color"]),
    planWs.run(["plan", "-input=false", "-no-color"]),
    planWs.run(["validate", "-no-color"]),
  ]);
  const ms = Date.now() - started;
  return { validated, planned, planValidated, ms, dirs: [validateWs.dir, planWs.dir] };
})();
run.catch(() => undefined);

test(`the table holds at least 100 distinct cases (${cases.length})`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(100);
  expect(new Set(cases.map((c) => `${c.argument} ${c.what} ${c.phase}`)).size).toBe(cases.length);
});

const groups = [...new Set(indexed.map((c) => c.argument))].map((argument) => [argument, indexed.filter((c) => c.argument === argument)] as const);

describe.each(groups)("%s", (_argument, group) => {
  test.each(group.map((c) => [c.what, c.phase, c] as const))("%s (caught at %s)", async (_what, phase, c) => {
    const { validated, planned, planValidated } = await run;
    const found = diagnostics(phase === "validate" ? validated : planned).filter((d) => d.resource === c.resource);
    const mine = found.map((d) => d.text).join("\n");
    expect(mine).toContain(c.expected.replace(/\s+/g, " "));
    expect(found.some((d) => d.text.includes(c.argument))).toBe(true);
    // A plan case is one validate cannot judge: it passes validate for that resource.
    if (phase === "plan") expect(diagnostics(planValidated).filter((d) => d.resource === c.resource && /Error:/.test(d.text))).toEqual([]);
  });
});

test("nothing is left behind: no state, no program run (so no DNS record, no process), no stack trace", async () => {
  const { validated, planned, dirs, ms } = await run;
  console.log(`bad-input table: ${cases.length} cases, terraform validate and plan in ${ms} ms`);
  for (const result of [validated, planned]) {
    expect(result.exitCode).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at .*\.[cm]?js:\d+/);
  }
  for (const dir of dirs) expect(existsSync(join(dir, "terraform.tfstate"))).toBe(false);
  expect(readFileSync(calls, "utf8")).toBe("");
});
