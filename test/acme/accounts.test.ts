import { createAccount, deactivateAccount, findAccount } from "../../src/acme/accounts.js";
import { AcmeError } from "../../src/acme/errors.js";
import { generateAccountKey } from "../../src/acme/keys.js";
import type { PebbleInstance } from "../lab/index.js";
import { lab, labCaPem, startPebble, testLogger, testSignal } from "./support.js";

const target = (accountKeyPem: string, directoryUrl = lab().acmeDirectory) => ({
  directoryUrl,
  accountKeyPem,
  caCertPem: labCaPem(),
  signal: testSignal(),
  logger: testLogger,
});

describe("accounts", () => {
  test.each([
    { algorithm: "ECDSA", curve: "P256" } as const,
    { algorithm: "ECDSA", curve: "P384" } as const,
    { algorithm: "RSA", bits: 2048 } as const,
  ])("create, find, deactivate with a %j key", async (spec) => {
    const key = await generateAccountKey(spec);
    expect(await findAccount(target(key))).toBeNull();

    const { registrationUrl } = await createAccount({ ...target(key), email: "admin@acme-tf.test" });
    expect(registrationUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(await findAccount(target(key))).toBe(registrationUrl);

    // Creating again with the same key answers with the same account, as lego does.
    expect((await createAccount(target(key))).registrationUrl).toBe(registrationUrl);

    await deactivateAccount(target(key));
    expect(await findAccount(target(key))).toBeNull();
    // Deactivating what is gone is not an error.
    await deactivateAccount(target(key));
    await deactivateAccount({ ...target(key), registrationUrl });
  });

  test("the CA's problem is reported with its type and detail", async () => {
    const key = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const error = await createAccount({ ...target(key), email: "not an email" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcmeError);
    expect((error as AcmeError).message).toMatch(/^creating the ACME account failed: invalidContact: .+/);
    expect((error as AcmeError).problem?.type).toBe("urn:ietf:params:acme:error:invalidContact");
  });

  test("an unreachable server says so, without a stack trace", async () => {
    const key = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const error = (await findAccount(target(key, "https://127.0.0.1:1/dir")).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^cannot reach the ACME server \(GET https:\/\/127\.0\.0\.1:1\/dir\): connect ECONNREFUSED/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  test("a cancelled signal stops the operation", async () => {
    const key = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const controller = new AbortController();
    controller.abort(new Error("terraform stop"));
    await expect(createAccount({ ...target(key), signal: controller.signal })).rejects.toThrow(/was cancelled: terraform stop/);
  });
});

describe("external account binding", () => {
  let pebble: PebbleInstance;
  beforeAll(async () => {
    pebble = await startPebble(lab(), { eab: true });
  });
  afterAll(async () => {
    await pebble?.stop();
  });

  test("required: without it the error says so", async () => {
    const key = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    await expect(createAccount(target(key, pebble.acmeDirectory))).rejects.toThrow(/requires an external account binding/);
  });

  test("with the CA's key the account is created", async () => {
    const key = await generateAccountKey({ algorithm: "ECDSA", curve: "P384" });
    const { registrationUrl } = await createAccount({ ...target(key, pebble.acmeDirectory), eab: pebble.eab! });
    expect(await findAccount(target(key, pebble.acmeDirectory))).toBe(registrationUrl);
  });

  test("a wrong HMAC key is rejected with the CA's detail and a hint", async () => {
    const key = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const eab = { keyId: pebble.eab!.keyId, hmacBase64: Buffer.alloc(32, 7).toString("base64url") };
    const error = (await createAccount({ ...target(key, pebble.acmeDirectory), eab }).catch((e: unknown) => e)) as AcmeError;
    expect(error).toBeInstanceOf(AcmeError);
    expect(error.message).toMatch(/^creating the ACME account failed: \w+: .+ \(check the external account binding's key ID and HMAC key\)$/);
    expect(error.message).not.toContain(eab.hmacBase64);
  });

  test("an HMAC key that is not base64url is caught before asking the CA", async () => {
    const key = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const eab = { keyId: pebble.eab!.keyId, hmacBase64: "not base64!" };
    await expect(createAccount({ ...target(key, pebble.acmeDirectory), eab })).rejects.toThrow(/HMAC key is not valid base64url/);
  });
});
