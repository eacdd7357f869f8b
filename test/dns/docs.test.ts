import { fileURLToPath } from "node:url";
import { checkDocs, REGENERATE_DOCS_COMMAND } from "../../src/dns/docs.js";

const guidesDir = fileURLToPath(new URL("../../docs/guides", import.meta.url));

it("the committed DNS provider pages match their descriptions", async () => {
  const differing = await checkDocs(guidesDir);
  if (differing.length > 0) {
    throw new Error(`These pages differ from the DNS provider descriptions:\n${differing.join("\n")}\nRegenerate them with: ${REGENERATE_DOCS_COMMAND}`);
  }
});
