import { execFileSync } from "node:child_process";
import { createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAccount } from "../../src/acme/accounts.js";
import { issueCertificate, type IssueCertificateOptions } from "../../src/acme/certificates.js";
import { parseCertificate } from "../../src/acme/certificate-info.js";
import { AcmeError } from "../../src/acme/errors.js";
import { generateAccountKey, type CertificateKeyType } from "../../src/acme/keys.js";
import { revokeCertificate } from "../../src/acme/revocation.js";
import { jsonLineLogger } from "../../src/log/logger.js";
import type { Dns01Solver } from "../../src/acme/solver.js";
import type { PebbleInstance } from "../lab/index.js";
import { certStatus, lab, labCaPem, nsupdateSolver, startPebble, testLogger, testSignal, uniqueDomain } from "./support.js";

interface Account {
  directoryUrl: string;
  accountKeyPem: string;
  caCertPem: string;
}

async function newAccount(directoryUrl = lab().acmeDirectory, eab?: PebbleInstance["eab"]): Promise<Account> {
  const accountKeyPem = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
  const account = { directoryUrl, accountKeyPem, caCertPem: labCaPem() };
  await createAccount({ ...account, eab, signal: testSignal() });
  return account;
}

function issue(account: Account, options: Partial<IssueCertificateOptions> & { solver: Dns01Solver }) {
  return issueCertificate({ ...account, keyType: "P256", signal: testSignal(), logger: testLogger, ...options });
}

const spkiOf = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" }).toString("base64");

let account: Account;
beforeAll(async () => {
  account = await newAccount();
});

