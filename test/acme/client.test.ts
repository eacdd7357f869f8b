// The signed-request client against a scripted fake CA: retries, nonces, errors.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { planRounds } from "../../src/acme/authorizations.js";
import { AcmeClient, parseLinks, parseRetryAfter } from "../../src/acme/client.js";
import { issueCertificate } from "../../src/acme/certificates.js";
import { AcmeError } from "../../src/acme/errors.js";
import { generateAccountKey } from "../../src/acme/keys.js";
import type { Dns01Challenge } from "../../src/acme/solver.js";
import { silentLogger } from "../../src/log/logger.js";

type Handler = (header: { nonce: string; url: string }, payload: Record<string, unknown> | null) => {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
};

let server: http.Server;
let base: string;
let nonceCounter = 0;
let heads = 0;
const usedNonces: string[] = [];
const routes = new Map<string, Handler>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const nonce = `n${++nonceCounter}`;
    res.setHeader("Replay-Nonce", nonce);
    if (req.method === "GET" && (req.url === "/dir" || req.url === "/dir-with-profiles")) {
      // Directories are cached per process and URL: the one with profiles has its own URL.
      const meta = req.url === "/dir-with-profiles" ? { profiles: { classic: "the usual", tlsserver: "short" } } : {};
      res.setHeader("Content-Type", "application/json");
      return res.end(
        JSON.stringify({ newNonce: `${base}/nonce`, newAccount: `${base}/acct`, newOrder: `${base}/order`, revokeCert: `${base}/revoke`, meta }),
      );
    }
    if (req.method === "HEAD" && req.url === "/nonce") {
      heads++;
      return res.end();
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const jws = JSON.parse(Buffer.concat(chunks).toString()) as { protected: string; payload: string };
      const header = JSON.parse(Buffer.from(jws.protected, "base64url").toString()) as { nonce: string; url: string };
      const payload = jws.payload ? (JSON.parse(Buffer.from(jws.payload, "base64url").toString()) as Record<string, unknown>) : null;
      usedNonces.push(header.nonce);
      const answer = routes.get(req.url ?? "")?.(header, payload) ?? { status: 404, json: { type: "about:blank", detail: "no route" } };
      for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
      res.statusCode = answer.status;
      res.setHeader("Content-Type", answer.status >= 400 ? "application/problem+json" : "application/json");
      res.end(JSON.stringify(answer.json ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function client(options: Partial<ConstructorParameters<typeof AcmeClient>[0]> = {}) {
  return new AcmeClient({
    directoryUrl: `${base}/dir`,
    accountKeyPem: await generateAccountKey({ algorithm: "ECDSA", curve: "P256" }),
    accountUrl: `${base}/acct/1`,
    logger: silentLogger,
    ...options,
  });
}
const signal = () => AbortSignal.timeout(10_000);
const problem = (type: string, detail: string) => ({ type: `urn:ietf:params:acme:error:${type}`, detail });

test("nonces come from answers: one HEAD for a run of requests, none reused", async () => {
  routes.set("/ok", () => ({ status: 200, json: { fine: true } }));
  const c = await client();
  heads = 0;
  usedNonces.length = 0;
  for (let i = 0; i < 5; i++) await c.post(`${base}/ok`, {}, { signal: signal(), what: "x" });
  await Promise.all([1, 2, 3].map(() => c.postAsGet(`${base}/ok`, { signal: signal(), what: "x" })));
  expect(heads).toBeLessThanOrEqual(3); // the first request, and concurrent ones finding the pool empty
  expect(new Set(usedNonces).size).toBe(usedNonces.length);
});

test("badNonce is retried with a fresh nonce, a bounded number of times", async () => {
  let calls = 0;
  routes.set("/flaky", () => (++calls % 3 === 0 ? { status: 200 } : { status: 400, json: problem("badNonce", "bad nonce") }));
  const c = await client();
  await c.post(`${base}/flaky`, {}, { signal: signal(), what: "flaky" });
  expect(calls).toBe(3);

  let attempts = 0;
  routes.set("/never", () => (attempts++, { status: 400, json: problem("badNonce", "still bad") }));
  const strict = await client({ maxBadNonceRetries: 4 });
  await expect(strict.post(`${base}/never`, {}, { signal: signal(), what: "creating the order" })).rejects.toThrow(
    "creating the order failed: badNonce: still bad",
  );
  expect(attempts).toBe(5);
});

test("rateLimited with a short Retry-After is waited out; a long one is reported with the time", async () => {
  let calls = 0;
  routes.set("/limited", () => (++calls === 1 ? { status: 429, headers: { "Retry-After": "1" }, json: problem("rateLimited", "slow down") } : { status: 200 }));
  const c = await client();
  const started = Date.now();
  await c.post(`${base}/limited`, {}, { signal: signal(), what: "x" });
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(calls).toBe(2);

  routes.set("/closed", () => ({ status: 429, headers: { "Retry-After": "3600" }, json: problem("rateLimited", "too many certificates") }));
  const error = (await c.post(`${base}/closed`, {}, { signal: signal(), what: "ordering" }).catch((e: unknown) => e)) as AcmeError;
  expect(error).toBeInstanceOf(AcmeError);
  expect(error.message).toMatch(/^ordering failed: rateLimited: too many certificates \(the server asks to retry after \d{4}-\d\d-\d\dT/);
  expect(error.status).toBe(429);
});

test("503 without Retry-After is retried briefly", async () => {
  let calls = 0;
  routes.set("/busy", () => (++calls < 3 ? { status: 503, json: problem("serverInternal", "busy") } : { status: 200 }));
  const c = await client();
  await c.post(`${base}/busy`, {}, { signal: signal(), what: "x" });
  expect(calls).toBe(3);
});

test("an aborted signal cuts a Retry-After wait short", async () => {
  routes.set("/slow", () => ({ status: 503, headers: { "Retry-After": "20" }, json: problem("serverInternal", "maintenance") }));
  const c = await client();
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stop")), 100);
  const started = Date.now();
  await expect(c.post(`${base}/slow`, {}, { signal: controller.signal, what: "reading the order" })).rejects.toThrow(/cancelled: stop/);
  expect(Date.now() - started).toBeLessThan(2000);
});

test("Link and Retry-After headers", () => {
  expect(parseLinks('<https://ca/cert/1/1>;rel="alternate", </dir>;rel="index", <https://ca/cert/1/2>; rel=alternate', "https://ca/x")).toEqual({
    alternate: ["https://ca/cert/1/1", "https://ca/cert/1/2"],
    index: ["https://ca/dir"],
  });
  expect(parseRetryAfter("7")).toBe(7000);
  expect(parseRetryAfter(undefined)).toBeUndefined();
  const inAMinute = new Date(Date.now() + 60_000).toUTCString();
  expect(parseRetryAfter(inAMinute)).toBeGreaterThan(55_000);
});

test("rounds never hold more values per TXT name than the solver allows", () => {
  const c = (identifier: string) => ({ challenge: { identifier, domain: identifier.replace(/^\*\./, "") } as Dns01Challenge });
  const items = [c("a.test"), c("*.a.test"), c("b.test"), c("*.b.test"), c("c.test")];
  expect(planRounds(items, 1).map((r) => r.map((i) => i.challenge.identifier))).toEqual([
    ["a.test", "b.test", "c.test"],
    ["*.a.test", "*.b.test"],
  ]);
  expect(planRounds(items, 2)).toHaveLength(1);
});

describe("the new order carries profile and notAfter only when set", () => {
  const orders: (Record<string, unknown> | null)[] = [];
  beforeAll(() => {
    routes.set("/acct", () => ({ status: 200, headers: { Location: `${base}/acct/7` }, json: { status: "valid" } }));
    routes.set("/order", (_h, payload) => (orders.push(payload), { status: 400, json: problem("rejectedIdentifier", "stop here") }));
  });
  const order = async (extra: Record<string, unknown>) => {
    const accountKeyPem = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const solver = { valuesPerName: 1, present: async () => undefined, cleanup: async () => undefined };
    return issueCertificate({ directoryUrl: `${base}/dir`, accountKeyPem, names: ["a.example.test"], solver, signal: signal(), logger: silentLogger, ...extra });
  };

  test("neither by default", async () => {
    await expect(order({})).rejects.toThrow("ordering a certificate for a.example.test failed: rejectedIdentifier: stop here");
    expect(orders.pop()).toEqual({ identifiers: [{ type: "dns", value: "a.example.test" }] });
  });

  test("both when asked (a profile the CA lists)", async () => {
    await expect(order({ profile: "tlsserver", validityDays: 7, directoryUrl: `${base}/dir-with-profiles` })).rejects.toThrow(/stop here/);
    const payload = orders.pop()!;
    expect(payload.profile).toBe("tlsserver");
    expect(Math.round((Date.parse(payload.notAfter as string) - Date.now()) / 86_400_000)).toBe(7);
    expect(payload.notAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test("a profile the CA does not advertise is refused before ordering, an inherited property name too", async () => {
    const sent = orders.length;
    await expect(order({ profile: "shortlived", directoryUrl: `${base}/dir-with-profiles` })).rejects.toThrow(
      'the CA offers no certificate profile "shortlived"; it offers: classic (the usual), tlsserver (short)',
    );
    await expect(order({ profile: "constructor", directoryUrl: `${base}/dir-with-profiles` })).rejects.toThrow(/no certificate profile "constructor"/);
    expect(orders).toHaveLength(sent);
  });

  test("a CA that lists no profiles gets none: the draft forbids requesting an unlisted one", async () => {
    await expect(order({ profile: "classic" })).rejects.toThrow(/stop here/);
    expect(orders.pop()).not.toHaveProperty("profile");
  });
});
