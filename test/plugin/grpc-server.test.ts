// The hand-written gRPC server (src/plugin/grpc-server.ts) against gRPC clients that are
// not ours: grpc-js, and raw HTTP/2 for what a well-behaved client never sends. The
// provider's own calls, TLS and shutdown are tested through the real process in
// protocol.test.ts. Runs against dist/ (the generated codecs live there).
import * as grpc from "@grpc/grpc-js";
import * as http2 from "node:http2";
import { connect } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GrpcServer, HOLD_OPEN } from "../../dist/plugin/grpc-server.js";
import type { Message } from "../../src/plugin/grpc-definitions.js";

const HEALTH = "/grpc.health.v1.Health/Check";
const MAX_BYTES = 1024;

let directory: string;
let socket: string;
let server: GrpcServer;
let problems: string[];
let releaseSlowCall: () => void;
let slowCallAnswered: Promise<void>;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), "acme-tf-grpc-server-"));
  socket = join(directory, "s.sock");
  problems = [];
  server = new GrpcServer({ maxMessageBytes: MAX_BYTES, onProblem: (message: string) => problems.push(message) });
  let answered!: () => void;
  slowCallAnswered = new Promise((resolve) => (answered = resolve));
  server.addService("grpc.health.v1.Health", {
    Check: async (request: Message) => {
      if (request.service === "slow") {
        await new Promise<void>((resolve) => (releaseSlowCall = resolve));
        setImmediate(answered);
      }
      return { status: request.service === "plugin" ? 1 : 2 };
    },
  });
  server.addService("plugin.GRPCStdio", { StreamStdio: HOLD_OPEN });
  await server.listen(socket);
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

const bytes = (x: Buffer) => x;
/** grpc.health.v1.HealthCheckRequest { service } by hand: field 1, length-delimited. */
const checkRequest = (service: string) => Buffer.concat([Buffer.from([0x0a, Buffer.byteLength(service)]), Buffer.from(service)]);

function unary(client: grpc.Client, path: string, request: Buffer): { call: grpc.ClientUnaryCall; result: Promise<{ error: grpc.ServiceError | null; response?: Buffer }> } {
  let call!: grpc.ClientUnaryCall;
  const result = new Promise<{ error: grpc.ServiceError | null; response?: Buffer }>((resolve) => {
    call = client.makeUnaryRequest(path, bytes, bytes, request, { deadline: Date.now() + 5000 }, (error, response) => resolve({ error, response }));
  });
  return { call, result };
}

describe("grpc-server with grpc-js as the client", () => {
  let client: grpc.Client;
  beforeEach(() => {
    client = new grpc.Client(`unix://${socket}`, grpc.credentials.createInsecure());
  });
  afterEach(() => client.close());

  test("a unary call is answered with the encoded response and status OK", async () => {
    const { error, response } = await unary(client, HEALTH, checkRequest("plugin")).result;
    expect(error).toBeNull();
    // HealthCheckResponse { status: SERVING (1) }
    expect(response!.toString("hex")).toBe("0801");
  });

  test("a method not added answers UNIMPLEMENTED, naming the path (percent-encoded as grpc-js decodes it)", async () => {
    const { error } = await unary(client, "/grpc.health.v1.Health/Watch", checkRequest("plugin")).result;
    expect(error?.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(error?.details).toContain("/grpc.health.v1.Health/Watch");
  });

  test("a request over the size limit answers RESOURCE_EXHAUSTED, and the server goes on", async () => {
    // A 2000-byte service name (length 2000 as a varint: d0 0f), over the 1 KiB limit.
    const oversized = Buffer.concat([Buffer.from([0x0a, 0xd0, 0x0f]), Buffer.alloc(2000, 0x78)]);
    const { error } = await unary(client, HEALTH, oversized).result;
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await unary(client, HEALTH, checkRequest("plugin")).result).error).toBeNull();
  });

  test("a call the client cancels before the answer leaves nothing broken", async () => {
    const slow = unary(client, HEALTH, checkRequest("slow"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    slow.call.cancel();
    expect((await slow.result).error?.code).toBe(grpc.status.CANCELLED);
    releaseSlowCall();
    await slowCallAnswered;
    expect((await unary(client, HEALTH, checkRequest("plugin")).result).error).toBeNull();
    expect(problems).toEqual([]);
  });

  test("a held stream stays open and silent, and ends with status OK at close", async () => {
    const stream = client.makeServerStreamRequest("/plugin.GRPCStdio/StreamStdio", bytes, bytes, Buffer.alloc(0));
    const received: Buffer[] = [];
    stream.on("data", (message: Buffer) => received.push(message));
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on("status", resolve));
    // Still open a while later: no status yet.
    const early = await Promise.race([status, new Promise((resolve) => setTimeout(() => resolve("open"), 200))]);
    expect(early).toBe("open");
    server.close(() => undefined);
    expect((await status).code).toBe(grpc.status.OK);
    expect(received).toEqual([]);
  });
});

