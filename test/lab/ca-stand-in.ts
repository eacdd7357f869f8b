// A stand-in for what Debian's Pebble (2.4) lacks and a real CA offers: ACME Renewal
// Information (RFC 9773) and certificate profiles (the ACME profiles extension,
// draft-aaron-acme-profiles / draft-ietf-acme-profiles, as Let's Encrypt serves it). No
// CA with either runs here, so this HTTPS reverse proxy in front of the lab's Pebble adds
// them, each when asked for, following the texts to the letter:
//   - every ACME request goes through unchanged, with its Host header, so Pebble names
//     all its URLs after the proxy and the JWS "url" checks still hold;
// renewalInfo:
//   - GET /dir adds "renewalInfo" to Pebble's directory;
//   - GET /renewal-info/<certID> answers for certificates Pebble issued (looked up through
//     its management API, the AKI part checked): {"suggestedWindow", "explanationURL"}
//     with a Retry-After header; unknown or malformed certIDs get 404 / 400 problems;
//   - POST /order-plz: the JWS payload's "replaces" is checked as RFC 9773 section 5 asks
//     (a known certificate, not replaced before: else 409 alreadyReplaced) and recorded.
//   Windows default to the last third of the certificate's lifetime (a revoked
//   certificate's lies in the past: renew now); tests set their own with setWindow.
// profiles:
//   - GET /dir adds "meta": {"profiles": {name: description}};
//   - POST /order-plz: a "profile" the directory does not list is refused with 400
//     invalidProfile (never reaching Pebble: no order is made); an order without one gets
//     the first listed (the draft recommends the server pick one);
//   - the order object echoes its "profile" in the newOrder answer and in every later
//     answer about it (POST-as-GET of the order, finalize). The certificate itself is
//     Pebble's: the draft leaves what a profile changes in it to the CA.
// Every order request (its JWS payload) is recorded, refused or not, and so is every
// order made, with its profile: tests assert what reached the CA.

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

export interface StandInOptions {
  /** Offer ACME Renewal Information (RFC 9773). */
  renewalInfo?: boolean;
  /** Offer these profiles (name -> description), in this order; unset: list none, as Pebble. */
  profiles?: Record<string, string>;
}

export interface MadeOrder {
  url: string;
  profile?: string;
  request: Record<string, unknown>;
}

export interface CaStandIn {
  /** The directory URL to give the provider instead of Pebble's. */
  acmeDirectory: string;
  /** Sets the window served for the certificate with this serial (hex, any case). */
  setWindow(serialHex: string, window: AriWindow): void;
  /** Changes the profiles listed from now on (a CA retiring one); undefined: list none. */
  setProfiles(profiles: Record<string, string> | undefined): void;
  /** certIDs of the renewal-info requests served so far, in order. */
  readonly renewalInfoRequests: string[];
  /** `replaces` values of the orders Pebble accepted, in order. */
  readonly replaced: string[];
  /** The JWS payload of every newOrder request, refused or not, in order. */
  readonly orderRequests: Record<string, unknown>[];
  /** The orders made (201 from Pebble): URL, the profile associated with it, the request's payload. */
  readonly orders: MadeOrder[];
  stop(): Promise<void>;
}

type Response = import("node:http").ServerResponse;
type Request = import("node:http").IncomingMessage;

const DEFAULT_RETRY_AFTER_S = 21_600;

