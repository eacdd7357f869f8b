// The AutoMTLS server certificate, checked with openssl (an independent parser) and with
// a real TLS handshake in each direction it is used: as server identity and as its own root.
import { execFileSync } from "node:child_process";
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { createServerCertificate, type ServerCertificate } from "../../src/plugin/tls.js";

let dir: string;
let certificate: ServerCertificate;
let certPath: string;
const createdAt = new Date();

const openssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "acme-tf-tls-test-"));
  certificate = createServerCertificate(createdAt);
  certPath = join(dir, "cert.pem");
  writeFileSync(certPath, certificate.certificatePem);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openssl's view of the certificate", () => {
  let text: string;
  beforeAll(() => {
    text = openssl("x509", "-in", certPath, "-noout", "-text");
  });

  test("SAN is DNS:localhost", () => {
    expect(text).toMatch(/X509v3 Subject Alternative Name:\s*\n\s*DNS:localhost\s*\n/);
  });

  test("it is a CA (usable as its own root)", () => {
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s*\n\s*CA:TRUE/);
    expect(text).toMatch(/Certificate Sign/);
  });

  test("EKU has serverAuth and clientAuth", () => {
    expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s*TLS Web Server Authentication, TLS Web Client Authentication/);
  });

  test("it verifies against itself", () => {
    expect(openssl("verify", "-CAfile", certPath, certPath).trim()).toBe(`${certPath}: OK`);
  });

  test("it verifies for both TLS purposes", () => {
    expect(openssl("verify", "-purpose", "sslserver", "-CAfile", certPath, certPath).trim()).toBe(`${certPath}: OK`);
    expect(openssl("verify", "-purpose", "sslclient", "-CAfile", certPath, certPath).trim()).toBe(`${certPath}: OK`);
  });

  test("the DER in the handshake is the PEM's certificate", () => {
    const der = execFileSync("openssl", ["x509", "-in", certPath, "-outform", "DER"], { stdio: ["ignore", "pipe", "pipe"] });
    expect(der).toEqual(certificate.certificateDer);
  });
});

describe("validity", () => {
  test("notBefore is 30 s before creation (to the second), notAfter well in the future", () => {
    const x509 = new X509Certificate(certificate.certificatePem);
    const notBefore = new Date(x509.validFrom).getTime();
    const expected = Math.floor((createdAt.getTime() - 30_000) / 1000) * 1000;
    expect(notBefore).toBe(expected);
    expect(new Date(x509.validTo).getTime() - createdAt.getTime()).toBeGreaterThan(30 * 24 * 3600 * 1000);
  });

  test("a certificate made now is valid now, by about 30 s", () => {
    const x509 = new X509Certificate(createServerCertificate().certificatePem);
    const margin = Date.now() - new Date(x509.validFrom).getTime();
    expect(margin).toBeGreaterThanOrEqual(29_000);
    expect(margin).toBeLessThanOrEqual(32_000);
  });

  test("openssl reads the same notBefore", () => {
    const line = openssl("x509", "-in", certPath, "-noout", "-startdate").trim();
    const fromOpenssl = new Date(line.replace(/^notBefore=/, "")).getTime();
    expect(fromOpenssl).toBe(new Date(new X509Certificate(certificate.certificatePem).validFrom).getTime());
  });
});

describe("key and uniqueness", () => {
  test("the private key matches the certificate's public key (P-256)", () => {
    const key = createPrivateKey(certificate.privateKeyPem);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    const fromKey = createPublicKey(key).export({ type: "spki", format: "der" });
    const fromCert = new X509Certificate(certificate.certificatePem).publicKey.export({ type: "spki", format: "der" });
    expect(fromKey).toEqual(fromCert);
  });

  test("each call makes a new key and serial", () => {
    const other = createServerCertificate();
    expect(other.privateKeyPem).not.toBe(certificate.privateKeyPem);
    expect(new X509Certificate(other.certificatePem).serialNumber).not.toBe(new X509Certificate(certificate.certificatePem).serialNumber);
  });

  test("the certificate signature checks out with its own key", () => {
    const x509 = new X509Certificate(certificate.certificatePem);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkHost("localhost")).toBe("localhost");
  });
});

describe("mutual TLS with these certificates", () => {
  test("server and client, each trusting only the other's self-signed certificate, complete a handshake with ALPN h2", async () => {
    const server = createServerCertificate();
    const client = createServerCertificate();
    const listener = tls.createServer({
      key: server.privateKeyPem,
      cert: server.certificatePem,
      ca: client.certificatePem,
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ["h2"],
    });
    listener.on("secureConnection", (socket) => socket.end("ok"));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const port = (listener.address() as { port: number }).port;
    try {
      const result = await new Promise<{ authorized: boolean; alpn: string | false; data: string }>((resolve, reject) => {
        const socket = tls.connect({
          host: "127.0.0.1",
          port,
          servername: "localhost",
          ca: server.certificatePem,
          key: client.privateKeyPem,
          cert: client.certificatePem,
          ALPNProtocols: ["h2"],
        });
        let data = "";
        socket.on("data", (chunk) => (data += chunk.toString()));
        socket.on("end", () => resolve({ authorized: socket.authorized, alpn: socket.alpnProtocol ?? false, data }));
        socket.on("error", reject);
      });
      expect(result).toEqual({ authorized: true, alpn: "h2", data: "ok" });
    } finally {
      listener.close();
    }
  });
});
