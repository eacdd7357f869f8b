// Certificates with any subject: CAs increasingly leave the CN out (Let's Encrypt's
// `shortlived` and `tlsserver` profiles do), so an empty subject, names only in the SANs,
// or no SAN at all must all be read without failing. The certificates are made by openssl,
// as a CA's would be, not by our own code.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCertificate } from "../../src/acme/certificate-info.js";
import { topIssuerCommonName } from "../../src/acme/chains.js";

const dir = mkdtempSync(join(tmpdir(), "acme-tf-subjects-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed P-256 certificate with `subject` ("/" for none) and optional extensions. */
function selfSigned(name: string, subject: string, extensions: string[] = []): string {
  const out = join(dir, `${name}.pem`);
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, `${name}.key`),
    "-subj", subject, "-days", "1", "-out", out, ...extensions.flatMap((extension) => ["-addext", extension]),
  ], { stdio: "pipe" });
  return readFileSync(out, "utf8");
}

test.each([
  ["an empty subject, names in the SANs", "/", ["subjectAltName=DNS:a.example.test,DNS:b.example.test"], undefined, ["a.example.test", "b.example.test"]],
  ["an organisation but no CN", "/O=Example", ["subjectAltName=DNS:c.example.test"], undefined, ["c.example.test"]],
  ["a CN and no SAN", "/CN=d.example.test", [], "d.example.test", []],
  ["an empty subject and no SAN", "/", [], undefined, []],
])("%s", (_what, subject, extensions, commonName, dnsNames) => {
  const pem = selfSigned(subject.replace(/\W/g, "") + dnsNames.length, subject, extensions);
  const info = parseCertificate(pem);
  expect(info.commonName).toBe(commonName);
  expect(info.dnsNames).toEqual(dnsNames);
  // Self-signed: the issuer is the (possibly empty) subject.
  expect(info.issuerCommonName).toBe(commonName);
  expect(info.serial).toMatch(/^\d+$/);
  expect(Date.parse(info.notAfter)).toBeGreaterThan(Date.now());
  expect(topIssuerCommonName(pem)).toBe(commonName);
});
