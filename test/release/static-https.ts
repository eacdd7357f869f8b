// A static HTTPS file server on loopback for the release tests: what a user publishing
// release/registry/ and release/mirror/ would put behind any web server. Its certificate
// is signed by the lab CA, which terraform trusts through SSL_CERT_FILE. Hand-written
// (a few lines of node:https) because the tests also need to swap a file's bytes for a
// tampered one, which static-server libraries do not offer.
import { execa } from "execa";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";

export interface StaticHttps {
  url: string;
  /** Serve `bytes` for `path` (e.g. "/registry/.../x.zip") instead of the file; undefined restores it. */
  replace(path: string, bytes: Buffer | undefined): void;
  /** Request paths served so far. */
  requests: string[];
  close(): Promise<void>;
}

/** A leaf certificate for 127.0.0.1 signed by the lab CA (whose key lies next to its certificate). */
async function labCertificate(caCertPath: string, directory: string): Promise<{ key: Buffer; cert: Buffer }> {
  const [keyPath, certPath] = [join(directory, "server.key"), join(directory, "server.pem")];
  await execa("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
    "-keyout", keyPath, "-out", certPath, "-subj", "/CN=127.0.0.1",
    "-CA", caCertPath, "-CAkey", join(caCertPath, "..", "ca.key"),
    "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
  ]); // prettier-ignore
  return { key: await readFile(keyPath), cert: await readFile(certPath) };
}

export async function serveStatic(root: string, caCertPath: string, scratch: string): Promise<StaticHttps> {
  const replaced = new Map<string, Buffer>();
  const requests: string[] = [];
  const server: Server = createServer(await labCertificate(caCertPath, scratch), (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "https://x").pathname);
    requests.push(path);
    const file = join(root, normalize(path));
    const body = replaced.get(path) ?? readFile(file);
    Promise.resolve(body).then(
      (bytes) => {
        // Registry documents have no extension (versions, download/linux/amd64).
        const type = path.endsWith(".zip") ? "application/zip" : path.endsWith(".sig") || path.endsWith("SHA256SUMS") ? "application/octet-stream" : "application/json";
        response.writeHead(200, { "content-type": type, "content-length": bytes.length }).end(bytes);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    replace: (path, bytes) => (bytes ? replaced.set(path, bytes) : replaced.delete(path)),
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
