// acme-dns's HTTP API (pkg/api: api.go, register.go, auth.go, update.go, healthcheck.go),
// including the order of its checks, which decides the answer when several things are
// wrong at once:
//   POST /update: username (a UUID) -> key (40 base64url chars) -> account exists ->
//   password matches -> source address within allowfrom -> body's subdomain is the
//   account's: any failure is 401 {"error": "forbidden"}. Only then bad_subdomain and
//   bad_txt (400), so wrong credentials with a bad value is "forbidden", not "bad_txt".
//   POST /register: a non-empty body must be valid JSON of the right shape
//   (malformed_json_payload) before allowfrom is checked (invalid_allowfrom_cidr).
// Bodies are byte-for-byte what acme-dns writes: its errors and the update answer are
// hand-built strings with a space after the colon, the registration is json.Marshal'd.
// Routing follows julienschmidt/httprouter's defaults: 405 with Allow for a known path
// with another method, 404 otherwise, and redirects for a trailing slash or wrong case.
// Not reproduced: CORS headers, TLS, the reverse-proxy header mode, disabled registration.

import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeAcmeTxtLenient, unmarshalAcmeTxt } from "./go-json.js";
import type { AcmeDnsStore } from "./store.js";
import { allowedFrom, parseUuid, validCidrs, validKey, validSubdomain, validTxt } from "./validation.js";

/** One API call as the server saw it, for tests to assert what a client sent. */
export interface RequestLogEntry {
  /** When the request was answered (ISO 8601). */
  time: string;
  method: string;
  /** The request target as sent, query included. */
  path: string;
  status: number;
  remoteAddress: string;
  /** Lower-case header names; X-Api-Key's value is replaced by "[redacted]". */
  headers: Record<string, string>;
  /** The request body as text (acme-dns bodies hold no secrets: subdomain, txt, allowfrom). */
  body: string;
  /** The acme-dns error code answered, e.g. "forbidden", when the answer was one. */
  error?: string;
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
  error?: string;
}

interface Request {
  method: string;
  headers: IncomingMessage["headersDistinct"];
  remoteAddress: string;
  body: string;
}

type Handler = (req: Request) => Reply;

const JSON_TYPE = { "content-type": "application/json" };
const TEXT_TYPE = { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" };

/** jsonError in pkg/api/util.go: fmt.Sprintf("{\"error\": \"%s\"}", message). */
function jsonError(status: number, code: string): Reply {
  return { status, body: `{"error": "${code}"}`, headers: JSON_TYPE, error: code };
}

/** http.Header.Get: the first value of a header, "" when absent. */
function header(req: Request, name: string): string {
  return req.headers[name]?.[0] ?? "";
}

function registerHandler(store: AcmeDnsStore): Handler {
  return (req) => {
    // Only a non-empty body is parsed (io.ReadAll, then json.Unmarshal if len > 0).
    const decoded = req.body.length > 0 ? unmarshalAcmeTxt(req.body) : { ok: true as const, value: {} };
    if (!decoded.ok) return jsonError(400, "malformed_json_payload");
    const allowfrom = decoded.value.allowfrom ?? [];
    if (!validCidrs(allowfrom)) return jsonError(400, "invalid_allowfrom_cidr");
    const creds = store.register(allowfrom);
    const body = JSON.stringify({
      username: creds.username,
      password: creds.password,
      fulldomain: creds.fulldomain,
      subdomain: creds.subdomain,
      allowfrom: creds.allowfrom,
    });
    return { status: 201, body, headers: JSON_TYPE };
  };
}

/** The Auth middleware: the account whose subdomain the body names, or undefined (-> 401). */
function authorize(store: AcmeDnsStore, req: Request): { subdomain: string; txt: string } | undefined {
  const username = parseUuid(header(req, "x-api-user"));
  const key = header(req, "x-api-key");
  if (username === undefined || !validKey(key)) return undefined;
  const account = store.authenticate(username, key);
  if (!account || !allowedFrom(account.allowfrom, req.remoteAddress)) return undefined;
  // The body is read only now, and a decoding error is merely logged by acme-dns.
  const post = decodeAcmeTxtLenient(req.body);
  if ((post.subdomain ?? "") !== account.subdomain) return undefined;
  return { subdomain: account.subdomain, txt: post.txt ?? "" };
}

function updateHandler(store: AcmeDnsStore): Handler {
  return (req) => {
    const post = authorize(store, req);
    if (!post) return jsonError(401, "forbidden");
    // Unreachable after authorize (registered subdomains are UUIDs), but acme-dns checks it.
    if (!validSubdomain(post.subdomain)) return jsonError(400, "bad_subdomain");
    if (!validTxt(post.txt)) return jsonError(400, "bad_txt");
    store.update(post.subdomain, post.txt);
    return { status: 200, body: `{"txt": "${post.txt}"}`, headers: JSON_TYPE };
  };
}

const health: Handler = () => ({ status: 200, body: "", headers: {} });

type Routes = Record<string, Record<string, Handler>>;

function routesFor(store: AcmeDnsStore): Routes {
  return {
    "/register": { POST: registerHandler(store) },
    "/update": { POST: updateHandler(store) },
    "/health": { GET: health },
  };
}

/** httprouter's CleanPath plus its case-insensitive lookup (RedirectFixedPath). */
function fixedPath(routes: Routes, path: string, method: string): string | undefined {
  const segments: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "..") segments.pop();
    else if (seg !== "" && seg !== ".") segments.push(seg);
  }
  const cleaned = "/" + segments.join("/");
  return Object.keys(routes).find((r) => r.toLowerCase() === cleaned.toLowerCase() && routes[r]?.[method]);
}

