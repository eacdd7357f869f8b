// The gRPC server go-plugin clients talk to, on node:http2 alone (the gRPC over HTTP/2
// wire format: length-prefixed messages, status in the trailers).
//
// Written by hand rather than with grpc-js because of what it costs at every start, and
// Terraform starts the provider 3-4 times per apply:
//   - grpc-js trusts the client certificate by adding it to the TLS context's CAs, and on
//     Node 20 adding any CA to a context first builds Node's whole root store (~140
//     certificates parsed: ~30-40 ms of a ~150 ms start on the 2-core bench machine);
//     here the client's certificate is compared with the announced one instead;
//   - loading and initialising grpc-js cost ~10 ms more, with the code cache.
// What go-plugin needs is small: unary calls, and two streams it opens on connect that a
// provider may leave open and silent (the connection broker, forwarded stdio).
import { X509Certificate } from "node:crypto";
import * as http2 from "node:http2";
import type { TLSSocket } from "node:tls";
import { methodsOf, type Message } from "./grpc-definitions.js";
import type { MethodCodecs } from "./protocol-codecs.js";

/** A unary method: it answers every call with a message (failures as diagnostics in it). */
export type UnaryMethod = (request: Message) => Promise<Message>;
/** A streaming method this server accepts and keeps open, silent, until shutdown. */
export const HOLD_OPEN = "hold open";
export type ServiceImplementation = Record<string, UnaryMethod | typeof HOLD_OPEN>;

export interface GrpcServerOptions {
  /** AutoMTLS: the server's identity, and the one client certificate accepted. Plain HTTP/2 without it. */
  tls?: { certificatePem: string; privateKeyPem: string; clientCertificatePem: string };
  maxMessageBytes: number;
  /** For what the server cannot answer to anyone (a refused client, a broken connection). */
  onProblem: (message: string) => void;
}

// https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
const STATUS = { OK: 0, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13 } as const;
const GRPC_CONTENT_TYPE = "application/grpc";
const PREFIX_BYTES = 5;
// Terraform sends whole states in one message; a larger window than HTTP/2's 64 KiB
// default lets them arrive without waiting for window updates.
const WINDOW_BYTES = 4 * 1024 * 1024;

export class GrpcServer {
  private readonly methods = new Map<string, { implementation: UnaryMethod | typeof HOLD_OPEN; codecs: MethodCodecs }>();
  private readonly sessions = new Set<http2.Http2Session>();
  private readonly heldStreams = new Set<http2.ServerHttp2Stream>();
  private readonly server: http2.Http2Server | http2.Http2SecureServer;

  constructor(private readonly options: GrpcServerOptions) {
    const settings = { initialWindowSize: WINDOW_BYTES };
    if (options.tls) {
      const expected = new X509Certificate(options.tls.clientCertificatePem).raw;
      this.server = http2.createSecureServer({
        cert: options.tls.certificatePem,
        key: options.tls.privateKeyPem,
        // No CA list (an empty one, not Node's roots): the client must present a
        // certificate, and the handshake proves it holds its key; that it is the announced
        // certificate, byte for byte, is checked below. A stricter check than trusting it
        // as a CA, and no root store built.
        ca: [],
        requestCert: true,
        rejectUnauthorized: false,
        settings,
      });
      this.server.on("secureConnection", (socket: TLSSocket) => {
        if (!socket.getPeerX509Certificate()?.raw.equals(expected)) {
          options.onProblem("refused a connection without the client certificate Terraform announced");
          socket.destroy();
        }
      });
    } else {
      this.server = http2.createServer({ settings });
    }
    this.server.on("session", (session) => this.track(session));
    this.server.on("stream", (stream, headers) => this.dispatch(stream, headers));
  }

