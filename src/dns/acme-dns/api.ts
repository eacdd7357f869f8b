// acme-dns's HTTP API, as a client: POST /register and POST /update, with its exact headers
// and bodies, and its answers (`{"error": "<code>"}`) turned into messages that say what to
// fix. Credentials never appear in a message: every message passes through `redact`.
// Redirects are not followed: they would carry X-Api-Key to wherever they point.

import { exchange, HttpFailure } from "../../http/index.js";
import type { AcmeDnsAccount } from "./credentials.js";
import { endpointUrl } from "./addresses.js";
import { clampTimerMs } from "../../shared/index.js";

export interface AcmeDnsEndpoint {
  apiBase: string;
  /** How messages name the setting holding apiBase, e.g. "ACME_DNS_API_BASE" or "server_url". */
  setting: string;
  /** Limit of one request. */
  timeoutSeconds: number;
}

/** A failure to talk to acme-dns, its message ready for the user. */
export class AcmeDnsApiError extends Error {
  constructor(
    message: string,
    /** acme-dns's error code when it answered one, e.g. "forbidden". */
    readonly code?: string,
  ) {
    super(message);
    this.name = "AcmeDnsApiError";
  }
}

/** POST /register, with `allowfrom` when given (the networks allowed to update the account). */
export async function registerAccount(endpoint: AcmeDnsEndpoint, allowfrom: readonly string[] | undefined, signal: AbortSignal): Promise<AcmeDnsAccount> {
  const body = allowfrom && allowfrom.length > 0 ? JSON.stringify({ allowfrom }) : undefined;
  const url = endpointUrl(endpoint.apiBase, "register");
  const reply = await post(endpoint, url, body, {}, signal, []);
  if (reply.status !== 201) throw new AcmeDnsApiError(explainRegisterFailure(endpoint, url, reply), reply.code);
  const account = parseRegistration(reply.text);
  if (!account) throw new AcmeDnsApiError(`${url} answered 201 but not with the account acme-dns returns (username, password, fulldomain, subdomain): is ${endpoint.setting} an acme-dns server?`);
  return account;
}

/** POST /update: sets one of the account's two TXT values. */
export async function updateTxt(endpoint: AcmeDnsEndpoint, account: AcmeDnsAccount, txt: string, signal: AbortSignal): Promise<void> {
  const url = endpointUrl(endpoint.apiBase, "update");
  const headers = { "X-Api-User": account.username, "X-Api-Key": account.password };
  const secrets = [account.password, account.username];
  const reply = await post(endpoint, url, JSON.stringify({ subdomain: account.subdomain, txt }), headers, signal, secrets);
  if (reply.status !== 200) throw new AcmeDnsApiError(redact(explainUpdateFailure(endpoint, url, account, reply), secrets), reply.code);
  // acme-dns answers {"txt": "<value>"}; goacmedns (lego's client) looks at the status only, so
  // an empty body stays accepted, but a body that is not JSON (a web app's page at that URL)
  // means the record was not set: say so now, not after the propagation timeout.
  if (reply.text.trim() !== "" && !isJson(reply.text)) {
    throw new AcmeDnsApiError(
      redact(`${url} answered ${statusLine(reply)}, not acme-dns's JSON ({"txt": ...}): the TXT record was not set. Is ${endpoint.setting} the acme-dns server's base URL?`, secrets),
    );
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

interface Reply {
  status: number;
  text: string;
  /** acme-dns's error code, when the body is `{"error": "<code>"}`. */
  code?: string;
  location?: string;
}

const MAX_BODY_BYTES = 64 * 1024;

async function post(
  endpoint: AcmeDnsEndpoint,
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
  signal: AbortSignal,
  secrets: readonly string[],
): Promise<Reply> {
  signal.throwIfAborted();
  // One limit for the whole exchange. Not AbortSignal.any: its listeners stay on the
  // caller's signal, one per request.
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, clampTimerMs(endpoint.timeoutSeconds * 1000));
  const abort = () => stop.abort(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  try {
    const reply = await exchange({
      method: "POST",
      url,
      headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body }),
      signal: stop.signal,
      maxBodyBytes: MAX_BODY_BYTES,
      oversize: "truncate",
    });
    const text = reply.body.toString("utf8");
    const location = reply.headers.location;
    return { status: reply.status, text, ...optionalCode(text), ...(location ? { location } : {}) };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timedOut) throw new AcmeDnsApiError(`no answer from ${url} within ${endpoint.timeoutSeconds} s: is the acme-dns server up, and is ${endpoint.setting} right?`);
    const cause = error instanceof HttpFailure ? error.cause : error;
    throw new AcmeDnsApiError(redact(`cannot reach ${url}: ${networkProblem(cause as NodeJS.ErrnoException, endpoint)}`, secrets));
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", abort);
  }
}

