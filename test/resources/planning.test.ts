// The acme resources' validation and planning (src/resources), now plain declarations and
// functions: driven through the framework exactly as the protocol layer drives it, with no
// CA and no DNS (nothing here issues; the end-to-end tests in test/terraform do).
import { silentLogger } from "../../src/log/logger.js";
import type { Diagnostic } from "../../src/plugin/diagnostics.js";
import type { Block } from "../../src/plugin/schema.js";
import { UNKNOWN, isUnknown, type TfObject } from "../../src/plugin/values.js";
import { FrameworkProvider } from "../../src/provider/provider.js";
import { acmeProvider } from "../../src/resources/index.js";

const definition = acmeProvider({});
const provider = new FrameworkProvider(definition, silentLogger);
const DAY_MS = 86_400_000;

function blockOf(typeName: string): Block {
  return definition.resources.find((resource) => resource.name === typeName)!.schema.block;
}

/** A configuration as Terraform sends it: every attribute present, null unless given. */
function configOf(typeName: string, values: TfObject): TfObject {
  const block = blockOf(typeName);
  const empty = Object.fromEntries([...Object.keys(block.attributes).map((name) => [name, null]), ...Object.keys(block.blocks ?? {}).map((name) => [name, []])]);
  return { ...empty, ...values };
}

/** Terraform's proposed new state: the configuration, with prior values where it leaves computed ones null. */
function proposed(typeName: string, prior: TfObject | null, config: TfObject): TfObject {
  const out = { ...config };
  for (const [name, attribute] of Object.entries(blockOf(typeName).attributes)) {
    if (attribute.computed && config[name] === null) out[name] = prior ? prior[name]! : null;
  }
  return out;
}

async function plan(typeName: string, prior: TfObject | null, config: TfObject) {
  return provider.planResourceChange({ typeName, priorState: prior, proposedNewState: proposed(typeName, prior, config), config, priorPrivate: Buffer.alloc(0) });
}

