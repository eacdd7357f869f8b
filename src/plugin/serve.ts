// Serving a provider the way go-plugin clients (Terraform, OpenTofu) expect: handshake
// from the environment, gRPC over a unix socket with AutoMTLS, the side services, and a
// process that goes away promptly when told to or when Terraform does.
import * as grpc from "@grpc/grpc-js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serviceDefinition } from "./grpc-definitions.js";
import { HandshakeError, handshakeLine, readHandshake, type HandshakeRequest } from "./handshake.js";
import { providerService } from "./protocol-adapter.js";
import type { ProviderServer } from "./provider-server.js";
import { createServerCertificate } from "./tls.js";
import type { Logger } from "../log/logger.js";

const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
const PARENT_CHECK_MS = 500;
const SHUTDOWN_GRACE_MS = 100;

export interface ServeOptions {
  /** Loaded after the handshake so that heavy modules do not delay it. */
  loadProvider: () => Promise<ProviderServer>;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Where the handshake line goes; stdout for Terraform. */
  writeHandshake?: (line: string) => void;
}

export async function serve(options: ServeOptions): Promise<void> {
  const env = options.env ?? process.env;
  let handshake: HandshakeRequest;
  try {
    handshake = readHandshake(env);
  } catch (cause) {
    if (!(cause instanceof HandshakeError)) throw cause;
    process.stderr.write(cause.message);
    process.exit(1);
  }
  const { logger } = options;
  const socketDirectory = mkdtempSync(join(handshake.socketDirectory ?? tmpdir(), "acme-tf-plugin-"));
  const exit = (code: number) => {
    rmSync(socketDirectory, { recursive: true, force: true });
    process.exit(code);
  };

  let providerPromise: Promise<ProviderServer> | undefined;
  const provider = () => (providerPromise ??= options.loadProvider());

  const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES, "grpc.max_send_message_length": MAX_MESSAGE_BYTES });
  server.addService(serviceDefinition(`tfplugin${handshake.protocol}.Provider`), providerService(handshake.protocol, provider, logger));
  addSideServices(server, () => {
    logger.debug("shutdown requested by the client");
    // Let the answer go out before leaving (graceful shutdown waits for it), but never
    // linger: Terraform SIGKILLs a provider still there after 2 s.
    server.tryShutdown(() => exit(0));
    setTimeout(() => exit(0), SHUTDOWN_GRACE_MS);
  });

  const { credentials, certificateDer } = serverCredentials(handshake);
  const socketPath = join(socketDirectory, "plugin.sock");
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socketPath}`, credentials, (err) => (err ? reject(err) : resolve())));

  watchProcessLifecycle(logger, exit);
  (options.writeHandshake ?? ((line) => process.stdout.write(line)))(handshakeLine(handshake.protocol, socketPath, certificateDer));
  logger.debug("plugin server started", { protocol: handshake.protocol, tls: Boolean(certificateDer) });
  // Warm the provider while Terraform connects; errors surface on the first RPC.
  provider().catch(() => undefined);
}

function serverCredentials(handshake: HandshakeRequest) {
  if (!handshake.clientCertificatePem) return { credentials: grpc.ServerCredentials.createInsecure(), certificateDer: undefined };
  const certificate = createServerCertificate();
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from(handshake.clientCertificatePem),
    [{ cert_chain: Buffer.from(certificate.certificatePem), private_key: Buffer.from(certificate.privateKeyPem) }],
    true,
  );
  return { credentials, certificateDer: certificate.certificateDer };
}

function addSideServices(server: grpc.Server, onShutdown: () => void) {
  const SERVING = 1;
  // go-plugin opens these streams on connect; this provider neither brokers connections
  // nor forwards stdio, so they stay open and silent until shutdown ends them.
  const openStreams = new Set<{ end(): void }>();
  const keepOpen = (call: { end(): void; on(event: "cancelled", listener: () => void): unknown }) => {
    openStreams.add(call);
    call.on("cancelled", () => openStreams.delete(call));
  };
  server.addService(serviceDefinition("grpc.health.v1.Health"), {
    Check: (_call: unknown, callback: grpc.sendUnaryData<object>) => callback(null, { status: SERVING }),
  });
  server.addService(serviceDefinition("plugin.GRPCController"), {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<object>) => {
      callback(null, {});
      for (const stream of openStreams) stream.end();
      onShutdown();
    },
  });
  server.addService(serviceDefinition("plugin.GRPCBroker"), {
    StartStream: (call: grpc.ServerDuplexStream<object, object>) => {
      keepOpen(call);
      call.on("data", () => undefined);
    },
  });
  server.addService(serviceDefinition("plugin.GRPCStdio"), {
    StreamStdio: (call: grpc.ServerWritableStream<object, object>) => keepOpen(call),
  });
}

/** Ctrl-C reaches us too, but Terraform cancels through Stop; and we never outlive Terraform. */
function watchProcessLifecycle(logger: Logger, exit: (code: number) => void) {
  process.on("SIGINT", () => logger.debug("ignoring SIGINT: Terraform cancels through the Stop RPC"));
  process.on("SIGTERM", () => exit(0));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      logger.warn("the client process went away; exiting");
      exit(0);
    }
  }, PARENT_CHECK_MS).unref();
}