  addService(serviceName: string, implementation: ServiceImplementation): void {
    for (const codecs of methodsOf(serviceName)) {
      const method = implementation[codecs.name];
      if (method) this.methods.set(`/${serviceName}/${codecs.name}`, { implementation: method, codecs });
    }
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(socketPath, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  /** Ends the held streams and closes every connection once its calls are answered. */
  close(onClosed: () => void): void {
    for (const stream of this.heldStreams) endWithStatus(stream, STATUS.OK);
    this.server.close(() => onClosed());
    for (const session of this.sessions) session.close();
  }

  private track(session: http2.ServerHttp2Session): void {
    this.sessions.add(session);
    session.setLocalWindowSize(WINDOW_BYTES);
    session.on("close", () => this.sessions.delete(session));
    session.on("error", (cause: Error) => this.options.onProblem(`connection error: ${cause.message}`));
  }

  private dispatch(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on("error", (cause: Error) => this.options.onProblem(`stream error: ${cause.message}`));
    if (!String(headers["content-type"] ?? "").startsWith(GRPC_CONTENT_TYPE)) {
      stream.respond({ ":status": 415 }, { endStream: true });
      return;
    }
    const path = String(headers[":path"]);
    const method = this.methods.get(path);
    if (!method) {
      endWithStatus(stream, STATUS.UNIMPLEMENTED, `${path} is not implemented by this provider`);
      return;
    }
    const { implementation, codecs } = method;
    if (implementation === HOLD_OPEN) {
      this.heldStreams.add(stream);
      stream.on("close", () => this.heldStreams.delete(stream));
      stream.respond({ ":status": 200, "content-type": GRPC_CONTENT_TYPE }, { waitForTrailers: true });
      stream.resume(); // what the client sends on it is not needed
      return;
    }
    readMessage(stream, this.options.maxMessageBytes).then(
      (bytes) => {
        let request: Message;
        try {
          request = codecs.request.decode(bytes);
        } catch (cause) {
          endWithStatus(stream, STATUS.INTERNAL, `unreadable ${codecs.name} request: ${(cause as Error).message}`);
          return;
        }
        implementation(request)
          .then((response) => respond(stream, Buffer.from(codecs.response.encode(response).finish())))
          .catch((cause: Error) => endWithStatus(stream, STATUS.INTERNAL, `${codecs.name} answer not encodable: ${cause.message}`));
      },
      (failure: GrpcFailure) => endWithStatus(stream, failure.status, failure.message),
    );
  }
}

class GrpcFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The one message of a unary call: its bytes once the client has ended its side. */
function readMessage(stream: http2.ServerHttp2Stream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    stream.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes + PREFIX_BYTES) {
        stream.removeAllListeners("data");
        reject(new GrpcFailure(STATUS.RESOURCE_EXHAUSTED, `request larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on("end", () => {
      const body = Buffer.concat(chunks);
      if (body.length < PREFIX_BYTES) return reject(new GrpcFailure(STATUS.INTERNAL, "request without a message"));
      // Nothing here announces grpc-accept-encoding, so a client must not compress.
      if (body[0] !== 0) return reject(new GrpcFailure(STATUS.INTERNAL, "compressed request, but no compression was offered"));
      const length = body.readUInt32BE(1);
      if (body.length !== PREFIX_BYTES + length) return reject(new GrpcFailure(STATUS.INTERNAL, "request is not exactly one message"));
      resolve(body.subarray(PREFIX_BYTES));
    });
  });
}

function respond(stream: http2.ServerHttp2Stream, message: Buffer): void {
  // The client may have cancelled meanwhile (Terraform's context ended): nobody to answer.
  if (stream.destroyed || stream.closed) return;
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.writeUInt32BE(message.length, 1);
  stream.respond({ ":status": 200, "content-type": GRPC_CONTENT_TYPE }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": String(STATUS.OK) }));
  stream.end(Buffer.concat([prefix, message]));
}

/** A status without a message: in the trailers, or alone ("Trailers-Only") if nothing was sent yet. */
function endWithStatus(stream: http2.ServerHttp2Stream, status: number, message?: string): void {
  if (stream.destroyed || stream.closed) return;
  const trailers = { "grpc-status": String(status), ...(message ? { "grpc-message": percentEncoded(message) } : {}) };
  if (stream.headersSent) {
    stream.on("wantTrailers", () => stream.sendTrailers(trailers));
    stream.end();
  } else {
    stream.respond({ ":status": 200, "content-type": GRPC_CONTENT_TYPE, ...trailers }, { endStream: true });
  }
}

/** grpc-message's encoding: '%' and bytes outside printable ASCII only (clients decode no more). */
function percentEncoded(message: string): string {
  let encoded = "";
  for (const byte of Buffer.from(message)) {
    encoded += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}
