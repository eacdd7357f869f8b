// Stored state of every schema version the reference provider (vancluever/acme) wrote for
// acme_certificate (0..5) and acme_registration (0..2), and acme-tf 0.1.0's (0), read by
// the resources' declared upgraders. The terraform test of the migration guide
// (test/terraform/takeover.test.ts) runs the same shapes through the real CLI.
import { upgradeState } from "../../src/provider/state-versions.js";
import { acmeProvider } from "../../src/resources/index.js";
import { referenceState, type StateFixture } from "../fixtures/reference-state/index.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const values = {
  ACCOUNT_KEY_PEM: "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
  COMMON_NAME: "www.example.test",
  CERTIFICATE_URL: "https://ca.test/certZ/ff01",
  CERTIFICATE_UUID: "0b9a7c6e-2f4d-4e8a-9c1b-3d5e7f9a1b2c",
  CERTIFICATE_PEM: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
  EXEC_CONFIG: { EXEC_PATH: "/usr/local/bin/update-dns" },
  RECURSIVE_NAMESERVERS: ["192.0.2.53:53"],
  REGISTRATION_URL: "https://ca.test/my-account/1",
  SERVER_URL: "https://ca.test/dir",
  EMAIL: "admin@example.test",
};

function upgrade(type: "acme_certificate" | "acme_registration", fixture: StateFixture, version: number, override: Record<string, unknown> = {}) {
  const resource = acmeProvider({}).resources.find((r) => r.name === type)!;
  const stored = { ...referenceState(fixture, version, values).attributes, ...override };
  return upgradeState({ name: type, block: resource.schema.block, version: resource.schema.version, upgraders: resource.stateUpgraders ?? {} }, version, stored);
}

test("the schema versions continue the reference's: acme_certificate 5, acme_registration 2", () => {
  const versions = Object.fromEntries(acmeProvider({}).resources.map((r) => [r.name, r.schema.version]));
  expect(versions).toMatchObject({ acme_certificate: 5, acme_registration: 2 });
});

describe.each([0, 1, 2, 3, 4, 5])("the reference's acme_certificate state of schema version %i", (version) => {
  const { state, diagnostics } = upgrade("acme_certificate", "acme_certificate", version);

  test("upgrades without diagnostics, keeping the certificate", () => {
    expect(diagnostics).toEqual([]);
    expect(state).toMatchObject({
      account_key_pem: values.ACCOUNT_KEY_PEM,
      common_name: values.COMMON_NAME,
      certificate_url: values.CERTIFICATE_URL,
      certificate_pem: values.CERTIFICATE_PEM,
      dns_challenge: [{ provider: "exec", config: values.EXEC_CONFIG }],
    });
  });

  test(version === 5 ? "keeps its UUID id" : "gets a random UUID id, as the reference's 4 -> 5 upgrader gives (the URL stays in certificate_url)", () => {
    expect(state!.id).toMatch(UUID);
    if (version === 5) expect(state!.id).toBe(values.CERTIFICATE_UUID);
  });

  test("holds the reference's values for arguments its version did not have, and recursive_nameservers at the top level", () => {
    expect(state).toMatchObject({ preferred_chain: "", profile: "", certificate_p12_password: "", min_days_dynamic: false, use_renewal_info: false, renewal_info_max_sleep: 0, revoke_certificate_reason: null });
    expect(state!.recursive_nameservers).toEqual(version < 2 ? null : values.RECURSIVE_NAMESERVERS);
  });
});

test("acme-tf 0.1.0's acme_certificate (schema 0, certificate URL as id) upgrades: UUID id, the reference's values for unset arguments", () => {
  const { state, diagnostics } = upgrade("acme_certificate", "acme-tf-0.1.0-acme_certificate", 0);
  expect(diagnostics).toEqual([]);
  expect(state!.id).toMatch(UUID);
  expect(state).toMatchObject({ certificate_url: values.CERTIFICATE_URL, preferred_chain: "", profile: "", certificate_p12_password: "", revoke_certificate_reason: null, recursive_nameservers: values.RECURSIVE_NAMESERVERS });
});

test.each([0, 1, 2])("the reference's acme_registration state of schema version %i upgrades, with the key arguments' defaults", (version) => {
  const { state, diagnostics } = upgrade("acme_registration", "acme_registration", version);
  expect(diagnostics).toEqual([]);
  expect(state).toEqual({
    id: values.REGISTRATION_URL,
    account_key_pem: values.ACCOUNT_KEY_PEM,
    account_key_algorithm: "ECDSA",
    account_key_ecdsa_curve: "P384",
    account_key_rsa_bits: 4096,
    email_address: values.EMAIL,
    external_account_binding: [],
    registration_url: values.REGISTRATION_URL,
  });
});

test("acme-tf 0.1.0's acme_registration keeps its generated key's algorithm (the reference's upgrader would overwrite it)", () => {
  const { state, diagnostics } = upgrade("acme_registration", "acme-tf-0.1.0-acme_registration", 0, { account_key_algorithm: "RSA", account_key_rsa_bits: 2048 });
  expect(diagnostics).toEqual([]);
  expect(state).toMatchObject({ account_key_algorithm: "RSA", account_key_rsa_bits: 2048 });
});

describe("state that is neither ours nor the reference's: an error naming the resource and the schema version, never a crash", () => {
  test.each([
    ["acme_certificate", 3, { certificate_pem: undefined, certificate_url: undefined }, /acme_certificate \(schema version 4\) cannot be upgraded to version 5: it holds neither certificate_pem nor certificate_url/],
    ["acme_certificate", 5, { min_days_remaining: "soon" }, /acme_certificate \(schema version 5\) does not fit its schema: expected a number at min_days_remaining/],
    ["acme_registration", 0, { account_key_pem: undefined }, /acme_registration \(schema version 0\) cannot be upgraded to version 1: it holds no account_key_pem/],
    ["acme_registration", 2, { external_account_binding: "kid" }, /acme_registration \(schema version 2\) does not fit its schema/],
  ] as const)("%s at schema version %i", (type, version, override, message) => {
    const { state, diagnostics } = upgrade(type, type, version, override);
    expect(state).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.detail).toMatch(message);
  });

  test("a schema version newer than the reference's", () => {
    const { diagnostics } = upgrade("acme_certificate", "acme_certificate", 5);
    expect(diagnostics).toEqual([]);
    const resource = acmeProvider({}).resources.find((r) => r.name === "acme_certificate")!;
    const newer = upgradeState({ name: "acme_certificate", block: resource.schema.block, version: 5, upgraders: resource.stateUpgraders ?? {} }, 6, {});
    expect(newer.diagnostics[0]!.detail).toMatch(/acme_certificate was stored by a provider with schema version 6; this one understands up to 5/);
  });
});
