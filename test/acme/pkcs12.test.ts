import { execFileSync, spawnSync } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { certificateToP12 } from "../../src/acme/pkcs12.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "acme-p12-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CA and a leaf signed by it, with OpenSSL; `keyAlgorithm` as for `openssl req -newkey`. */
function makeChain(keyAlgorithm: string[]) {
  const file = (name: string) => path.join(dir, name);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.pem"), "-subj", "/CN=Test CA", "-days", "2"], { stdio: "ignore" });
  execFileSync("openssl", ["req", "-x509", ...keyAlgorithm, "-nodes", "-keyout", file("leaf.key"), "-out", file("leaf.pem"), "-subj", "/CN=leaf.example.test", "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-days", "2"], { stdio: "ignore" });
  return { key: readFileSync(file("leaf.key"), "utf8"), leaf: readFileSync(file("leaf.pem"), "utf8"), ca: readFileSync(file("ca.pem"), "utf8") };
}

/** What OpenSSL 3 reads out of the file (it checks the MAC and decrypts everything). */
function opensslRead(p12Base64: string, password: string): string {
  const p12File = path.join(dir, "out.p12");
  execFileSync("sh", ["-c", `base64 -d > ${p12File}`], { input: p12Base64 });
  const run = spawnSync("openssl", ["pkcs12", "-in", p12File, "-passin", `pass:${password}`, "-nodes", "-info"], { encoding: "utf8" });
  // -info writes the structure to stderr, the PEM objects to stdout.
  if (run.status !== 0) throw new Error(run.stderr);
  return `${run.stderr}${run.stdout}`;
}

const spki = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" }).toString("base64");

test.each([
  ["P-256 key, a password", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "s3cret pässword"],
  ["RSA key, empty password", ["-newkey", "rsa:2048"], ""],
])("%s: OpenSSL reads key, leaf and chain back", async (_label, keyAlgorithm, password) => {
  const { key, leaf, ca } = makeChain(keyAlgorithm as string[]);
  const p12 = await certificateToP12({ privateKeyPem: key, certificatePem: leaf, issuerPem: ca, password });
  expect(p12).toMatch(/^[A-Za-z0-9+/]+=*$/);
  const text = opensslRead(p12, password);
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  expect(certs.map((c) => c.replace(/\s/g, ""))).toEqual([leaf, ca].map((c) => c.trim().replace(/\s/g, "")));
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/.exec(text)?.[0];
  expect(spki(keyPem!)).toBe(spki(key));
  expect(text).toMatch(/PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
  expect(text).toMatch(/MAC: sha256, Iteration 2048/);
  // The leaf and the key carry the same localKeyId.
  expect(text.match(/localKeyID: [0-9A-F ]+/g)).toHaveLength(2);
});

test("a wrong password is refused by OpenSSL (the MAC covers the contents)", async () => {
  const { key, leaf, ca } = makeChain(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  const p12 = await certificateToP12({ privateKeyPem: key, certificatePem: leaf, issuerPem: ca, password: "right" });
  expect(() => opensslRead(p12, "wrong")).toThrow(/Mac verify error|invalid password/i);
});

test("files with the same password reuse the process's derived keys, each still encrypted afresh; another password derives its own", async () => {
  const { key, leaf, ca } = makeChain(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  const build = (password: string) => certificateToP12({ privateKeyPem: key, certificatePem: leaf, issuerPem: ca, password });
  const [first, second, other] = [await build("shared"), await build("shared"), await build("another")];
  for (const [p12, password] of [[first, "shared"], [second, "shared"], [other, "another"]] as const) expect(opensslRead(p12, password)).toMatch(/BEGIN PRIVATE KEY/);
  // Fresh IVs: the same contents and keys never give the same bytes.
  expect(first).not.toBe(second);
  // The MAC salt sits just before the iteration count at the end of the file (DER: 04 10 <16 bytes> 02 02 08 00).
  const macSalt = (p12: string) => Buffer.from(p12, "base64").subarray(-22, -4).toString("hex");
  expect(macSalt(first)).toMatch(/^0410/);
  expect(macSalt(second)).toBe(macSalt(first));
  expect(macSalt(other)).not.toBe(macSalt(first));
});
