// The ACME client: signed requests to one CA with one account key (RFC 8555 section 6).
//
// Built for speed and for flaky servers, instead of acme-client's Client, whose HTTP
// layer is a process-global axios instance (global CA settings, 5 s x attempt retry
// delays), fetches a fresh nonce with a HEAD before every POST, takes no AbortSignal
// and reduces a CA's problem document to its detail text. Here:
// - nonces are pooled from every answer's Replay-Nonce, so a POST costs one round trip;
// - badNonce is retried (a bounded number of times) with a fresh nonce: Pebble rejects
//   5% of good nonces by default, and tests use 50%;
// - rateLimited / 503 answers are retried when the server says when (Retry-After) and
//   that is soon enough; otherwise the error says when to try again;
// - every wait follows the caller's AbortSignal;
// - errors keep the problem type and detail.

import type { Logger } from "../log/logger.js";
import { sleep } from "./abort.js";
import { AcmeError, asProblem, formatProblem, isProblem, type AcmeProblem } from "./errors.js";
import { signJws, type JwsSigner } from "./jws.js";
import { jwkThumbprint, parsePrivateKeyPem, type ParsedPrivateKey } from "./keys.js";
import { send, type HttpResponse } from "./transport.js";

/** The directory object (RFC 8555 section 7.1.1); `profiles` is the profiles extension. */
export interface AcmeDirectory {
  newNonce: string;
  newAccount: string;
  newOrder: string;
  revokeCert: string;
  keyChange?: string;
  renewalInfo?: string;
  meta?: {
    termsOfService?: string;
    website?: string;
    externalAccountRequired?: boolean;
    profiles?: Record<string, string>;
  };
}

export interface AcmeResponse {
  status: number;
  /** Parsed JSON for JSON answers, the text otherwise (certificate chains). */
  data: unknown;
  /** The Location header, resolved against the request URL. */
  location?: string;
  /** Link header targets by relation ("alternate", "up", "index"), resolved. */
  links: Record<string, string[]>;
  /** Retry-After in milliseconds, when given. */
  retryAfterMs?: number;
}

export interface AcmeClientOptions {
  directoryUrl: string;
  /** PEM private key of the account (validated here; see keys.ts for the accepted forms). */
  accountKeyPem: string;
  /** The account URL (JWS "kid"), when already known. */
  accountUrl?: string;
  /** A CA certificate to trust for the ACME server's HTTPS, besides the system's. */
  caCertPem?: string;
  logger: Logger;
  /** How many times one request is re-sent after badNonce (default 20). */
  maxBadNonceRetries?: number;
  /** The longest Retry-After (ms) worth waiting for on rateLimited/503 (default 30 s). */
  maxRetryAfterMs?: number;
}

export interface PostOptions {
  signal: AbortSignal;
  /** What the request does, for error messages: "creating the order". */
  what: string;
  /** Sign with the public JWK instead of the account URL (newAccount, revocation by key). */
  useJwk?: boolean;
  accept?: string;
  /** Adds members to the payload right before signing, given the request URL (EAB). */
  decorate?: (payload: Record<string, unknown>, url: string) => Record<string, unknown>;
}

const RATE_LIMIT_ATTEMPTS = 3;
/** Backoff for 503 without Retry-After: short, a few times, then give up. */
const UNAVAILABLE_DELAYS_MS = [250, 1000];
/** A directory rarely changes; refetch now and then anyway. */
const DIRECTORY_TTL_MS = 10 * 60_000;
const MAX_POOLED_NONCES = 32;
const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

// Shared by every client in the process: Terraform runs many resources against one CA,
// and each operation would otherwise pay a round trip for the directory and one for a
// first nonce. A stale nonce only costs a badNonce retry.
const directories = new Map<string, { fetchedAt: number; directory: Promise<AcmeDirectory> }>();
const noncePools = new Map<string, string[]>();

export class AcmeClient {
  readonly directoryUrl: string;
  readonly accountKey: ParsedPrivateKey;
  /** The account URL, once known: every request but newAccount is signed with it. */
  accountUrl?: string;
  readonly logger: Logger;
  readonly caCertPem?: string;
  private readonly maxBadNonceRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly nonces: string[];
  private thumbprintCache?: string;

  constructor(options: AcmeClientOptions) {
    this.directoryUrl = options.directoryUrl;
    this.accountKey = parsePrivateKeyPem(options.accountKeyPem);
    this.accountUrl = options.accountUrl;
    this.caCertPem = options.caCertPem;
    this.logger = options.logger;
    this.maxBadNonceRetries = options.maxBadNonceRetries ?? 20;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    const poolKey = this.cacheKey();
    this.nonces = noncePools.get(poolKey) ?? [];
    noncePools.set(poolKey, this.nonces);
  }

  /** Caches are per server and trust configuration. */
  private cacheKey(): string {
    return directoryCacheKey(this);
  }

