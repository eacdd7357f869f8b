// One HTTP(S) exchange with the CA (src/http's), nothing more: no retries beyond Node's
// documented stale keep-alive case, no ACME knowledge beyond wording failures. Connections
// are kept alive and shared per trust configuration, so a run of ACME calls pays for one
// TLS handshake.
//
// Trust: src/http's (Node's bundled roots, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE), optionally
// extended by a caller-given CA certificate. Verification is never disabled.

import http from "node:http";
import https from "node:https";
import { exchange, HttpFailure, trustContext, type HttpReply } from "../http/index.js";
import { AcmeAbortError, AcmeError } from "./errors.js";

export type HttpResponse = HttpReply;

export interface HttpRequest {
  method: "GET" | "HEAD" | "POST";
  url: string;
  body?: string;
  contentType?: string;
  accept?: string;
  signal: AbortSignal;
  /** Per-request limit; the caller's signal bounds the whole operation. */
  timeoutMs?: number;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

const agents = new Map<string, https.Agent>();
const plainAgent = new http.Agent({ keepAlive: true, scheduling: "lifo", timeout: 60_000 });

/** The shared keep-alive agent for a trust configuration (see trustContext). */
function httpsAgent(caCertPem: string | undefined): https.Agent {
  const key = caCertPem ?? "";
  let agent = agents.get(key);
  if (!agent) {
    const secureContext = trustContext(caCertPem);
    agent = new https.Agent({ keepAlive: true, scheduling: "lifo", timeout: 60_000, ...(secureContext ? { secureContext } : {}) });
    agents.set(key, agent);
  }
  return agent;
}

/** Sends one request and reads the whole answer. Network failures become AcmeError. */
export async function send(request: HttpRequest, caCertPem?: string): Promise<HttpResponse> {
  const attempt = () => sendOnce(request, caCertPem);
  try {
    // A keep-alive socket the server closed while idle fails on first use; Node's docs
    // recommend retrying exactly that case once.
    return await attempt().catch((error: unknown) => (isStaleSocket(error) ? attempt() : Promise.reject(error)));
  } catch (error) {
    throw asAcmeError(request, error);
  }
}

function isStaleSocket(error: unknown): boolean {
  return error instanceof HttpFailure && error.kind === "network" && error.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE");
}

function sendOnce(request: HttpRequest, caCertPem: string | undefined): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  if (request.accept) headers.Accept = request.accept;
  if (request.body !== undefined) headers["Content-Type"] = request.contentType ?? "application/jose+json";
  const isHttps = new URL(request.url).protocol === "https:";
  return exchange({
    method: request.method,
    url: request.url,
    headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: request.signal,
    idleTimeoutMs: timeoutOf(request),
    agent: isHttps ? httpsAgent(caCertPem) : plainAgent,
    maxBodyBytes: MAX_BODY_BYTES,
    oversize: "reject",
  });
}

function timeoutOf(request: HttpRequest): number {
  return request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

function asAcmeError(request: HttpRequest, error: unknown): unknown {
  if (!(error instanceof HttpFailure)) return error;
  const { method, url, signal } = request;
  switch (error.kind) {
    case "aborted":
      return new AcmeAbortError(`${method} ${url}`, signal.reason);
    case "timeout":
      return new AcmeError(`the ACME server did not answer ${method} ${url} within ${timeoutOf(request)} ms`);
    case "too-large":
      return new AcmeError(`the answer to ${method} ${url} is larger than ${MAX_BODY_BYTES} bytes`);
    case "network":
      return new AcmeError(`cannot reach the ACME server (${method} ${url}): ${describeNetworkError(error.cause as Error)}`, { cause: error.cause });
  }
}

function describeNetworkError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || code === "SELF_SIGNED_CERT_IN_CHAIN" || code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY") {
    return `${error.message} - the server's TLS certificate is not trusted; add its CA certificate to the trusted ones (e.g. NODE_EXTRA_CA_CERTS)`;
  }
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