describe("grpc-server with a raw HTTP/2 client", () => {
  /** One request; what came back: headers, body and trailers. */
  async function exchange(headers: http2.OutgoingHttpHeaders, body: Buffer) {
    const session = http2.connect("http://localhost", { createConnection: () => connect(socket) });
    try {
      const stream = session.request({ ":method": "POST", ":path": HEALTH, te: "trailers", ...headers });
      const chunks: Buffer[] = [];
      const result = new Promise<{ headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        let responseHeaders: http2.IncomingHttpHeaders = {};
        let trailers: http2.IncomingHttpHeaders = {};
        stream.on("response", (h) => (responseHeaders = h));
        stream.on("trailers", (t) => (trailers = t));
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => resolve({ headers: responseHeaders, trailers, body: Buffer.concat(chunks) }));
        stream.on("error", reject);
      });
      stream.end(body);
      return await result;
    } finally {
      session.close();
    }
  }
  const framed = (message: Buffer, compressed = 0) => {
    const prefix = Buffer.alloc(5);
    prefix[0] = compressed;
    prefix.writeUInt32BE(message.length, 1);
    return Buffer.concat([prefix, message]);
  };

  test("the response is one length-prefixed message, status in the trailers", async () => {
    const response = await exchange({ "content-type": "application/grpc" }, framed(checkRequest("other")));
    expect(response.headers[":status"]).toBe(200);
    expect(response.headers["content-type"]).toBe("application/grpc");
    expect(response.body.toString("hex")).toBe("00000000020802"); // NOT_SERVING (2)
    expect(response.trailers["grpc-status"]).toBe("0");
  });

  test("a compressed message (no compression was offered) answers INTERNAL", async () => {
    const response = await exchange({ "content-type": "application/grpc" }, framed(checkRequest("plugin"), 1));
    expect(response.headers["grpc-status"]).toBe("13");
    expect(decodeURIComponent(String(response.headers["grpc-message"]))).toMatch(/compress/);
  });

  test("a message that does not decode answers INTERNAL, naming the method", async () => {
    // A tag byte (field 1, wire type 7: no such wire type) and nothing after it.
    const response = await exchange({ "content-type": "application/grpc" }, framed(Buffer.from([0x0f])));
    expect(response.headers["grpc-status"]).toBe("13");
    expect(decodeURIComponent(String(response.headers["grpc-message"]))).toMatch(/^unreadable Check request/);
  });

  test("two messages in a unary call answer INTERNAL", async () => {
    const one = framed(checkRequest("plugin"));
    const response = await exchange({ "content-type": "application/grpc" }, Buffer.concat([one, one]));
    expect(response.headers["grpc-status"]).toBe("13");
  });

  test("a request that is not gRPC gets HTTP 415", async () => {
    const response = await exchange({ "content-type": "application/json" }, Buffer.from("{}"));
    expect(response.headers[":status"]).toBe(415);
  });
});
