// The provider binary Terraform launches (bundled into dist/bundle/provider.cjs).
// Only the protocol layer loads before the handshake; resources, ACME and DNS code load
// right after it, while Terraform connects.
import { serve } from "../plugin/serve.js";
import { stderrLogger } from "../log/logger.js";
import { codeCacheOutcome, markCovered, restoreLauncherEnvironment } from "../launch/index.js";

// First: the programs the provider runs get the environment as the user set it.
restoreLauncherEnvironment(process.env);
const codeCache = codeCacheOutcome();
if (codeCache) stderrLogger.debug(codeCache.used ? "code cache used" : "code cache not used", { file: codeCache.file, reason: codeCache.reason });

// No top-level await: the bundle is CommonJS (a single executable's main script must be).
serve({
  logger: stderrLogger,
  onCall: markCovered,
  loadProvider: async () => {
    const [{ FrameworkProvider }, { acmeProvider }] = await Promise.all([import("../provider/index.js"), import("../resources/index.js")]);
    return new FrameworkProvider(acmeProvider(process.env), stderrLogger);
  },
}).catch((cause: unknown) => {
  process.stderr.write(`acme-tf provider: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  process.exit(1);
});
