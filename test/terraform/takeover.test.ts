// The migration guide (docs/guides/migrating-from-vancluever-acme.md), step by step, with
// the real terraform CLI on a state file written exactly as the reference provider
// (vancluever/acme) writes it: its provider address, schema versions (registration 2,
// certificate 5), UUID id, "" for unset preferred_chain / profile / p12 password and for
// renewal_info_* at a CA without ARI, its SDK's private data, and a real certificate
// issued at the lab's Pebble with the same account.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createAccount } from "../../src/acme/accounts.js";
import { issueCertificate } from "../../src/acme/certificates.js";
import { generateAccountKey } from "../../src/acme/keys.js";
import { certificateToP12 } from "../../src/acme/pkcs12.js";
import { nsupdateSolver, testLogger } from "../acme/support.js";
import { referenceState } from "../fixtures/reference-state/index.js";
import { certStatus } from "../lab/index.js";
import { certificate, certificateValues, environment, execChallenge, hcl, nsupdateConfig, removeWorkspaces, serialHex, uniqueName, workspace, type Values } from "./fixtures/stack.js";
import { providerBlock, resourceValues } from "./workspace.js";

afterAll(() => removeWorkspaces());

const REFERENCE_PROVIDER = 'provider["registry.terraform.io/vancluever/acme"]';
// The reference is built on the plugin SDK, which keeps the schema version in private data.
const sdkPrivate = (version: number) => Buffer.from(JSON.stringify({ schema_version: String(version) })).toString("base64");
const sensitive = (...names: string[]) => names.map((name) => [{ type: "get_attr", value: name }]);

async function referenceStateFile(name: string, email: string) {
  const signal = AbortSignal.timeout(60_000);
  const caCertPem = readFileSync(environment.caCertPath, "utf8");
  const accountKeyPem = await generateAccountKey({ algorithm: "ECDSA", curve: "P384" });
  const { registrationUrl } = await createAccount({ directoryUrl: environment.acmeDirectory, accountKeyPem, caCertPem, email, signal });
  const issued = await issueCertificate({
    directoryUrl: environment.acmeDirectory, accountKeyPem, caCertPem, names: [name], keyType: "P256", solver: nsupdateSolver(), signal, logger: testLogger,
  });
  const p12 = await certificateToP12({ privateKeyPem: issued.privateKeyPem!, certificatePem: issued.certificatePem, issuerPem: issued.issuerPem, password: "" });
  const values = {
    ACCOUNT_KEY_PEM: accountKeyPem, REGISTRATION_URL: registrationUrl, EMAIL: email, COMMON_NAME: name,
    CERTIFICATE_UUID: randomUUID(), CERTIFICATE_URL: issued.certificateUrl, PRIVATE_KEY_PEM: issued.privateKeyPem, CERTIFICATE_PEM: issued.certificatePem,
    ISSUER_PEM: issued.issuerPem, CERTIFICATE_P12: p12, NOT_BEFORE: issued.notBefore, NOT_AFTER: issued.notAfter, SERIAL: issued.serial,
    EXEC_CONFIG: nsupdateConfig(), RECURSIVE_NAMESERVERS: [environment.resolver],
  };
  const instance = (fixture: "acme_registration" | "acme_certificate", version: number, secrets: string[], extra: Values = {}) => ({
    ...referenceState(fixture, version, values), sensitive_attributes: sensitive(...secrets), private: sdkPrivate(version), ...extra,
  });
  const state = {
    version: 4, terraform_version: "1.11.0", serial: 3, lineage: randomUUID(), outputs: {},
    resources: [
      { mode: "managed", type: "acme_registration", name: "account", provider: REFERENCE_PROVIDER, instances: [instance("acme_registration", 2, ["account_key_pem"])] },
      {
        mode: "managed", type: "acme_certificate", name: "cert", provider: REFERENCE_PROVIDER,
        instances: [instance("acme_certificate", 5, ["account_key_pem", "private_key_pem", "certificate_p12", "certificate_p12_password"], { dependencies: ["acme_registration.account"] })],
      },
    ],
    check_results: null,
  };
  return { state: JSON.stringify(state, null, 2), values };
}

test("the guide's steps on the reference's state: replace-provider, init, an empty plan; then renewal in place with the same account, and destroy revokes", async () => {
  const name = uniqueName("takeover");
  const email = `takeover@${environment.zone}`;
  const { state, values } = await referenceStateFile(name, email);
  // The same HCL a user of the reference has, with `source` changed (step 1 of the guide).
  const config = (extra = "") =>
    `resource "acme_registration" "account" {\n  email_address = ${hcl(email)}\n}\n` +
    certificate("cert", `  common_name = ${hcl(name)}\n  key_type    = "P256"\n${extra}`, execChallenge());
  const ws = workspace(config()).write("terraform.tfstate", state);

  // Step 2 and 3 of the guide.
  const replaced = await ws.ok(["state", "replace-provider", "-auto-approve", "registry.terraform.io/vancluever/acme", "registry.terraform.io/acme-tf/acme"]);
  expect(replaced.stdout).toMatch(/Successfully replaced provider for 2 resources/);
  await ws.init();
  // Step 4: nothing to change, nothing re-issued, nothing revoked.
  const plan = await ws.plan();
  expect(`${plan.stdout}${plan.stderr}`).toMatch(/No changes/);
  expect(plan.exitCode).toBe(0);
  // Step 5: store the state in acme-tf's shape (until then `terraform show` cannot read
  // attributes only the reference has, such as http_challenge).
  await ws.ok(["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"]);

  const before = await certificateValues(ws);
  expect(before.id).toBe(values.CERTIFICATE_UUID);
  expect(before.certificate_serial).toBe(values.SERIAL);
  const registration = resourceValues(await ws.state(), "acme_registration.account");
  expect(registration.registration_url).toBe(values.REGISTRATION_URL);

  // A forced renewal renews in place, with the same account and the same id.
  ws.write("main.tf", providerBlock(environment.acmeDirectory) + config("  min_days_remaining = 2000\n"));
  const renewal = await ws.plan();
  expect(renewal.exitCode).toBe(2);
  expect(renewal.stdout).toMatch(/acme_certificate\.cert will be updated in-place/);
  expect(renewal.stdout).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy/);
  await ws.apply();
  const after = await certificateValues(ws);
  expect(after.certificate_serial).not.toBe(values.SERIAL);
  expect(after.id).toBe(values.CERTIFICATE_UUID);
  expect(resourceValues(await ws.state(), "acme_registration.account").registration_url).toBe(values.REGISTRATION_URL);
  expect((await certStatus(environment.managementUrl, serialHex(after), environment.caCertPath)).Status).toBe("Valid");

  await ws.destroy();
  expect((await certStatus(environment.managementUrl, serialHex(after), environment.caCertPath)).Status).toBe("Revoked");
});