describe("issuing", () => {
  test("one name: the result has everything the resource stores", async () => {
    const domain = uniqueDomain("one");
    const solver = nsupdateSolver();
    let solverMs = 0;
    const timed: Dns01Solver = {
      valuesPerName: solver.valuesPerName,
      present: async (c, s) => {
        const t = Date.now();
        await solver.present(c, s);
        solverMs += Date.now() - t;
      },
      cleanup: async (c, s) => {
        const t = Date.now();
        await solver.cleanup(c, s);
        solverMs += Date.now() - t;
      },
    };
    const started = Date.now();
    const cert = await issue(account, { names: [domain], solver: timed });
    const totalMs = Date.now() - started;
    console.log(`issuance of one name (P256): ${totalMs} ms total, ${solverMs} ms in the solver, ${totalMs - solverMs} ms engine + CA`);

    expect(cert.domain).toBe(domain);
    expect(cert.certificateUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(cert.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(cert.certificatePem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(cert.issuerPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(cert.privateKeyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);

    const x509 = new X509Certificate(cert.certificatePem);
    expect(x509.subject).toBe(`CN=${domain}`);
    expect(x509.subjectAltName).toBe(`DNS:${domain}`);
    expect(spkiOf(cert.privateKeyPem!)).toBe(spkiOf(cert.certificatePem));
    expect(x509.checkIssued(new X509Certificate(cert.issuerPem))).toBe(true);

    expect(cert.notBefore).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(cert.notAfter).toBe(new Date(x509.validTo).toISOString().replace(/\.000Z$/, "Z"));
    expect(cert.serial).toMatch(/^[1-9]\d*$/);
    expect(BigInt(cert.serial)).toBe(BigInt(`0x${x509.serialNumber}`));
    expect(cert.serialHex).toBe(BigInt(`0x${x509.serialNumber}`).toString(16));

    // Every challenge presented was cleaned up, and the TXT records are gone.
    expect(solver.cleanedUp).toEqual(solver.presented);
  });

  test("the authorization is read after a first wait, not right after its challenge is answered", async () => {
    // Pebble, like every CA, validates after answering the challenge: a read at once would
    // find the authorization pending and cost a signed request for nothing.
    const answers: { url: string; at: number }[] = [];
    const logger = jsonLineLogger(
      (line) => {
        const entry = JSON.parse(line) as { "@message": string; url?: string };
        if (entry["@message"] === "ACME request") answers.push({ url: entry.url!, at: performance.now() });
      },
      {},
      "trace",
    );
    await issue(account, { names: [uniqueDomain("poll")], solver: nsupdateSolver(), logger });
    const challenge = answers.findIndex((answer) => answer.url.includes("/chalZ/"));
    const nextRead = answers.slice(challenge + 1).find((answer) => answer.url.includes("/authZ/"));
    expect(challenge).toBeGreaterThanOrEqual(0);
    expect(nextRead!.at - answers[challenge]!.at).toBeGreaterThanOrEqual(25);
  });

  test("apex and wildcard share a TXT name: one round when the solver holds two values", async () => {
    const domain = uniqueDomain("wild");
    const solver = nsupdateSolver({ valuesPerName: 2 });
    const cert = await issue(account, { names: [domain, `*.${domain}`], solver });
    expect(solver.presented).toHaveLength(1);
    expect(solver.presented[0]!.map((c) => c.identifier).sort()).toEqual([`*.${domain}`, domain]);
    expect(solver.presented[0]!.every((c) => c.domain === domain)).toBe(true);
    expect(parseCertificate(cert.certificatePem).dnsNames.sort()).toEqual([`*.${domain}`, domain]);
  });

  test("apex and wildcard with a solver holding one value: two rounds", async () => {
    const domain = uniqueDomain("wild1");
    const solver = nsupdateSolver({ valuesPerName: 1 });
    await issue(account, { names: [`*.${domain}`, domain], solver });
    expect(solver.presented.map((round) => round.map((c) => c.identifier))).toEqual([[`*.${domain}`], [domain]]);
    expect(solver.cleanedUp).toEqual(solver.presented);
  });

  test("several names: CN is the first, all are SANs", async () => {
    const base = uniqueDomain("sans");
    const names = [`www.${base}`, base, `api.${base}`, `*.api.${base}`];
    const solver = nsupdateSolver();
    const cert = await issue(account, { names, solver, keyType: "2048" });
    const info = parseCertificate(cert.certificatePem);
    expect(info.commonName).toBe(`www.${base}`);
    expect(info.dnsNames.sort()).toEqual([...names].sort());
    expect(cert.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(solver.presented).toHaveLength(1);
  });

  test("a CSR brings its names and key", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "acme-csr-"));
    try {
      const domain = uniqueDomain("csr");
      const keyFile = path.join(dir, "key.pem");
      execFileSync("openssl", [
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", keyFile,
        "-out", path.join(dir, "csr.pem"), "-subj", `/CN=${domain}`, "-addext", `subjectAltName=DNS:${domain},DNS:alt.${domain}`,
      ], { stdio: "ignore" });
      const csrPem = readFileSync(path.join(dir, "csr.pem"), "utf8");
      const cert = await issue(account, { csrPem, keyType: undefined, solver: nsupdateSolver() });
      expect(cert.privateKeyPem).toBeUndefined();
      expect(cert.domain).toBe(domain);
      expect(parseCertificate(cert.certificatePem).dnsNames.sort()).toEqual([`alt.${domain}`, domain]);
      expect(spkiOf(readFileSync(keyFile, "utf8"))).toBe(spkiOf(cert.certificatePem));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(["P384", "4096"] as CertificateKeyType[])("key type %s", async (keyType) => {
    const cert = await issue(account, { names: [uniqueDomain("kt")], keyType, solver: nsupdateSolver() });
    const key = createPublicKey(cert.certificatePem);
    if (keyType === "P384") expect(key.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
    else expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
  });

  test("key type 8192 (slow: the key takes seconds, generated while the DNS work runs)", async () => {
    const cert = await issue(account, { names: [uniqueDomain("kt8k")], keyType: "8192", solver: nsupdateSolver() });
    expect(createPublicKey(cert.certificatePem).asymmetricKeyDetails?.modulusLength).toBe(8192);
    expect(cert.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
  }, 180_000);

  test("renewal reuses the key it is given", async () => {
    const domain = uniqueDomain("renew");
    const first = await issue(account, { names: [domain], solver: nsupdateSolver() });
    const second = await issue(account, { names: [domain], privateKeyPem: first.privateKeyPem, solver: nsupdateSolver() });
    expect(second.privateKeyPem).toBe(first.privateKeyPem);
    expect(spkiOf(second.certificatePem)).toBe(spkiOf(first.certificatePem));
    expect(second.serial).not.toBe(first.serial);
  });

  test("must-staple is asked for in the CSR (Pebble issues without it; see csr.test.ts)", async () => {
    const cert = await issue(account, { names: [uniqueDomain("staple")], mustStaple: true, solver: nsupdateSolver() });
    expect(cert.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  test("validity_days asks for a notAfter", async () => {
    const cert = await issue(account, { names: [uniqueDomain("days")], validityDays: 10, solver: nsupdateSolver() });
    const days = (Date.parse(cert.notAfter) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(9);
    expect(days).toBeLessThan(11);
  });

  test("an account that does not exist is reported with what to do", async () => {
    const accountKeyPem = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const solver = nsupdateSolver();
    await expect(issue({ ...account, accountKeyPem }, { names: [uniqueDomain("noacct")], solver })).rejects.toThrow(
      /the account key has no active account at https:\/\/.+: register it first/,
    );
    expect(solver.presented).toHaveLength(0);
  });
});

describe("failures clean up and say what failed", () => {
  test("a solver failure: the error names the identifier, cleanup still runs", async () => {
    const domain = uniqueDomain("fail");
    const solver = nsupdateSolver({ failPresentFor: [`*.${domain}`] });
    const error = (await issue(account, { names: [domain, `*.${domain}`], solver }).catch((e: unknown) => e)) as AcmeError;
    expect(error).toBeInstanceOf(AcmeError);
    expect(error.message).toMatch(new RegExp(`^presenting the DNS-01 challenge for .*\\*\\.${domain.replace(/\./g, "\\.")}.* failed: cannot create the TXT record for \\*\\.`));
    expect(solver.cleanedUp).toEqual(solver.presented);
  });

  test("a wrong TXT value: the CA's problem detail and the identifier", async () => {
    const domain = uniqueDomain("wrong");
    const solver = nsupdateSolver({ wrongValue: "x".repeat(43) });
    const error = (await issue(account, { names: [domain], solver }).catch((e: unknown) => e)) as AcmeError;
    expect(error).toBeInstanceOf(AcmeError);
    expect(error.message).toBe(`the CA could not validate ${domain}: unauthorized: Correct value not found for DNS challenge`);
    expect(error.identifier).toBe(domain);
    expect(error.problem?.type).toBe("urn:ietf:params:acme:error:unauthorized");
    expect(solver.cleanedUp).toEqual(solver.presented);
  });

  test("cancellation during the DNS work still cleans up", async () => {
    const controller = new AbortController();
    const inner = nsupdateSolver();
    const solver: Dns01Solver = {
      valuesPerName: 2,
      present: async (challenges, signal) => {
        await inner.present(challenges, signal);
        controller.abort(new Error("terraform stop"));
      },
      cleanup: (challenges, signal) => inner.cleanup(challenges, signal),
    };
    await expect(issue(account, { names: [uniqueDomain("abort")], solver, signal: controller.signal })).rejects.toThrow(/cancelled: terraform stop/);
    expect(inner.cleanedUp).toEqual(inner.presented);
  });
});

describe("revocation", () => {
  test("revoke with a reason; revoking again is not an error", async () => {
    const cert = await issue(account, { names: [uniqueDomain("revoke")], solver: nsupdateSolver() });
    const options = { ...account, certificatePem: cert.certificatePem, signal: testSignal(), logger: testLogger };
    expect(await revokeCertificate({ ...options, reason: "key-compromise" })).toEqual({ status: "revoked" });
    const status = await certStatus(lab().managementUrl, cert.serialHex, lab().caCertPath);
    expect(status.Status).toBe("Revoked");
    expect(status.Reason).toBe(1);
    expect(await revokeCertificate(options)).toEqual({ status: "alreadyRevoked" });
  });

  test("without an account, the certificate's own key signs the revocation", async () => {
    const cert = await issue(account, { names: [uniqueDomain("revkey")], solver: nsupdateSolver() });
    const orphanKey = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const options = { ...account, accountKeyPem: orphanKey, certificatePem: cert.certificatePem, signal: testSignal() };
    expect(await revokeCertificate(options)).toEqual({ status: "unrevocable", reason: expect.stringMatching(/no active account .* issued for a CSR/) });
    expect(await revokeCertificate({ ...options, certificateKeyPem: cert.privateKeyPem })).toEqual({ status: "revoked" });
  });
});

describe("server behaviours", () => {
  let stormy: PebbleInstance;
  let reusing: PebbleInstance;
  beforeAll(async () => {
    [stormy, reusing] = await Promise.all([startPebble(lab(), { nonceReject: 50 }), startPebble(lab(), { authzReuse: 100 })]);
  });
  afterAll(async () => {
    await Promise.all([stormy?.stop(), reusing?.stop()]);
  });

  test("a badNonce storm (50% rejected) still issues", async () => {
    const stormAccount = await newAccount(stormy.acmeDirectory);
    const domain = uniqueDomain("storm");
    const cert = await issue(stormAccount, { names: [domain, `*.${domain}`, `a.${domain}`], solver: nsupdateSolver() });
    expect(parseCertificate(cert.certificatePem).dnsNames).toHaveLength(3);
  });

  test("reused valid authorizations need no challenge; deactivated ones do", async () => {
    const reuseAccount = await newAccount(reusing.acmeDirectory);
    const domain = uniqueDomain("reuse");
    const first = nsupdateSolver();
    await issue(reuseAccount, { names: [domain], solver: first, deactivateAuthorizations: false });
    expect(first.presented).toHaveLength(1);

    const second = nsupdateSolver();
    await issue(reuseAccount, { names: [domain], solver: second, deactivateAuthorizations: true });
    expect(second.presented).toHaveLength(0); // reused, then deactivated

    const third = nsupdateSolver();
    await issue(reuseAccount, { names: [domain], solver: third });
    expect(third.presented).toHaveLength(1);
  });
});
