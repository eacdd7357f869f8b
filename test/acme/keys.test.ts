import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import {
  certificateKeyTypeOf,
  generateAccountKey,
  generateCertificateKey,
  jwkThumbprint,
  parsePrivateKeyPem,
  privateKeyProblem,
  InvalidPrivateKeyError,
} from "../../src/acme/keys.js";

describe("generated keys use lego's PEM forms", () => {
  test.each([
    [{ algorithm: "ECDSA", curve: "P256" } as const, "EC PRIVATE KEY", "ECDSA P-256"],
    [{ algorithm: "ECDSA", curve: "P384" } as const, "EC PRIVATE KEY", "ECDSA P-384"],
    [{ algorithm: "RSA", bits: 2048 } as const, "RSA PRIVATE KEY", "RSA 2048"],
    [{ algorithm: "RSA", bits: 3072 } as const, "RSA PRIVATE KEY", "RSA 3072"],
  ])("account key %j", async (spec, label, description) => {
    const pem = await generateAccountKey(spec);
    expect(pem.startsWith(`-----BEGIN ${label}-----\n`)).toBe(true);
    expect(parsePrivateKeyPem(pem).description).toBe(description);
  });

  test.each([
    ["P256", "EC PRIVATE KEY"],
    ["P384", "EC PRIVATE KEY"],
    ["2048", "RSA PRIVATE KEY"],
  ] as const)("certificate key %s", async (keyType, label) => {
    const pem = await generateCertificateKey(keyType);
    expect(pem).toContain(`-----BEGIN ${label}-----`);
    expect(certificateKeyTypeOf(parsePrivateKeyPem(pem))).toBe(keyType);
  });

  test("PKCS#8 on request", async () => {
    const pem = await generateCertificateKey("P256", "pkcs8");
    expect(pem).toContain("-----BEGIN PRIVATE KEY-----");
    expect(parsePrivateKeyPem(pem).curve).toBe("P-256");
  });
});

describe("parsing user-given keys", () => {
  test("accepts PKCS#8, SEC1 and PKCS#1, with text around the block", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    expect(parsePrivateKeyPem(ec.export({ type: "pkcs8", format: "pem" }).toString()).kind).toBe("ec");
    expect(parsePrivateKeyPem("comment\n" + ec.export({ type: "sec1", format: "pem" }).toString() + "\ntrailer").curve).toBe("P-384");
    expect(parsePrivateKeyPem(rsa.export({ type: "pkcs1", format: "pem" }).toString()).bits).toBe(2048);
  });

  test.each([
    ["", /no PEM block found/],
    ["not a key", /no PEM block found/],
    ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", /no private key block found \(found CERTIFICATE\)/],
    ["-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", /the PRIVATE KEY block cannot be decoded/],
    ["-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", /encrypted/],
  ])("rejects %j with a reason", (pem, reason) => {
    expect(privateKeyProblem(pem)).toMatch(reason);
    expect(() => parsePrivateKeyPem(pem)).toThrow(InvalidPrivateKeyError);
  });

  test("rejects keys ACME cannot sign with", () => {
    const ed = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(privateKeyProblem(ed)).toMatch(/unsupported key type ed25519/);
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    expect(privateKeyProblem(small)).toMatch(/at least 2048 bits \(this one has 1024\)/);
    const k1 = generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
    expect(privateKeyProblem(k1)).toMatch(/unsupported elliptic curve secp256k1/);
  });

  test("the error message never contains the key", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nTUlJQ1hBSUJBQUtCZ1FDcWdVVlNlY3JldA==\n-----END RSA PRIVATE KEY-----\n";
    const reason = privateKeyProblem(pem) ?? "";
    expect(reason).not.toContain("TUlJ");
  });
});

test("RFC 7638 thumbprint (the RFC's own example key)", () => {
  const key = createPrivateKey({
    format: "jwk",
    key: {
      kty: "RSA",
      e: "AQAB",
      n:
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn6" +
        "4tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n9" +
        "1CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
      d:
        "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9M7dx5oo7GURknchnrRweUkC7hT5fJLM0WbFAKNLWY2vv7B6NqXSzUvxT0_YSfqijwp3R" +
        "TzlBaCxWp4doFk5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9tv8d_cPVY3i07a3t8MN6TNwm0dSawm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4I" +
        "BTNBznbJSzFHK66jT8bgkuqsk0GjskDJk19Z4qwjwbsnn4j2WBii3RL-Us2lGVkY8fkFzme1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q",
      p: "83i-7IvMGXoMXCskv73TKr8637FiO7Z27zv8oj6pbWUQyLPQBQxtPVnwD20R-60eTDmD2ujnMt5PoqMrm8RfmNhVWDtjjMmCMjOpSXicFHj7XOuVXYqYA0KUTYsWWpDw4HFO1gK5Im5R1Xu7DnzBQ0b8MMmzCHPKvyoSJ8nhMRsDs",
      q: "3dfOR9cuYq-0S-mkFLzgItgMEfFzB2q3hWehMuG0oCuqnb3vobLyumqjVZQO1dIrdwgTnCdpYzBcOfW5r370AFXjiWft_NGEiovonizhKpo9VVS78TzFgxkIdrecRezsZ-1kYd_s1qDbxtkDEgfAITAG9LUnADun4vIcb6yelxk",
      dp: "G4sPXkc6Ya9y8oJW9_ILj4xuppu0lzi_H7VTkS8xj5SdX3coE0oimYwxIi2emTAue0UOa5dpgFGyBJ4c8tQ2VF402XRugKDTP8akYhFo5tAA77Qe_NmtuYZc3C3m3I24G2GvR5sSDxUyAN2zq8Lfn9EUms6rY3Ob8YeiKkTiBj0",
      dq: "s9lAH9fggBsoFR8Oac2R_E2gw282rT2kGOAhvIllETE1efrA6huUUvMfBcMpn8lqeW6vzznYY5SSQF7pMdC_agI3nG8Ibp1BUb0JUiraRNqUfLhcQb_d9GF4Dh7e74WbRsobRonujTYN1xCaP6TO61jvWrX-L18txXw494Q_cgk",
      qi: "GyM_p6JrXySiz1toFgKbWV-JdI3jQ4ypu9rbMWx3rQJBfmt0FoYzgUIZEVFEcOqwemRN81zoDAaa-Bk0KWNGDjJHZDdDmFhW3AN7lI-puxk_mHZGJ11rxyR8O55XLSe3SPmRfKwZI6yU24ZxvQKFYItdldUKGzO6Ia6zTKhAVRU",
    },
  });
  expect(jwkThumbprint(key)).toBe("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
});
