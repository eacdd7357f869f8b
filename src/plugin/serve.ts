// Serving a provider the way go-plugin clients (Terraform, OpenTofu) expect: handshake
// from the environment, gRPC over a unix socket with AutoMTLS, the side services, and a
// process that goes away promptly when told to or when Terraform does.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GrpcServer, HOLD_OPEN } from "./grpc-server.js";
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
  /** Told the name of every provider RPC as it starts. */
  onCall?: (rpc: string) => void;
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

  // AutoMTLS when Terraform announces its client certificate; plain gRPC otherwise.
  const tls = handshake.clientCertificatePem ? { ...createServerCertificate(), clientCertificatePem: handshake.clientCertificatePem } : undefined;
  const server = new GrpcServer({
    maxMessageBytes: MAX_MESSAGE_BYTES,
    tls,
    onProblem: (message) => logger.debug(message),
  });
  server.addService(`tfplugin${handshake.protocol}.Provider`, providerService(handshake.protocol, provider, logger, options.onCall));
  addSideServices(server, () => {
    logger.debug("shutdown requested by the client");
    // Let the answer go out before leaving (closing waits for it), but never linger:
    // Terraform SIGKILLs a provider still there after 2 s.
    server.close(() => exit(0));
    setTimeout(() => exit(0), SHUTDOWN_GRACE_MS);
  });

  const socketPath = join(socketDirectory, "plugin.sock");
  await server.listen(socketPath);

  watchProcessLifecycle(logger, exit);
  (options.writeHandshake ?? ((line) => process.stdout.write(line)))(handshakeLine(handshake.protocol, socketPath, tls?.certificateDer));
  logger.debug("plugin server started", { protocol: handshake.protocol, tls: Boolean(tls) });
  // Warm the provider while Terraform connects; errors surface on the first RPC.
  provider().catch(() => undefined);
}

function addSideServices(server: GrpcServer, onShutdown: () => void) {
  const SERVING = 1;
  server.addService("grpc.health.v1.Health", { Check: async () => ({ status: SERVING }) });
  server.addService("plugin.GRPCController", {
    Shutdown: async () => {
      // After this answer is on its way: closing waits for the calls in flight.
      setImmediate(onShutdown);
      return {};
    },
  });
  // go-plugin opens these streams on connect; this provider neither brokers connections
  // nor forwards stdio, so they stay open and silent until shutdown ends them.
  server.addService("plugin.GRPCBroker", { StartStream: HOLD_OPEN });
  server.addService("plugin.GRPCStdio", { StreamStdio: HOLD_OPEN });
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
