// Regenerates docs/guides/dns-providers-<name>.md from the DNS provider descriptions.
// Run: npx tsx scripts/gen-docs.ts

import { fileURLToPath } from "node:url";
import { writeDocs } from "../src/dns/docs.js";

const guidesDir = fileURLToPath(new URL("../docs/guides", import.meta.url));
for (const file of await writeDocs(guidesDir)) console.log(`wrote ${file}`);
