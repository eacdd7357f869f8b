// Writing and checking the registry pages (docs/index.md, docs/resources, docs/data-sources).
// The DNS provider guides (docs/guides) are src/dns/docs.ts's; scripts/gen-docs.ts runs both.

import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { registryPages, renderPage, type RegistryPage } from "./pages.js";

export { pageFileName, registryPages, renderPage, readTemplate, type RegistryPage } from "./pages.js";
export { argumentReference, attributeReference, typeName } from "./schema-reference.js";
export { CONSTRUCT_TYPES_FILE, renderConstructTypes } from "./construct-types.js";

/** The folders whose every page is generated here: a page nobody generates is stale. */
const GENERATED_DIRS = ["resources", "data-sources"];

/** Every page's path (under docs/) and content. */
export function renderRegistryDocs(pages: readonly RegistryPage[] = registryPages()): Map<string, string> {
  return new Map(pages.map((page) => [page.path, renderPage(page, pages)]));
}

/** Writes every page into `docsDir` and removes stale ones; returns the files written. */
export async function writeRegistryDocs(docsDir: string): Promise<string[]> {
  const rendered = renderRegistryDocs();
  for (const stale of await stalePages(docsDir, rendered)) await rm(join(docsDir, stale));
  const written: string[] = [];
  for (const [path, content] of rendered) {
    const file = join(docsDir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    written.push(file);
  }
  return written;
}

/** The files in `docsDir` that differ from what the generator makes (missing and stale ones included). */
export async function checkRegistryDocs(docsDir: string): Promise<string[]> {
  const rendered = renderRegistryDocs();
  const differing: string[] = [];
  for (const [path, content] of rendered) {
    const committed = await readFile(join(docsDir, path), "utf8").catch(() => undefined);
    if (committed !== content) differing.push(join(docsDir, path));
  }
  return [...differing, ...(await stalePages(docsDir, rendered)).map((path) => join(docsDir, path))];
}

async function stalePages(docsDir: string, rendered: ReadonlyMap<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const dir of GENERATED_DIRS) {
    const present = await readdir(join(docsDir, dir)).catch(() => [] as string[]);
    for (const name of present) {
      const path = `${dir}/${name}`;
      if (name.endsWith(".md") && !rendered.has(path)) stale.push(path);
    }
  }
  return stale;
}
