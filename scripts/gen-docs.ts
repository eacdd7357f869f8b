// Regenerates the generated documentation:
//   docs/guides/dns-providers-<name>.md   from the DNS provider descriptions (src/dns)
//   docs/index.md, docs/resources/*.md, docs/data-sources/*.md
//                                         from src/docs/templates and the provider's schemas
//   src/cdktf/generated.ts                the constructs' config and getter types, with their
//                                         doc text, from the provider's declarations
// Run: npx tsx scripts/gen-docs.ts

import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { writeDocs } from "../src/dns/index.js";
import { CONSTRUCT_TYPES_FILE, renderConstructTypes, writeRegistryDocs } from "../src/docs/index.js";

const docsDir = fileURLToPath(new URL("../docs", import.meta.url));
const guidesDir = fileURLToPath(new URL("../docs/guides", import.meta.url));
for (const file of await writeDocs(guidesDir)) console.log(`wrote ${file}`);
for (const file of await writeRegistryDocs(docsDir)) console.log(`wrote ${file}`);
await writeFile(fileURLToPath(new URL(`../${CONSTRUCT_TYPES_FILE}`, import.meta.url)), renderConstructTypes());
console.log(`wrote ${CONSTRUCT_TYPES_FILE}`);
