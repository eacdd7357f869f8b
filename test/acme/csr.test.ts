import { execFileSync } from "node:child_process";
import { createCsr, readCsr } from "../../src/acme/csr.js";
import { AcmeError } from "../../src/acme/errors.js";
import { generateCertificateKey, parsePrivateKeyPem, type CertificateKeyType } from "../../src/acme/keys.js";

const opensslText = (csrPem: string) => execFileSync("openssl", ["req", "-noout", "-text", "-verify"], { input: csrPem, stdio: ["pipe", "pipe", "pipe"] }).toString();

describe("createCsr", () => {
  test.each([
    ["P256", /ecdsa-with-SHA256/],
    ["P384", /ecdsa-with-SHA384/],
    ["2048", /sha256WithRSAEncryption/],
  ] as [CertificateKeyType, RegExp][])("%s key: CN, SANs, lego's signature algorithm", async (keyType, algorithm) => {
    const key = parsePrivateKeyPem(await generateCertificateKey(keyType));
    const { pem, der } = await createCsr({ names: ["a.example.test", "*.a.example.test", "b.example.test"], key });
    const text = opensslText(pem);
    expect(text).toMatch(/Subject: CN ?= ?a\.example\.test/);
    expect(text).toContain("DNS:a.example.test, DNS:*.a.example.test, DNS:b.example.test");
    expect(text).toMatch(algorithm);
    expect(text).not.toMatch(/TLS Feature|1\.3\.6\.1\.5\.5\.7\.1\.24/);
    expect(der.toString("base64")).toBe(pem.replace(/-----[A-Z ]+-----|\s/g, ""));
  });

  test("must-staple adds the TLS feature extension (status_request)", async () => {
    const key = parsePrivateKeyPem(await generateCertificateKey("P256"));
    const { pem } = await createCsr({ names: ["a.example.test"], key, mustStaple: true });
    expect(opensslText(pem)).toMatch(/TLS Feature:\s*\n\s*status_request/);
  });

  test("a first name longer than 64 characters goes to the SANs only", async () => {
    const long = `${"x".repeat(60)}.example.test`;
    const key = parsePrivateKeyPem(await generateCertificateKey("P256"));
    const { pem } = await createCsr({ names: [long], key });
    const csr = await readCsr(pem);
    expect(csr.names).toEqual([long]);
    expect(opensslText(pem)).not.toMatch(/Subject: CN/);
  });
});

describe("readCsr", () => {
  test("names: CN first, then the other SANs, no duplicates", async () => {
    const key = parsePrivateKeyPem(await generateCertificateKey("P256"));
    const { pem } = await createCsr({ names: ["cn.example.test", "b.example.test"], key });
    expect((await readCsr(`some text\n${pem}`)).names).toEqual(["cn.example.test", "b.example.test"]);
  });

  test.each([
    ["", /not a valid PEM certificate request: no CERTIFICATE REQUEST PEM block found/],
    ["-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", /not a valid PEM certificate request/],
  ])("rejects %j", async (pem, message) => {
    await expect(readCsr(pem)).rejects.toThrow(message);
    await expect(readCsr(pem)).rejects.toBeInstanceOf(AcmeError);
  });

  test("a tampered CSR fails its signature check", async () => {
    const key = parsePrivateKeyPem(await generateCertificateKey("P256"));
    const { der } = await createCsr({ names: ["abc.example.test"], key });
    const tampered = Buffer.from(der.toString("latin1").replace("abc.example.test", "abd.example.test"), "latin1");
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${tampered.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    await expect(readCsr(pem)).rejects.toThrow(/signature does not verify/);
  });

  test("IP addresses are refused: DNS-01 cannot prove them", async () => {
    const pem = execFileSync("openssl", [
      "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null",
      "-subj", "/CN=ip.example.test", "-addext", "subjectAltName=DNS:ip.example.test,IP:192.0.2.1",
    ], { stdio: ["ignore", "pipe", "ignore"] }).toString();
    await expect(readCsr(pem)).rejects.toThrow(/names IP addresses \(192\.0\.2\.1\)/);
  });

  const opensslCsr = (...subjectAndExtensions: string[]) =>
    execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", ...subjectAndExtensions], {
      stdio: ["ignore", "pipe", "ignore"],
    }).toString();

  test("a name in the CN only is refused before ordering, with how to make the CSR", async () => {
    await expect(readCsr(opensslCsr("-subj", "/CN=cn-only.example.test"))).rejects.toThrow(
      'common name cn-only.example.test is not among its DNS subject alternative names (it has none), and CAs refuse such requests; make the CSR with the name in the subjectAltName extension too (openssl req -addext "subjectAltName=DNS:cn-only.example.test")',
    );
    await expect(readCsr(opensslCsr("-subj", "/CN=cn.example.test", "-addext", "subjectAltName=DNS:other.example.test"))).rejects.toThrow(
      /common name cn\.example\.test is not among its DNS subject alternative names \(other\.example\.test\)/,
    );
  });

  test("a CSR without a CN: the names are its SANs, in order", async () => {
    const { names } = await readCsr(opensslCsr("-subj", "/", "-addext", "subjectAltName=DNS:b.example.test,DNS:a.example.test"));
    expect(names).toEqual(["b.example.test", "a.example.test"]);
  });
});