function optionalCode(text: string): { code?: string } {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    return typeof parsed?.error === "string" ? { code: parsed.error } : {};
  } catch {
    return {};
  }
}

function networkProblem(error: NodeJS.ErrnoException, endpoint: AcmeDnsEndpoint): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return `connection refused: is the acme-dns server running there, and is ${endpoint.setting} right?`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `its host name does not resolve: check ${endpoint.setting}`;
    case "ECONNRESET":
      return "the connection was reset";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "no route to the host";
    default:
      if (/CERT|SSL|TLS|SELF_SIGNED/.test(error.code ?? "")) {
        return `TLS failed (${error.message}): a server with a private CA is trusted through NODE_EXTRA_CA_CERTS`;
      }
      return error.message;
  }
}

function statusLine(reply: Reply): string {
  if (reply.code) return `${reply.status} ${reply.code}`;
  const text = reply.text.trim().replace(/\s+/g, " ");
  return text ? `${reply.status}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` : String(reply.status);
}

/** Answers every endpoint may give that are about the URL, not the request. */
function explainCommon(endpoint: AcmeDnsEndpoint, url: string, reply: Reply): string | undefined {
  if (reply.status >= 300 && reply.status < 400) {
    const where = reply.location ? new URL(reply.location, url).href : "elsewhere";
    return `${url} redirects (${reply.status}) to ${where}; redirects are not followed, as they would carry the credentials along: set ${endpoint.setting} to the URL the server really answers at`;
  }
  if (reply.status === 404 || reply.status === 405) {
    return `${url} answered ${statusLine(reply)}: no acme-dns API there. ${endpoint.setting} must be the server's base URL, the one /register and /update are under (e.g. https://auth.example.com)`;
  }
  if (reply.status >= 500) return `${url} answered ${statusLine(reply)}: the acme-dns server failed; its logs say why`;
  return undefined;
}

function explainRegisterFailure(endpoint: AcmeDnsEndpoint, url: string, reply: Reply): string {
  const common = explainCommon(endpoint, url, reply);
  if (common) return common;
  switch (reply.code) {
    case "invalid_allowfrom_cidr":
      return `${url} answered 400 invalid_allowfrom_cidr: the server refused the allowfrom networks; give networks in CIDR notation, like 10.244.0.0/16`;
    case "malformed_json_payload":
      return `${url} answered 400 malformed_json_payload: the server could not read the registration request; is ${endpoint.setting} an acme-dns server?`;
    case "forbidden":
    case undefined:
    default:
      return `${url} refused to register an account (${statusLine(reply)}); the server may have registration disabled or be behind a proxy that refuses it`;
  }
}

function explainUpdateFailure(endpoint: AcmeDnsEndpoint, url: string, account: AcmeDnsAccount, reply: Reply): string {
  const common = explainCommon(endpoint, url, reply);
  if (common) return common;
  switch (reply.code) {
    case "forbidden": {
      const allowed = account.allowfrom.length > 0 ? `one of its allowfrom networks (${account.allowfrom.join(", ")})` : "its allowfrom networks, if it was registered with some";
      return (
        `${url} answered 401 forbidden: the server refused the account whose fulldomain is ${account.fulldomain}. ` +
        `Check its entry in the credentials: the username and password must be the ones /register returned on this server (${endpoint.setting}), ` +
        `the subdomain the account's own, and this machine's address must be inside ${allowed}. The server does not say which of these is wrong.`
      );
    }
    case "bad_txt":
      return `${url} answered 400 bad_txt: acme-dns takes exactly 43 base64url characters as a TXT value, and refused the challenge's; a proxy in front of it may alter requests`;
    case "bad_subdomain":
      return `${url} answered 400 bad_subdomain: the credentials' subdomain ${JSON.stringify(account.subdomain)} is not an acme-dns subdomain; use the one /register returned`;
    case "malformed_json_payload":
      return `${url} answered 400 malformed_json_payload: the server could not read the update; is ${endpoint.setting} an acme-dns server?`;
    default:
      return `${url} refused the update (${statusLine(reply)})`;
  }
}

function parseRegistration(text: string): AcmeDnsAccount | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { username, password, fulldomain, subdomain, allowfrom } = parsed ?? {};
  if (typeof username !== "string" || typeof password !== "string" || typeof fulldomain !== "string" || typeof subdomain !== "string") return undefined;
  return {
    username,
    password,
    fulldomain: fulldomain.toLowerCase().replace(/\.$/, ""),
    subdomain: subdomain.toLowerCase(),
    allowfrom: Array.isArray(allowfrom) ? allowfrom.filter((item): item is string => typeof item === "string") : [],
  };
}

/** `text` with every secret replaced: servers and proxies may echo what they were sent. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length >= 4).reduce((out, secret) => out.replaceAll(secret, "[redacted]"), text);
}
