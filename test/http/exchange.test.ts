// src/http against a real HTTP server on loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exchange, HttpFailure, USER_AGENT, type HttpExchange } from "../../src/http/index.js";

let server: Server;
let base: string;
let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request = (overrides: Partial<HttpExchange> = {}): HttpExchange => ({
  method: "POST",
  url: `${base}/x`,
  signal: new AbortController().signal,
  maxBodyBytes: 1024,
  oversize: "reject",
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<HttpFailure> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(HttpFailure);
  return error as HttpFailure;
}

it("sends the method, headers and body, and reads status, headers and body", async () => {
  handle = (req, res, body) => {
    res.setHeader("Location", "/elsewhere");
    res.writeHead(201).end(JSON.stringify({ method: req.method, headers: req.headers, body }));
  };
  const reply = await exchange(request({ headers: { "Content-Type": "application/json" }, body: '{"a":1}' }));
  expect(reply.status).toBe(201);
  expect(reply.headers.location).toBe("/elsewhere");
  const seen = JSON.parse(reply.body.toString()) as { method: string; headers: Record<string, string>; body: string };
  expect(seen).toMatchObject({ method: "POST", body: '{"a":1}', headers: { "user-agent": USER_AGENT, "content-type": "application/json", "content-length": "7" } });
});

it("says Content-Length: 0 for a POST without body, and nothing for a GET", async () => {
  handle = (req, res) => res.end(String(req.headers["content-length"]));
  expect((await exchange(request())).body.toString()).toBe("0");
  expect((await exchange(request({ method: "GET" }))).body.toString()).toBe("undefined");
});

it("rejects an answer beyond the limit, or keeps its beginning when asked to", async () => {
  handle = (_req, res) => res.end("x".repeat(5000));
  expect((await failure(exchange(request()))).kind).toBe("too-large");
  const truncated = await exchange(request({ oversize: "truncate" }));
  expect(truncated.body.toString()).toBe("x".repeat(1024));
});

it("fails as aborted when the signal fires, before or during the exchange", async () => {
  handle = () => undefined; // never answers
  const controller = new AbortController();
  const pending = exchange(request({ signal: controller.signal }));
  setTimeout(() => controller.abort(new Error("stop")), 50);
  expect((await failure(pending)).kind).toBe("aborted");
  expect((await failure(exchange(request({ signal: controller.signal })))).kind).toBe("aborted");
});

it("fails as timeout when the connection stays idle", async () => {
  handle = () => undefined;
  expect((await failure(exchange(request({ idleTimeoutMs: 100 })))).kind).toBe("timeout");
});

it("fails as network with Node's error and its code", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const error = await failure(exchange(request({ url: `http://127.0.0.1:${port}/` })));
  expect(error.kind).toBe("network");
  expect(error.code).toBe("ECONNREFUSED");
  expect(error.reusedSocket).toBe(false);
});
