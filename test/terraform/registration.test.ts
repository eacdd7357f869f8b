// acme_registration and acme_server_url through the real terraform CLI, the installed
// provider and a real Pebble (the lab).
import { readFileSync } from "node:fs";
import { createPrivateKey } from "node:crypto";
import { deactivateAccount, findAccount } from "../../src/acme/accounts.js";
import { lab, startPebble } from "../lab/index.js";
import type { PebbleInstance } from "../lab/lab-contract.js";
import { providerBlock, resourceValues, TerraformWorkspace, wrapped } from "./workspace.js";

const environment = lab();
const caCertPem = readFileSync(environment.caCertPath, "utf8");
const userEnv = { NODE_EXTRA_CA_CERTS: environment.caCertPath };
const workspaces: TerraformWorkspace[] = [];

function workspace(hcl: string, serverUrl = environment.acmeDirectory): TerraformWorkspace {
  const ws = new TerraformWorkspace(userEnv).write("main.tf", providerBlock(serverUrl) + hcl);
  workspaces.push(ws);
  return ws;
}

afterAll(() => workspaces.forEach((ws) => ws.remove()));

const lookup = (accountKeyPem: string, directoryUrl = environment.acmeDirectory) =>
  findAccount({ directoryUrl, accountKeyPem, caCertPem, signal: new AbortController().signal });