export async function startCaStandIn(lab: LabDescription, options: StandInOptions): Promise<CaStandIn> {
  const tls = labTlsPaths(lab.dir);
  const ca = readFileSync(lab.caCertPath);
  const pebble = new URL(lab.acmeDirectory);
  const { renewalInfo = false } = options;
  let profiles = options.profiles;
  const windows = new Map<string, AriWindow>();
  const renewalInfoRequests: string[] = [];
  const replaced: string[] = [];
  const orderRequests: Record<string, unknown>[] = [];
  const orders: MadeOrder[] = [];
  /** Paths of the orders' URLs and finalize URLs -> the order's profile. */
  const profileOfPath = new Map<string, string>();

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

  /** A problem document; answers to POSTs carry a fresh nonce, as RFC 8555 section 6.5 asks. */
  async function problem(req: Request, res: Response, status: number, type: string, detail: string): Promise<void> {
    const nonce = req.method === "POST" ? (await forward({ method: "HEAD", url: "/nonce-plz", headers: { host: req.headers.host } })).headers["replay-nonce"] : undefined;
    res.writeHead(status, { "Content-Type": "application/problem+json", ...(typeof nonce === "string" ? { "Replay-Nonce": nonce } : {}) });
    res.end(JSON.stringify({ type: `urn:ietf:params:acme:error:${type}`, detail, status }));
  }

  const server = https.createServer({ cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: Error) => {
        res.writeHead(500, { "Content-Type": "application/problem+json" });
        res.end(JSON.stringify({ type: "urn:ietf:params:acme:error:serverInternal", detail: error.message, status: 500 }));
      });
    });
  });

  async function handle(req: Request, res: Response, body: Buffer): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    const renewalInfoPath = renewalInfo ? /^\/renewal-info\/(.+)$/.exec(path) : null;
    if (renewalInfoPath && req.method === "GET") {
      const certId = renewalInfoPath[1]!;
      renewalInfoRequests.push(certId);
      const found = await lookUp(certId);
      if (found === "malformed") return problem(req, res, 400, "malformed", `${certId} is not a certID (base64url AKI "." base64url serial)`);
      if (!found) return problem(req, res, 404, "malformed", `no certificate with certID ${certId}`);
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
    const newOrder = req.method === "POST" && path === "/order-plz";
    const payload = newOrder ? payloadOf(body) : undefined;
    if (payload) orderRequests.push(payload);
    const replaces = renewalInfo && typeof payload?.replaces === "string" ? payload.replaces : undefined;
    if (replaces !== undefined) {
      const found = await lookUp(replaces);
      if (found === "malformed" || !found) return problem(req, res, 400, "malformed", `replaces: no certificate with certID ${replaces}`);
      if (replaced.includes(replaces)) return problem(req, res, 409, "alreadyReplaced", `the certificate ${replaces} was already replaced`);
    }
    let profile: string | undefined;
    if (payload && profiles) {
      const requested = payload.profile;
      if (requested !== undefined && typeof requested !== "string") return problem(req, res, 400, "malformed", "profile must be a string");
      if (requested !== undefined && !Object.hasOwn(profiles, requested)) {
        return problem(req, res, 400, "invalidProfile", `the profile ${JSON.stringify(requested)} is not offered; offered: ${Object.keys(profiles).join(", ")}`);
      }
      profile = requested ?? Object.keys(profiles)[0];
    }

    const answer = await forward(req, body);
    let json: Record<string, unknown> | undefined;
    const edit = (change: (object: Record<string, unknown>) => void) => {
      json ??= JSON.parse(answer.body.toString("utf8")) as Record<string, unknown>;
      change(json);
    };
    if (path === "/dir" && answer.status === 200) {
      edit((directory) => {
        if (renewalInfo) directory.renewalInfo = `https://${req.headers.host}/renewal-info`;
        if (profiles) directory.meta = { ...(directory.meta as object | undefined), profiles };
      });
    }
    if (newOrder && answer.status === 201) {
      const url = new URL(String(answer.headers.location), `https://${req.headers.host}`).toString();
      orders.push({ url, ...(profile === undefined ? {} : { profile }), request: payload ?? {} });
      if (replaces !== undefined) replaced.push(replaces);
      if (profile !== undefined) {
        const chosen = profile;
        edit((order) => {
          order.profile = chosen;
          profileOfPath.set(new URL(url).pathname, chosen);
          if (typeof order.finalize === "string") profileOfPath.set(new URL(order.finalize).pathname, chosen);
        });
      }
    }
    const orderProfile = profileOfPath.get(path);
    if (orderProfile !== undefined && req.method === "POST" && answer.status === 200 && /json/.test(String(answer.headers["content-type"]))) {
      edit((order) => (order.profile = orderProfile));
    }
    if (json) {
      answer.body = Buffer.from(JSON.stringify(json));
      delete answer.headers["content-length"];
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  function forward(req: Pick<Request, "method" | "url" | "headers">, body: Buffer = Buffer.alloc(0)): Promise<{ status: number; headers: import("node:http").IncomingHttpHeaders; body: Buffer }> {
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
    setProfiles: (listed) => (profiles = listed),
    setWindow: (serialHex, window) => windows.set(serialHex.toLowerCase().replace(/:/g, "").replace(/^0+(?=.)/, ""), window),
    renewalInfoRequests,
    replaced,
    orderRequests,
    orders,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A flattened JWS's payload, when it is a JSON object. */
function payloadOf(body: Buffer): Record<string, unknown> | undefined {
  try {
    const jws = JSON.parse(body.toString("utf8")) as { payload?: string };
    const payload = JSON.parse(Buffer.from(jws.payload ?? "", "base64url").toString("utf8")) as unknown;
    return payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
