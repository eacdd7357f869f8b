// Bad acme_certificate configurations, caught by `terraform validate` (and so by plan)
// before anything is ordered, each with a diagnostic naming the argument or setting.
import {
  ACCOUNT,
  certificate,
  dnsUpdateScript,
  execChallenge,
  nsupdateConfig,
  openssl,
  removeScratch,
  removeWorkspaces,
  scratch,
  workspace,
} from "./fixtures/stack.js";
import { type TerraformResult, wrapped } from "./workspace.js";

afterAll(() => {
  removeWorkspaces();
  removeScratch();
});

/** Terraform's output with -no-color, split into its diagnostics. */
function diagnostics(result: TerraformResult): string[] {
  return `${result.stdout}\n${result.stderr}`.split(/\n(?=(?:│ )?(?:Error|Warning): )/).slice(1);
}

/** The diagnostics Terraform attributes to acme_certificate.<resource>. */
function diagnosticsOf(result: TerraformResult, resource: string): string {
  return diagnostics(result)
    .filter((diagnostic) => new RegExp(`with acme_certificate\\.${resource},`).test(diagnostic))
    .join("\n");
}

describe("terraform validate", () => {
  let result: TerraformResult;

  beforeAll(async () => {
    const { EXEC_PATH: _, ...withoutPath } = nsupdateConfig();
    const files = scratch({ "not-executable.sh": "#!/bin/sh\nexit 0\n" });
    const csr = await openssl([
      "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=csr.acme-tf.test",
    ]);
    const name = (resource: string) => `  common_name = "${resource.replaceAll("_", "-")}.acme-tf.test"`;
    const ws = workspace(
      ACCOUNT +
        certificate("missing_path", name("missing_path"), execChallenge(withoutPath)) +
        certificate("absent_program", name("absent_program"), execChallenge(nsupdateConfig({ EXEC_PATH: "/nonexistent/update-dns.sh" }))) +
        certificate("not_executable", name("not_executable"), execChallenge(nsupdateConfig({ EXEC_PATH: files["not-executable.sh"]! }))) +
        certificate("unknown_program", name("unknown_program"), execChallenge(nsupdateConfig({ EXEC_PATH: "no-such-update-dns-program" }))) +
        certificate("unreadable_file", name("unreadable_file"), execChallenge({ ...withoutPath, EXEC_PATH_FILE: "/nonexistent/exec-path" })) +
        certificate("unknown_provider", name("unknown_provider"), `  dns_challenge {\n    provider = "route53"\n  }\n`) +
        certificate("double_dot", `  common_name = "foo..bar.acme-tf.test"`) +
        certificate("trailing_dot", `  common_name = "dot.acme-tf.test."`) +
        certificate("ip_address", `  common_name = "ip.acme-tf.test"\n  subject_alternative_names = ["192.0.2.1"]`) +
        certificate("csr_and_names", `  certificate_request_pem = ${JSON.stringify(csr)}\n  common_name = "csr.acme-tf.test"\n  key_type = "P256"`) +
        certificate("bad_key_type", `${name("bad_key_type")}\n  key_type = "1024"`) +
        certificate("no_challenge", name("no_challenge"), "") +
        certificate("typo", name("typo"), execChallenge(nsupdateConfig({ EXEC_PATHS: dnsUpdateScript }))) +
        certificate("bad_settings", name("bad_settings"), execChallenge(nsupdateConfig({ EXEC_MODE: "raw", EXEC_PROPAGATION_TIMEOUT: "3s" }))) +
        certificate("no_names", "", execChallenge()) +
        certificate("max_sleep", `${name("max_sleep")}\n  use_renewal_info = true\n  renewal_info_max_sleep = 901`, execChallenge()) +
        certificate("short_validity", `${name("short_validity")}\n  validity_days = 30`, execChallenge()) +
        certificate("dynamic_and_days", `${name("dynamic_and_days")}\n  min_days_dynamic = true\n  min_days_remaining = 10`, execChallenge()) +
        certificate("wait_and_delay", `${name("wait_and_delay")}\n  propagation_wait = 10\n  pre_check_delay = 5`, execChallenge()) +
        certificate("two_exec", name("two_exec"), execChallenge() + execChallenge()) +
        certificate("bad_csr", `  certificate_request_pem = "-----BEGIN CERTIFICATE REQUEST-----\\nnot a CSR\\n-----END CERTIFICATE REQUEST-----\\n"`) +
        `resource "acme_certificate" "bad_resolver" {
  account_key_pem       = acme_registration.account.account_key_pem
  common_name           = "resolver.acme-tf.test"
  recursive_nameservers = ["dns.example.net:99999"]
${execChallenge()}}
`,
    );
    await ws.init();
    result = await ws.run(["validate", "-no-color"]);
  });

  test("fails, without a stack trace", () => {
    expect(result.exitCode).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  test("missing EXEC_PATH", () => {
    expect(diagnosticsOf(result, "missing_path")).toMatch(wrapped("EXEC_PATH is required"));
    expect(diagnosticsOf(result, "missing_path")).toMatch(wrapped("set it in the dns_challenge config or the EXEC_PATH environment variable (or EXEC_PATH_FILE)"));
  });

  test("an EXEC_PATH that does not exist, is not executable, or is not found in PATH", () => {
    expect(diagnosticsOf(result, "absent_program")).toMatch(wrapped("EXEC_PATH: /nonexistent/update-dns.sh does not exist"));
    expect(diagnosticsOf(result, "not_executable")).toMatch(/EXEC_PATH: \S+not-executable\.sh is not executable/);
    expect(diagnosticsOf(result, "unknown_program")).toMatch(wrapped('EXEC_PATH: "no-such-update-dns-program" was not found in PATH'));
  });

  test("an unreadable EXEC_PATH_FILE", () => {
    expect(diagnosticsOf(result, "unreadable_file")).toMatch(wrapped("EXEC_PATH_FILE: cannot read /nonexistent/exec-path"));
    expect(diagnosticsOf(result, "unreadable_file")).toMatch(wrapped("no such file"));
  });

  test("an unknown DNS provider, with the list of known ones", () => {
    expect(diagnosticsOf(result, "unknown_provider")).toMatch(wrapped('Unknown DNS provider "route53"'));
    expect(diagnosticsOf(result, "unknown_provider")).toMatch(/must be one of: [a-z, -]*\bexec\b/);
  });

  test("invalid names: an empty label, a trailing dot (which the CA would refuse), an IP address", () => {
    expect(diagnosticsOf(result, "double_dot")).toMatch(wrapped('"foo..bar.acme-tf.test" is not a valid DNS name'));
    expect(diagnosticsOf(result, "trailing_dot")).toMatch(wrapped('"dot.acme-tf.test." ends with a dot: write it without one ("dot.acme-tf.test")'));
    expect(diagnosticsOf(result, "ip_address")).toMatch(wrapped("192.0.2.1 is an IP address"));
  });

  test("a CSR together with common_name and key_type", () => {
    const found = diagnosticsOf(result, "csr_and_names");
    expect(found).toMatch(wrapped("Conflicting common_name"));
    expect(found).toMatch(wrapped("Conflicting key_type"));
    expect(found).toMatch(wrapped("cannot be used with certificate_request_pem"));
  });

  test("an invalid key_type", () => {
    expect(diagnosticsOf(result, "bad_key_type")).toMatch(wrapped('key_type must be one of "P256", "P384", "2048", "4096", "8192"; got "1024"'));
  });

  // The reference's checks: renewal_info_max_sleep in 0..900, validity_days above
  // min_days_remaining, min_days_dynamic vs min_days_remaining and propagation_wait vs
  // pre_check_delay conflicting, one dns_challenge block per provider.
  test("renewal and propagation arguments out of range or conflicting; one dns_challenge block per provider", () => {
    expect(diagnosticsOf(result, "max_sleep")).toMatch(wrapped("renewal_info_max_sleep must be a whole number of seconds from 0 to 900; got 901"));
    expect(diagnosticsOf(result, "short_validity")).toMatch(wrapped("validity_days (30) must be greater than min_days_remaining (30, the default)"));
    expect(diagnosticsOf(result, "dynamic_and_days")).toMatch(wrapped("min_days_dynamic cannot be used with min_days_remaining"));
    expect(diagnosticsOf(result, "wait_and_delay")).toMatch(wrapped("propagation_wait cannot be used with pre_check_delay"));
    expect(diagnosticsOf(result, "two_exec")).toMatch(wrapped('Two dns_challenge blocks use the provider "exec"'));
  });

  test("no dns_challenge block", () => {
    expect(diagnosticsOf(result, "no_challenge")).toMatch(wrapped("No dns_challenge block"));
  });

  test("a misspelt setting, an invalid EXEC_MODE and a duration with a unit", () => {
    expect(diagnosticsOf(result, "typo")).toMatch(wrapped("EXEC_PATHS is not a setting of the exec DNS provider"));
    expect(diagnosticsOf(result, "bad_settings")).toMatch(wrapped('EXEC_MODE: "raw" is not a valid value'));
    expect(diagnosticsOf(result, "bad_settings")).toMatch(wrapped('EXEC_PROPAGATION_TIMEOUT: "3s" is not a whole number of seconds'));
  });

  test("neither names nor a CSR", () => {
    expect(diagnosticsOf(result, "no_names")).toMatch(wrapped("No names to certify"));
  });

  test("a certificate_request_pem that is not a CSR; a resolver that is not an address", () => {
    expect(diagnosticsOf(result, "bad_csr")).toMatch(wrapped("Invalid certificate_request_pem"));
    expect(diagnosticsOf(result, "bad_resolver")).toMatch(wrapped('"dns.example.net:99999" must be an IP address or a host name, with an optional port'));
  });

  test("every bad resource got its own diagnostics, and nothing else", () => {
    const resources = diagnostics(result).map((diagnostic) => /with acme_certificate\.(\w+),/.exec(diagnostic)?.[1]);
    expect(new Set(resources)).toEqual(
      new Set([
        "missing_path", "absent_program", "not_executable", "unknown_program", "unreadable_file", "unknown_provider", "double_dot",
        "trailing_dot", "ip_address", "csr_and_names", "bad_key_type", "no_challenge", "typo", "bad_settings", "no_names",
        "bad_csr", "bad_resolver", "max_sleep", "short_validity", "dynamic_and_days", "wait_and_delay", "two_exec",
      ]),
    );
  });
});

test("an EXEC_PATH from the environment that does not exist: the diagnostic says where the value came from", async () => {
  const { EXEC_PATH: _, ...withoutPath } = nsupdateConfig();
  const ws = workspace(ACCOUNT + certificate("cert", `  common_name = "env.acme-tf.test"`, execChallenge(withoutPath)), {
    env: { EXEC_PATH: "/nonexistent/from-env.sh" },
  });
  await ws.init();
  const result = await ws.run(["plan", "-no-color", "-input=false"]);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toMatch(wrapped("EXEC_PATH: /nonexistent/from-env.sh does not exist"));
  expect(result.stderr).toMatch(wrapped("the value comes from the EXEC_PATH environment variable"));
});
