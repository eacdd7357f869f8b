// ACME Renewal Information (RFC 9773) in the engine. Debian's Pebble (2.4) has no ARI:
// these tests talk to the lab's CA stand-in with ARI (test/lab/ca-stand-in.ts), which stands in for a CA
// with ARI in front of the lab's Pebble and follows RFC 9773 to the letter.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAccount } from "../../src/acme/accounts.js";
import { issueCertificate } from "../../src/acme/certificates.js";
import { AcmeError } from "../../src/acme/errors.js";
import { generateAccountKey } from "../../src/acme/keys.js";
import { certificateIdentifier, fetchRenewalInfo, selectRenewalMoment, serialContentOctets } from "../../src/acme/renewal-info.js";
import { startCaStandIn, type CaStandIn } from "../lab/ca-stand-in.js";
import { lab, labCaPem, nsupdateSolver, testLogger, testSignal, uniqueDomain } from "./support.js";

describe("certID (RFC 9773 section 4.1)", () => {
  test("a serial's DER content octets keep the leading zero byte of a serial with the top bit set", () => {
    // RFC 9773's example serial 0x0087...: the DER INTEGER content starts with 00.
    expect(serialContentOctets("87654321").toString("hex")).toBe("0087654321");
    expect(serialContentOctets("7f01").toString("hex")).toBe("7f01");
    expect(serialContentOctets("00ab").toString("hex")).toBe("00ab");
    expect(serialContentOctets("abc").toString("hex")).toBe("0abc");
  });

  test("base64url(AKI keyIdentifier) '.' base64url(serial), both unpadded, for a certificate made by openssl", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "acme-tf-ari-"));
    try {
      const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
      run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=ari ca", "-days", "2",
        "-addext", "subjectKeyIdentifier=0102030405060708090a0b0c0d0e0f1011121314"]);
      writeFileSync(path.join(dir, "ext"), "authorityKeyIdentifier=keyid:always\n");
      run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=leaf"]);
      run(["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "0x87654321", "-days", "1", "-extfile", "ext", "-out", "leaf.pem"]);
      const leaf = execFileSync("cat", [path.join(dir, "leaf.pem")], { encoding: "utf8" });
      expect(await certificateIdentifier(leaf)).toBe(
        `${Buffer.from("0102030405060708090a0b0c0d0e0f1011121314", "hex").toString("base64url")}.${Buffer.from("0087654321", "hex").toString("base64url")}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("the renewal moment is uniformly drawn inside the window, in whole seconds", () => {
  const start = "2030-01-01T00:00:00Z";
  const end = "2030-01-03T00:00:00Z";
  expect(selectRenewalMoment(start, end, () => 0)).toBe(start);
  expect(selectRenewalMoment(start, end, () => 0.5)).toBe("2030-01-02T00:00:00Z");
  expect(selectRenewalMoment(start, end, () => 0.999999999)).toBe("2030-01-02T23:59:59Z");
});

describe("against a CA with ARI (the lab's stand-in)", () => {
  let ari: CaStandIn;
  let account: { directoryUrl: string; accountKeyPem: string; caCertPem: string };
  beforeAll(async () => {
    ari = await startCaStandIn(lab(), { renewalInfo: true });
    account = { directoryUrl: ari.acmeDirectory, accountKeyPem: await generateAccountKey({ algorithm: "ECDSA", curve: "P256" }), caCertPem: labCaPem() };
    await createAccount({ ...account, signal: testSignal() });
  });
  afterAll(() => ari.stop());

  const issue = (names: string[], replaces?: string) =>
    issueCertificate({ ...account, names, keyType: "P256", solver: nsupdateSolver(), signal: testSignal(), logger: testLogger, ...(replaces ? { replaces } : {}) });

  test("reads the suggested window, explanation URL and Retry-After (clamped to RFC 9773's bounds); a renewal order carries `replaces`", async () => {
    const name = uniqueDomain("ari");
    const first = await issue([name]);
    const start = new Date(Date.now() + 3600_000);
    const end = new Date(Date.now() + 7200_000);
    ari.setWindow(first.serialHex, { start, end, explanationUrl: "https://ca.example/why", retryAfterSeconds: 5 });
    const info = await fetchRenewalInfo({ ...account, certificatePem: first.certificatePem, signal: testSignal(), logger: testLogger });
    expect(info).toEqual({
      certId: await certificateIdentifier(first.certificatePem),
      windowStart: start.toISOString().replace(/\.\d{3}Z$/, "Z"),
      windowEnd: end.toISOString().replace(/\.\d{3}Z$/, "Z"),
      explanationUrl: "https://ca.example/why",
      // 5 s is below RFC 9773's one-minute floor.
      retryAfterSeconds: 60,
    });
    expect(ari.renewalInfoRequests).toContain(info!.certId);

    const renewed = await issue([name], info!.certId);
    expect(renewed.serial).not.toBe(first.serial);
    expect(ari.replaced).toContain(info!.certId);
    // Replacing the same certificate again is refused by the CA (alreadyReplaced): the
    // renewal still happens, as an order without `replaces`.
    const again = await issue([name], info!.certId);
    expect(again.serial).not.toBe(renewed.serial);
    expect(ari.replaced.filter((id) => id === info!.certId)).toHaveLength(1);
  });

  test("an invalid window (end not after start) is an error, not a window", async () => {
    const issued = await issue([uniqueDomain("ari-bad")]);
    ari.setWindow(issued.serialHex, { start: new Date(Date.now() + 7200_000), end: new Date(Date.now() + 3600_000) });
    await expect(fetchRenewalInfo({ ...account, certificatePem: issued.certificatePem, signal: testSignal(), logger: testLogger })).rejects.toThrow(
      /no valid suggestedWindow/,
    );
  });

  test("a CA without ARI (Pebble itself) gives no renewal information and no error", async () => {
    const issued = await issue([uniqueDomain("ari-none")]);
    const direct = { ...account, directoryUrl: lab().acmeDirectory };
    await expect(fetchRenewalInfo({ ...direct, certificatePem: issued.certificatePem, signal: testSignal(), logger: testLogger })).resolves.toBeUndefined();
  });

  test("a certificate the CA did not issue is refused with the CA's problem", async () => {
    const issued = await issue([uniqueDomain("ari-foreign")]);
    const dir = mkdtempSync(path.join(tmpdir(), "acme-tf-ari-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k", "-out", "c.pem", "-subj", "/CN=x", "-days", "1", "-addext", "authorityKeyIdentifier=keyid:always"], { cwd: dir, stdio: "pipe" });
      const foreign = execFileSync("cat", [path.join(dir, "c.pem")], { encoding: "utf8" });
      const error = await fetchRenewalInfo({ ...account, certificatePem: foreign, signal: testSignal(), logger: testLogger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AcmeError);
      expect(String(error)).toMatch(/renewal information \(ARI\) failed: .*(malformed|HTTP 404)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(issued.serial).toBeTruthy();
  });
});