/** httprouter's Allow list: the other methods of the path, plus OPTIONS, sorted. */
function allowed(routes: Routes, path: string, method: string): string {
  const methods = Object.keys(routes[path] ?? {}).filter((m) => m !== method && m !== "OPTIONS");
  return methods.length === 0 ? "" : [...methods, "OPTIONS"].sort().join(", ");
}

function route(routes: Routes, path: string, req: Request): Reply {
  const handler = routes[path]?.[req.method];
  if (handler) return handler(req);
  const target = req.method !== "CONNECT" && path !== "/" ? fixedPath(routes, path, req.method) : undefined;
  if (target) {
    // 301 for GET, 307 for the rest, so that a POST stays a POST.
    return { status: req.method === "GET" ? 301 : 307, body: "", headers: { location: target } };
  }
  const allow = allowed(routes, path, req.method);
  if (req.method === "OPTIONS" && allow) return { status: 200, body: "", headers: { allow } };
  if (allow) return { status: 405, body: "Method Not Allowed\n", headers: { ...TEXT_TYPE, allow } };
  return { status: 404, body: "404 page not found\n", headers: TEXT_TYPE };
}

function logHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) out[name] = name === "x-api-key" ? "[redacted]" : values.join(", ");
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function pathOf(target: string): string {
  // Go routes on the decoded path; the query is not part of it.
  const raw = target.split("?")[0] ?? "/";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A bug here must show as a 500 in the test that hit it, not as an unhandled rejection. */
function safely(answer: () => Reply): Reply {
  try {
    return answer();
  } catch (err) {
    return { status: 500, body: JSON.stringify({ error: String(err) }), headers: JSON_TYPE, error: "internal_error" };
  }
}

/** The request listener of the API server; every answered request is appended to `log`. */
export function createApiHandler(store: AcmeDnsStore, log: RequestLogEntry[], onRequest?: (path: string) => void | Promise<void>) {
  const routes = routesFor(store);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    await onRequest?.(pathOf(req.url ?? "/"));
    const request: Request = {
      method: req.method ?? "GET",
      headers: req.headersDistinct,
      remoteAddress: req.socket.remoteAddress ?? "",
      body,
    };
    const reply = safely(() => route(routes, pathOf(req.url ?? "/"), request));
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method: request.method,
      path: req.url ?? "/",
      status: reply.status,
      remoteAddress: request.remoteAddress,
      headers: logHeaders(req),
      body,
      ...(reply.error !== undefined ? { error: reply.error } : {}),
    };
    log.push(entry);
    res.writeHead(reply.status, { ...reply.headers, "content-length": String(Buffer.byteLength(reply.body)) });
    res.end(reply.body);
  };
}
