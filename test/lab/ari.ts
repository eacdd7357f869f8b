// A stand-in for a CA with ACME Renewal Information (RFC 9773), because Debian's Pebble
// (2.4) has none. It is an HTTPS reverse proxy in front of the lab's Pebble:
//   - every ACME request goes through unchanged, with its Host header, so Pebble names
//     all its URLs after the proxy and the JWS "url" checks still hold;
//   - GET /dir adds "renewalInfo" to Pebble's directory;
//   - GET /renewal-info/<certID> answers for certificates Pebble issued (looked up through
//     its management API, the AKI part checked): {"suggestedWindow", "explanationURL"}
//     with a Retry-After header; unknown or malformed certIDs get 404 / 400 problems;
//   - POST /order-plz: the JWS payload's "replaces" is checked as RFC 9773 section 5 asks
//     (a known certificate, not replaced before: else 409 alreadyReplaced) and recorded.
// Windows default to the last third of the certificate's lifetime (a revoked certificate's
// lies in the past: renew now); tests set their own with setWindow.

import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { certificateIdentifier } from "../../src/acme/renewal-info.js";
import type { LabDescription } from "./lab-contract.js";
import { certStatus } from "./lab.js";
import { labTlsPaths } from "./pebble.js";

export interface AriWindow {
  start: Date;
  end: Date;
  explanationUrl?: string;
  /** The Retry-After header in seconds; default 21600 (six hours). */
  retryAfterSeconds?: number;
}

export interface AriStandIn {
  /** The directory URL to give the provider instead of Pebble's. */
  acmeDirectory: string;
  /** Sets the window served for the certificate with this serial (hex, any case). */
  setWindow(serialHex: string, window: AriWindow): void;
  /** certIDs of the renewal-info requests served so far, in order. */
  readonly renewalInfoRequests: string[];
  /** `replaces` values of the orders Pebble accepted, in order. */
  readonly replaced: string[];
  stop(): Promise<void>;
}

const DEFAULT_RETRY_AFTER_S = 21_600;

export async function startAriStandIn(lab: LabDescription): Promise<AriStandIn> {
  const tls = labTlsPaths(lab.dir);
  const ca = readFileSync(lab.caCertPath);
  const pebble = new URL(lab.acmeDirectory);
  const windows = new Map<string, AriWindow>();
  const renewalInfoRequests: string[] = [];
  const replaced: string[] = [];

  /** The certificate Pebble issued with the serial inside `certId`, when the AKI matches too. */
  async function lookUp(certId: string): Promise<{ pem: string; revoked: boolean } | "malformed" | undefined> {
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(certId);
    if (!match) return "malformed";
    const serialHex = Buffer.from(match[2]!, "base64url").toString("hex").replace(/^0+(?=.)/, "");
    const status = await certStatus(lab.managementUrl, serialHex, lab.caCertPath).catch(() => undefined);
    if (!status?.Certificate || (await certificateIdentifier(status.Certificate)) !== certId) return undefined;
    return { pem: status.Certificate, revoked: status.Status === "Revoked" };
  }

  function defaultWindow(pem: string, revoked: boolean): AriWindow {
    const cert = new X509Certificate(pem);
    const notBefore = Date.parse(cert.validFrom);
    const lifetime = Date.parse(cert.validTo) - notBefore;
    if (revoked) return { start: new Date(Date.now() - 2 * 3600_000), end: new Date(Date.now() - 3600_000) };
    return { start: new Date(notBefore + (lifetime * 2) / 3), end: new Date(notBefore + (lifetime * 5) / 6) };
  }

  const problem = (res: import("node:http").ServerResponse, status: number, type: string, detail: string) => {
    res.writeHead(status, { "Content-Type": "application/problem+json" });
    res.end(JSON.stringify({ type: `urn:ietf:params:acme:error:${type}`, detail, status }));
  };

  const server = https.createServer({ cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: Error) => problem(res, 500, "serverInternal", error.message));
    });
  });

  async function handle(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, body: Buffer): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    const renewalInfo = /^\/renewal-info\/(.+)$/.exec(path);
    if (renewalInfo && req.method === "GET") {
      const certId = renewalInfo[1]!;
      renewalInfoRequests.push(certId);
      const found = await lookUp(certId);
      if (found === "malformed") return problem(res, 400, "malformed", `${certId} is not a certID (base64url AKI "." base64url serial)`);
      if (!found) return problem(res, 404, "malformed", `no certificate with certID ${certId}`);
      const serialHex = new X509Certificate(found.pem).serialNumber.toLowerCase().replace(/^0+(?=.)/, "");
      const window = windows.get(serialHex) ?? defaultWindow(found.pem, found.revoked);
      res.writeHead(200, { "Content-Type": "application/json", "Retry-After": String(window.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_S) });
      res.end(
        JSON.stringify({
          suggestedWindow: { start: window.start.toISOString(), end: window.end.toISOString() },
          ...(window.explanationUrl ? { explanationURL: window.explanationUrl } : {}),
        }),
      );
      return;
    }
    let replaces: string | undefined;
    if (req.method === "POST" && path === "/order-plz") {
      replaces = replacesOf(body);
      if (replaces !== undefined) {
        const found = await lookUp(replaces);
        if (found === "malformed" || !found) return problem(res, 400, "malformed", `replaces: no certificate with certID ${replaces}`);
        if (replaced.includes(replaces)) return problem(res, 409, "alreadyReplaced", `the certificate ${replaces} was already replaced`);
      }
    }
    const answer = await forward(req, body);
    if (path === "/dir" && answer.status === 200) {
      const directory = JSON.parse(answer.body.toString("utf8")) as Record<string, unknown>;
      directory.renewalInfo = `https://${req.headers.host}/renewal-info`;
      answer.body = Buffer.from(JSON.stringify(directory));
      delete answer.headers["content-length"];
    }
    if (replaces !== undefined && answer.status === 201) replaced.push(replaces);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  function forward(req: import("node:http").IncomingMessage, body: Buffer): Promise<{ status: number; headers: import("node:http").IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = https.request(
        { host: pebble.hostname, port: pebble.port, path: req.url, method: req.method, headers: req.headers, ca, agent: false },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("error", reject);
          answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    acmeDirectory: `https://127.0.0.1:${port}/dir`,
    setWindow: (serialHex, window) => windows.set(serialHex.toLowerCase().replace(/:/g, "").replace(/^0+(?=.)/, ""), window),
    renewalInfoRequests,
    replaced,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `replaces` member of a flattened JWS's payload, if any. */
function replacesOf(body: Buffer): string | undefined {
  try {
    const jws = JSON.parse(body.toString("utf8")) as { payload?: string };
    const payload = JSON.parse(Buffer.from(jws.payload ?? "", "base64url").toString("utf8")) as { replaces?: unknown };
    return typeof payload.replaces === "string" ? payload.replaces : undefined;
  } catch {
    return undefined;
  }
}