  /** The directory, shared by the process's clients of this server for a while. */
  directory(signal: AbortSignal): Promise<AcmeDirectory> {
    return readDirectory(this, signal);
  }

  /** RFC 7638 thumbprint of the account key. */
  thumbprint(): string {
    this.thumbprintCache ??= jwkThumbprint(this.accountKey.key);
    return this.thumbprintCache;
  }

  /** key authorization = token "." thumbprint(account key) (RFC 8555 section 8.1). */
  keyAuthorization(token: string): string {
    return `${token}.${this.thumbprint()}`;
  }

  /**
   * An unauthenticated GET with the same server retries as signed requests: RFC 9773's
   * renewalInfo resource is read this way (no JWS). A status >= 400 is an AcmeError.
   */
  async get(url: string, options: { signal: AbortSignal; what: string }): Promise<AcmeResponse> {
    const { signal, what } = options;
    const response = await this.withServerRetries(what, signal, () => send({ method: "GET", url, accept: "application/json", signal }, this.caCertPem), false);
    const data = parseBody(response);
    if (response.status >= 400) throw responseError(what, response, data);
    return toAcmeResponse(url, response, data);
  }

  /** POST-as-GET: reads an order, authorization or certificate. */
  postAsGet(url: string, options: Omit<PostOptions, "decorate">): Promise<AcmeResponse> {
    return this.post(url, null, options);
  }

  /**
   * A signed POST. Retries badNonce, and rateLimited/503 when the server says when;
   * any other problem (or status >= 400) becomes an AcmeError carrying the problem.
   */
  async post(url: string, payload: Record<string, unknown> | null, options: PostOptions): Promise<AcmeResponse> {
    const { signal, what } = options;
    let signer: JwsSigner;
    if (options.useJwk) signer = { jwk: true };
    else if (this.accountUrl) signer = { kid: this.accountUrl };
    else throw new AcmeError(`${what} failed: the account URL is not known (internal error: look the account up first)`);

    let badNonces = 0;
    for (;;) {
      const response = await this.withServerRetries(what, signal, async () => {
        const nonce = await this.takeNonce(signal);
        const body = payload && options.decorate ? options.decorate({ ...payload }, url) : payload;
        const jws = signJws(this.accountKey, signer, url, nonce, body);
        const started = Date.now();
        const answer = await send(
          { method: "POST", url, body: JSON.stringify(jws), accept: options.accept, signal },
          this.caCertPem,
        );
        this.logger.trace("ACME request", { url, status: answer.status, ms: Date.now() - started });
        return answer;
      });
      const data = parseBody(response);
      if (response.status < 400) return toAcmeResponse(url, response, data);
      const problem = asProblem(data);
      if (isProblem(problem, "badNonce") && badNonces < this.maxBadNonceRetries) {
        badNonces += 1;
        this.logger.debug("ACME server rejected the nonce, retrying", { url, attempt: badNonces });
        continue;
      }
      throw responseError(what, response, data);
    }
  }

  /** withServerRetries with this client's limits, pooling the answers' nonces. */
  private withServerRetries(what: string, signal: AbortSignal, attempt: () => Promise<HttpResponse>, poolNonce = true): Promise<HttpResponse> {
    return withServerRetries(what, signal, attempt, {
      logger: this.logger,
      maxRetryAfterMs: this.maxRetryAfterMs,
      onAnswer: (response) => {
        if (poolNonce || response.status === 429 || response.status === 503) this.poolNonce(response);
      },
    });
  }

  private poolNonce(response: HttpResponse): void {
    const nonce = response.headers["replay-nonce"];
    if (typeof nonce !== "string" || !nonce) return;
    this.nonces.push(nonce);
    if (this.nonces.length > MAX_POOLED_NONCES) this.nonces.shift();
  }

  private async takeNonce(signal: AbortSignal): Promise<string> {
    const pooled = this.nonces.pop();
    if (pooled) return pooled;
    const { newNonce } = await this.directory(signal);
    const what = "getting a nonce from the ACME server";
    // Taken straight from the answer: concurrent requests share the pool.
    const response = await this.withServerRetries(what, signal, () => send({ method: "HEAD", url: newNonce, signal }, this.caCertPem), false);
    const nonce = response.headers["replay-nonce"];
    if (typeof nonce !== "string" || !nonce) throw new AcmeError(`${what} failed: HTTP ${response.status} without a Replay-Nonce header`);
    return nonce;
  }
}

/** Where a directory is read from: no account needed (a plan may not know the account key yet). */
export interface DirectoryTarget {
  directoryUrl: string;
  /** A CA certificate to trust for the ACME server's HTTPS, besides the system's. */
  caCertPem?: string | undefined;
  logger: Logger;
}

