// One HTTP(S) exchange, nothing more: the request, the whole answer (bounded), and what
// went wrong said as a kind the caller turns into its own message (the ACME engine and the
// acme-dns client word their errors for different settings). No retries, no redirects
// followed, no knowledge of what is sent. Its own folder rather than src/shared: it loads
// node:https, which the plugin's start-up does not need.

import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import { trustContext } from "./trust.js";

export { trustContext } from "./trust.js";

export const USER_AGENT = "acme-tf (Terraform ACME provider)";

export interface HttpExchange {
  method: "GET" | "HEAD" | "POST";
  url: string;
  /** Besides User-Agent and Content-Length, which are set here. */
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Give up when the connection is idle this long (no limit when absent). */
  idleTimeoutMs?: number;
  agent?: http.Agent;
  maxBodyBytes: number;
  /** What an answer beyond maxBodyBytes does: fail ("reject"), or keep its first maxBodyBytes ("truncate"). */
  oversize: "reject" | "truncate";
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type HttpFailureKind =
  /** `signal` aborted the exchange. */
  | "aborted"
  /** The connection stayed idle for idleTimeoutMs. */
  | "timeout"
  /** The answer is larger than maxBodyBytes (with oversize "reject"). */
  | "too-large"
  /** The network failed: `cause` is Node's error, with its `code`. */
  | "network";

export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    /** The request went out on a kept-alive socket (a server that closed it fails this way). */
    readonly reusedSocket: boolean,
    cause?: unknown,
  ) {
    super(kind === "network" ? (cause as Error).message : kind, cause === undefined ? undefined : { cause });
    this.name = "HttpFailure";
  }

  /** Node's error code of a network failure, e.g. "ECONNREFUSED". */
  get code(): string | undefined {
    return (this.cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

/** Sends one request and reads the whole answer; rejects with HttpFailure. */
export function exchange(request: HttpExchange): Promise<HttpReply> {
  const { method, signal } = request;
  return new Promise<HttpReply>((resolve, reject) => {
    if (signal.aborted) return reject(new HttpFailure("aborted", false));
    const target = new URL(request.url);
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...request.headers };
    if (request.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(request.body));
    else if (method === "POST") headers["Content-Length"] = "0";
    const options: https.RequestOptions = {
      method,
      headers,
      // Without an agent of its own, the provider's trust (trust.ts) for HTTPS.
      ...(request.agent ? { agent: request.agent } : target.protocol === "https:" ? secureContextOption() : {}),
      ...(request.idleTimeoutMs !== undefined ? { timeout: request.idleTimeoutMs } : {}),
    };
    let settled = false;
    const settle = () => {
      settled = true;
      signal.removeEventListener("abort", onAbort);
    };
    // Stopping on our side: the request is destroyed without an error, which Node would
    // otherwise emit after the answer has begun, on whichever stream still listens.
    const stop = (kind: HttpFailureKind) => {
      if (settled) return;
      settle();
      req.destroy();
      reject(new HttpFailure(kind, req.reusedSocket));
    };
    const req = (target.protocol === "https:" ? https : http).request(target, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        const room = request.maxBodyBytes - size;
        size += chunk.length;
        if (chunk.length <= room) chunks.push(chunk);
        else if (request.oversize === "reject") stop("too-large");
        else if (room > 0) chunks.push(chunk.subarray(0, room));
      });
      res.on("end", () => {
        if (settled) return;
        settle();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on("error", fail);
    });
    const onAbort = () => stop("aborted");
    function fail(error: Error) {
      if (settled) return;
      settle();
      reject(new HttpFailure("network", req.reusedSocket, error));
    }
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("timeout", () => stop("timeout"));
    req.on("error", fail);
    req.end(request.body);
  });
}

function secureContextOption(): { secureContext?: ReturnType<typeof trustContext> } {
  const secureContext = trustContext();
  return secureContext ? { secureContext } : {};
}