const summaries = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.severity} ${JSON.stringify(d.path ?? [])} ${d.summary}`);

beforeAll(async () => {
  expect(await provider.configure({ server_url: "https://ca.test/directory" })).toEqual([]);
});

describe("acme_certificate validation", () => {
  const certificate = (values: TfObject) => configOf("acme_certificate", { account_key_pem: null, common_name: "www.example.test", dns_challenge: UNKNOWN, ...values });
  const validate = async (values: TfObject) => summaries(await provider.validateResourceConfig("acme_certificate", certificate(values)));

  test("a plain configuration is valid", async () => {
    expect(await validate({})).toEqual([]);
  });

  test("each invalid literal is named, with its path", async () => {
    expect(await validate({ key_type: "1024" })).toEqual(['error ["key_type"] Invalid key_type']);
    expect(await validate({ revoke_certificate_reason: "bored" })).toEqual(['error ["revoke_certificate_reason"] Invalid revoke_certificate_reason']);
    expect(await validate({ cert_timeout: 0, pre_check_delay: -1 })).toEqual(['error ["cert_timeout"] Invalid cert_timeout', 'error ["pre_check_delay"] Invalid pre_check_delay']);
    expect(await validate({ recursive_nameservers: ["192.0.2.53", "dns.example.test:99999"] })).toEqual(['error ["recursive_nameservers",1] Invalid recursive_nameservers']);
    expect(await validate({ renewal_info_max_sleep: 901 })).toEqual(['error ["renewal_info_max_sleep"] Invalid renewal_info_max_sleep']);
    expect(await validate({ subject_alternative_names: ["192.0.2.1"] })).toEqual(['error ["subject_alternative_names"] IP addresses cannot be certified here']);
    expect(await validate({ account_key_pem: "not a key" })).toEqual(['error ["account_key_pem"] Invalid account_key_pem']);
  });

  test("a CSR conflicts with names and key type, each named", async () => {
    const diagnostics = await provider.validateResourceConfig("acme_certificate", certificate({ certificate_request_pem: UNKNOWN, subject_alternative_names: ["a.example.test"], key_type: "P256" }));
    expect(summaries(diagnostics)).toEqual([
      'error ["common_name"] Conflicting common_name',
      'error ["subject_alternative_names"] Conflicting subject_alternative_names',
      'error ["key_type"] Conflicting key_type',
    ]);
    expect(diagnostics[0]!.detail).toBe(
      "common_name cannot be used with certificate_request_pem: the names and the key come from the CSR. Remove common_name, or remove certificate_request_pem to let the provider make the key.",
    );
  });

  test("something to certify, and a dns_challenge block, are required", async () => {
    expect(await validate({ common_name: null })).toEqual(['error ["common_name"] No names to certify']);
    expect(await validate({ dns_challenge: [] })).toEqual(["error [] No dns_challenge block"]);
  });

  test("unknown values are skipped", async () => {
    expect(await validate({ key_type: UNKNOWN, common_name: UNKNOWN, cert_timeout: UNKNOWN, recursive_nameservers: UNKNOWN })).toEqual([]);
  });

  test("arguments the reference lets be set one at a time; unknown ones are not judged", async () => {
    expect(await validate({ min_days_dynamic: true, min_days_remaining: 10 })).toEqual(['error ["min_days_dynamic"] Conflicting min_days_dynamic']);
    expect(await validate({ min_days_dynamic: true, min_days_remaining: UNKNOWN })).toEqual([]);
    expect(await validate({ validity_days: 20 })).toEqual(['error ["validity_days"] Invalid validity_days']);
  });
});

describe("acme_certificate planning", () => {
  const config = (values: TfObject = {}) =>
    configOf("acme_certificate", { account_key_pem: "KEY", common_name: "www.example.test", dns_challenge: [{ provider: "exec", config: null }], ...values });
  const issued = (notAfter: Date): TfObject => ({
    id: "https://ca.test/cert/1",
    certificate_url: "https://ca.test/cert/1",
    certificate_domain: "www.example.test",
    private_key_pem: "PRIVATE",
    certificate_pem: "CERT",
    issuer_pem: "ISSUER",
    certificate_p12: "P12",
    certificate_not_before: new Date(notAfter.getTime() - 90 * DAY_MS).toISOString(),
    certificate_not_after: notAfter.toISOString(),
    certificate_serial: "01",
  });
  const DEFAULTS = {
    key_type: "2048",
    min_days_remaining: 30,
    must_staple: false,
    cert_timeout: 30,
    deactivate_authorizations: true,
    revoke_certificate_on_destroy: true,
    disable_complete_propagation: false,
    min_days_dynamic: false,
    preferred_chain: "",
    profile: "",
    certificate_p12_password: "",
    pre_check_delay: 0,
    propagation_wait: 0,
    use_renewal_info: false,
    renewal_info_ignore_retry_after: false,
    renewal_info_max_sleep: 0,
  };
  /** The state after a create with `config`, certificate valid until `notAfter` (every default planned). */
  const defaults = definition.resources.find((resource) => resource.name === "acme_certificate")!.defaults;
  const stateOf = (values: TfObject, notAfter: Date) => ({ ...config(values), ...defaults, ...issued(notAfter) });

  test("create: the defaults planned, what issuing decides unknown", async () => {
    const { plannedState, requiresReplace, diagnostics } = await plan("acme_certificate", null, config());
    expect(diagnostics).toEqual([]);
    expect(requiresReplace).toEqual([]);
    expect(plannedState).toMatchObject(DEFAULTS);
    for (const name of Object.keys(issued(new Date()))) expect(isUnknown(plannedState![name])).toBe(true);
  });

  test("a certificate with time left: nothing to do", async () => {
    const prior = stateOf({}, new Date(Date.now() + 60 * DAY_MS));
    const { plannedState, requiresReplace } = await plan("acme_certificate", prior, config());
    expect(requiresReplace).toEqual([]);
    expect(plannedState).toEqual(prior);
  });

  test("fewer days left than min_days_remaining: renewal in place, the issued attributes unknown", async () => {
    const prior = stateOf({}, new Date(Date.now() + 10 * DAY_MS));
    const { plannedState, requiresReplace } = await plan("acme_certificate", prior, config());
    expect(requiresReplace).toEqual([]);
    for (const name of ["certificate_pem", "certificate_not_after", "certificate_p12", "renewal_info_window_start"]) expect(plannedState![name]).toBe(UNKNOWN);
    expect(plannedState!.id).toBe(prior.id);
    expect(plannedState!.private_key_pem).toBe("PRIVATE");
  });

  test("a negative min_days_remaining never renews", async () => {
    const prior = stateOf({ min_days_remaining: -1 }, new Date(Date.now() + DAY_MS));
    const { plannedState } = await plan("acme_certificate", { ...prior, min_days_remaining: -1 }, config({ min_days_remaining: -1 }));
    expect(plannedState).toEqual({ ...prior, min_days_remaining: -1 });
  });

  test("a new p12 password: only the bundle is redone", async () => {
    const prior = stateOf({}, new Date(Date.now() + 60 * DAY_MS));
    const { plannedState } = await plan("acme_certificate", prior, config({ certificate_p12_password: "new" }));
    expect(plannedState).toEqual({ ...prior, certificate_p12_password: "new", certificate_p12: UNKNOWN });
  });

  test("a new name replaces the certificate; a new timeout does not", async () => {
    const prior = stateOf({}, new Date(Date.now() + 60 * DAY_MS));
    expect((await plan("acme_certificate", prior, config({ common_name: "api.example.test" }))).requiresReplace).toEqual([["common_name"]]);
    expect((await plan("acme_certificate", prior, config({ cert_timeout: 60 }))).requiresReplace).toEqual([]);
  });
});

describe("acme_registration", () => {
  const validate = async (values: TfObject) => summaries(await provider.validateResourceConfig("acme_registration", configOf("acme_registration", values)));

  test("one-of values, email and the EAB key are checked where they are", async () => {
    expect(await validate({ account_key_algorithm: "DSA", account_key_rsa_bits: 1024 })).toEqual([
      'error ["account_key_algorithm"] Invalid account_key_algorithm',
      'error ["account_key_rsa_bits"] Invalid account_key_rsa_bits',
    ]);
    expect(await validate({ email_address: "admin" })).toEqual(['error ["email_address"] Invalid email_address']);
    const eab = await provider.validateResourceConfig("acme_registration", configOf("acme_registration", { external_account_binding: [{ key_id: "k", hmac_base64: "not base64!" }] }));
    expect(summaries(eab)).toEqual(['error ["external_account_binding",0,"hmac_base64"] Invalid hmac_base64']);
    expect(eab[0]!.detail).not.toContain("not base64!");
  });

  test("create plans the key defaults; a generated key is decided at apply", async () => {
    const { plannedState } = await plan("acme_registration", null, configOf("acme_registration", { email_address: "admin@example.test" }));
    expect(plannedState).toMatchObject({ account_key_algorithm: "ECDSA", account_key_ecdsa_curve: "P384", account_key_rsa_bits: 4096, account_key_pem: UNKNOWN, registration_url: UNKNOWN });
  });
});

describe("acme_dns_registration", () => {
  test("a wildcard domain is refused, saying which domain to write", async () => {
    const diagnostics = await provider.validateResourceConfig("acme_dns_registration", configOf("acme_dns_registration", { server_url: "https://auth.example.test", domain: "*.example.test" }));
    expect(summaries(diagnostics)).toEqual(['error ["domain"] Invalid domain']);
    expect(diagnostics[0]!.detail).toContain('"example.test"');
  });
});