test("apply registers an account, a second plan is empty, destroy deactivates it", async () => {
  const ws = workspace(`
resource "acme_registration" "reg" {
  email_address = "admin@acme-tf.test"
}

data "acme_server_url" "this" {}

output "server_url" {
  value = data.acme_server_url.this.server_url
}
`);
  await ws.init();
  await ws.apply();
  const registration = resourceValues(await ws.state(), "acme_registration.reg");
  expect(registration.registration_url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/my-account\//);
  expect(registration.id).toBe(registration.registration_url);
  expect(registration.account_key_algorithm).toBe("ECDSA");
  const key = createPrivateKey(registration.account_key_pem as string);
  expect(key.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
  expect((await ws.outputs()).server_url!.value).toBe(environment.acmeDirectory);
  expect(await lookup(registration.account_key_pem as string)).toBe(registration.registration_url);

  expect((await ws.plan()).exitCode).toBe(0);

  await ws.destroy();
  expect(await lookup(registration.account_key_pem as string)).toBeNull();
});

test("an email_address written with mailto: is the same address, never sent as mailto:mailto: (Pebble would refuse that contact)", async () => {
  const ws = workspace(`
resource "acme_registration" "reg" {
  email_address = "mailto:admin@acme-tf.test"
}
`);
  await ws.init();
  await ws.apply();
  const registration = resourceValues(await ws.state(), "acme_registration.reg");
  expect(registration.email_address).toBe("mailto:admin@acme-tf.test");
  expect((await ws.plan()).exitCode).toBe(0);
  await ws.destroy();
});

test("a given RSA account key is used as is; an account deactivated outside Terraform is planned again", async () => {
  const ws = workspace(`
resource "acme_registration" "reg" {
  account_key_algorithm = "RSA"
  account_key_rsa_bits  = 2048
}
`);
  await ws.init();
  await ws.apply();
  const registration = resourceValues(await ws.state(), "acme_registration.reg");
  expect(createPrivateKey(registration.account_key_pem as string).asymmetricKeyDetails?.modulusLength).toBe(2048);

  await deactivateAccount({ directoryUrl: environment.acmeDirectory, accountKeyPem: registration.account_key_pem as string, caCertPem, signal: new AbortController().signal });
  const plan = await ws.plan();
  expect(plan.exitCode).toBe(2);
  expect(plan.stdout).toMatch(/acme_registration\.reg will be created/);
});

describe("trusting a private CA", () => {
  const registrationOnly = `resource "acme_registration" "reg" {}\n`;
  // Debian's bundle of public roots: trusting it must not be what makes the lab CA trusted.
  const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  test("LEGO_CA_CERTIFICATES, as with the reference provider", async () => {
    const ws = new TerraformWorkspace({ LEGO_CA_CERTIFICATES: environment.caCertPath }).write("main.tf", providerBlock(environment.acmeDirectory) + registrationOnly);
    workspaces.push(ws);
    await ws.init();
    await ws.apply();
    expect(resourceValues(await ws.state(), "acme_registration.reg").registration_url).toMatch(/my-account/);
  });

  test("NODE_EXTRA_CA_CERTS naming the private CA (read by the provider, not at node's start)", async () => {
    const ws = new TerraformWorkspace({ NODE_EXTRA_CA_CERTS: environment.caCertPath }).write("main.tf", providerBlock(environment.acmeDirectory) + registrationOnly);
    workspaces.push(ws);
    await ws.init();
    await ws.apply();
    expect(resourceValues(await ws.state(), "acme_registration.reg").registration_url).toMatch(/my-account/);
  });

  test("SSL_CERT_FILE naming the private CA, as for Go programs (NODE_EXTRA_CA_CERTS naming the system bundle)", async () => {
    const ws = new TerraformWorkspace({ SSL_CERT_FILE: environment.caCertPath, NODE_EXTRA_CA_CERTS: SYSTEM_BUNDLE }).write(
      "main.tf",
      providerBlock(environment.acmeDirectory) + registrationOnly,
    );
    workspaces.push(ws);
    await ws.init();
    await ws.apply();
    expect(resourceValues(await ws.state(), "acme_registration.reg").registration_url).toMatch(/my-account/);
  });

  test("without either, the TLS failure is explained", async () => {
    const ws = new TerraformWorkspace().write("main.tf", providerBlock(environment.acmeDirectory) + registrationOnly);
    workspaces.push(ws);
    await ws.init();
    const result = await ws.run(["apply", "-auto-approve", "-no-color"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/certificate/i);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("a CA that requires external account binding", () => {
  let pebble: PebbleInstance;
  beforeAll(async () => {
    pebble = await startPebble(environment, { eab: true });
  });
  afterAll(() => pebble?.stop());

  test("registers with the binding", async () => {
    const ws = workspace(
      `
resource "acme_registration" "reg" {
  email_address = "eab@acme-tf.test"
  external_account_binding {
    key_id      = "${pebble.eab!.keyId}"
    hmac_base64 = "${pebble.eab!.hmacBase64}"
  }
}
`,
      pebble.acmeDirectory,
    );
    await ws.init();
    await ws.apply();
    const registration = resourceValues(await ws.state(), "acme_registration.reg");
    expect(await lookup(registration.account_key_pem as string, pebble.acmeDirectory)).toBe(registration.registration_url);
    expect((await ws.plan()).exitCode).toBe(0);
    await ws.destroy();
  });

  test("without the binding, apply fails saying what is missing", async () => {
    const ws = workspace(`resource "acme_registration" "reg" {}\n`, pebble.acmeDirectory);
    await ws.init();
    const result = await ws.run(["apply", "-auto-approve", "-no-color"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(wrapped("external account binding"));
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const state = await ws.run(["state", "list"]);
    expect(state.stdout.trim()).toBe("");
  });
});

describe("bad input", () => {
  test("validate names the argument of an invalid key, algorithm and email", async () => {
    const ws = workspace(`
resource "acme_registration" "reg" {
  account_key_pem       = "not a key"
  account_key_algorithm = "DSA"
  email_address         = "nobody"
}
`);
    await ws.init();
    const result = await ws.run(["validate", "-no-color"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(wrapped("account_key_pem is not a valid PEM private key"));
    expect(result.stderr).toMatch(wrapped('account_key_algorithm must be one of "ECDSA", "RSA"; got "DSA"'));
    expect(result.stderr).toMatch(wrapped("email_address must be an email address"));
    // The reference's ConflictsWith: a given key with the generation arguments.
    expect(result.stderr).toMatch(wrapped("account_key_algorithm cannot be used with account_key_pem"));
  });

  test("the curve conflicts with the RSA size, as in the reference", async () => {
    const ws = workspace(`
resource "acme_registration" "reg" {
  account_key_ecdsa_curve = "P256"
  account_key_rsa_bits    = 2048
}
`);
    await ws.init();
    const result = await ws.run(["validate", "-no-color"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(wrapped("account_key_rsa_bits cannot be used with account_key_ecdsa_curve"));
  });

  test("a malformed server_url is reported at validate time", async () => {
    const ws = workspace(`data "acme_server_url" "this" {}\n`, "not a url");
    await ws.init();
    const result = await ws.run(["validate", "-no-color"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(wrapped("must be the URL of an ACME directory"));
  });

  test("an ACME server that is down gives a clear error quickly, not a hang", async () => {
    const ws = workspace(`resource "acme_registration" "reg" {}\n`, "https://127.0.0.1:9/dir");
    await ws.init();
    const started = Date.now();
    const result = await ws.run(["apply", "-auto-approve", "-no-color"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/127\.0\.0\.1:9/);
    expect(result.stderr).toMatch(/ECONNREFUSED|connection refused|could not connect/i);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