/** The directory, shared by the process's requests to this server for a while (one fetch per process and TTL). */
export function readDirectory(target: DirectoryTarget, signal: AbortSignal): Promise<AcmeDirectory> {
  const key = directoryCacheKey(target);
  const cached = directories.get(key);
  if (cached && Date.now() - cached.fetchedAt < DIRECTORY_TTL_MS) return cached.directory;
  const directory = fetchDirectory(target, signal);
  directories.set(key, { fetchedAt: Date.now(), directory });
  // A failed fetch must not poison later calls.
  directory.catch(() => {
    if (directories.get(key)?.directory === directory) directories.delete(key);
  });
  return directory;
}

function directoryCacheKey(target: Pick<DirectoryTarget, "directoryUrl" | "caCertPem">): string {
  return `${target.directoryUrl}\n${target.caCertPem ?? ""}`;
}

async function fetchDirectory(target: DirectoryTarget, signal: AbortSignal): Promise<AcmeDirectory> {
  const what = `reading the ACME directory at ${target.directoryUrl}`;
  const response = await withServerRetries(what, signal, () => send({ method: "GET", url: target.directoryUrl, accept: "application/json", signal }, target.caCertPem), {
    logger: target.logger,
    maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
  });
  const data = parseBody(response);
  if (response.status !== 200) throw responseError(what, response, data);
  const directory = data as Partial<AcmeDirectory> | undefined;
  if (!directory || typeof directory !== "object" || !directory.newNonce || !directory.newAccount || !directory.newOrder) {
    throw new AcmeError(`${what} failed: the answer is not an ACME directory (check server_url)`);
  }
  return directory as AcmeDirectory;
}

/**
 * Runs `attempt` again while the server answers 429/503 and either says when to come
 * back (Retry-After, if within maxRetryAfterMs) or, for 503, a short backoff allows it.
 * `onAnswer` sees every answer (nonce pooling).
 */
async function withServerRetries(
  what: string,
  signal: AbortSignal,
  attempt: () => Promise<HttpResponse>,
  options: { logger: Logger; maxRetryAfterMs: number; onAnswer?: (response: HttpResponse) => void },
): Promise<HttpResponse> {
  for (let tries = 0; ; tries++) {
    const response = await attempt();
    options.onAnswer?.(response);
    if (response.status !== 429 && response.status !== 503) return response;
    const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
    let waitMs: number | undefined;
    if (retryAfterMs !== undefined) {
      if (retryAfterMs <= options.maxRetryAfterMs && tries < RATE_LIMIT_ATTEMPTS) waitMs = retryAfterMs;
    } else if (response.status === 503) {
      waitMs = UNAVAILABLE_DELAYS_MS[tries];
    }
    if (waitMs === undefined) return response;
    options.logger.debug("ACME server asked to retry later", { what, status: response.status, waitMs });
    await sleep(waitMs, signal, what);
  }
}

function parseBody(response: HttpResponse): unknown {
  const type = String(response.headers["content-type"] ?? "");
  const text = response.body.toString("utf8");
  if (/json/i.test(type)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function toAcmeResponse(url: string, response: HttpResponse, data: unknown): AcmeResponse {
  const location = response.headers.location;
  return {
    status: response.status,
    data,
    location: location ? new URL(location, url).toString() : undefined,
    links: parseLinks(response.headers.link, url),
    retryAfterMs: parseRetryAfter(response.headers["retry-after"]),
  };
}

/** An AcmeError for a failed answer: "<what> failed: <type>: <detail>". */
function responseError(what: string, response: HttpResponse, data: unknown): AcmeError {
  const problem: AcmeProblem | undefined = asProblem(data);
  let message: string;
  if (problem) message = `${what} failed: ${formatProblem(problem)}`;
  else {
    const text = typeof data === "string" ? data.trim().slice(0, 300) : "";
    message = `${what} failed: HTTP ${response.status}${text ? `: ${text}` : ""}`;
  }
  const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
  if ((response.status === 429 || response.status === 503) && retryAfterMs !== undefined) {
    message += ` (the server asks to retry after ${new Date(Date.now() + retryAfterMs).toISOString()})`;
  }
  return new AcmeError(message, { problem, status: response.status });
}

/** Link: <url>;rel="alternate", <url>;rel="up" - several headers arrive joined by ", ". */
export function parseLinks(header: string | string[] | undefined, base: string): Record<string, string[]> {
  const links: Record<string, string[]> = {};
  const text = Array.isArray(header) ? header.join(", ") : (header ?? "");
  for (const match of text.matchAll(/<([^>]*)>\s*;([^<]*)/g)) {
    const rel = /rel\s*=\s*"?([^";,]+)"?/i.exec(match[2]!)?.[1];
    if (!rel) continue;
    (links[rel] ??= []).push(new URL(match[1]!, base).toString());
  }
  return links;
}

/** Retry-After as delay-seconds or HTTP-date (RFC 9110 section 10.2.3), in ms. */
export function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
