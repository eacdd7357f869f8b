// The provider binary Terraform launches (through bin/terraform-provider-acme).
// Only the protocol layer loads before the handshake; resources, ACME and DNS code load
// right after it, while Terraform connects.
import { serve } from "../plugin/serve.js";
import { stderrLogger } from "../log/logger.js";

await serve({
  logger: stderrLogger,
  loadProvider: async () => {
    const [{ FrameworkProvider }, { acmeProvider }] = await Promise.all([import("../provider/provider.js"), import("../resources/index.js")]);
    return new FrameworkProvider(acmeProvider(process.env), stderrLogger);
  },
});
