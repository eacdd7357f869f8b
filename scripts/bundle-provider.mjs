// Bundles the provider (dist/cli/provider.js and everything it imports, the protocol
// codecs generated from proto/ included: no .proto file is read at run time) into ONE
// CommonJS file, dist/bundle/provider.cjs, which is all the provider
// needs at run time:
//   - it is what the Node package holds next to its launcher, so the lock file's h1: hash
//     (taken over the package directory) pins the provider's code;
//   - a single executable's main script must be one CommonJS file;
//   - Terraform starts the provider 3-4 times per apply, and one file loads ~30 ms faster
//     than hundreds of modules resolved one by one. Lazily imported parts (resources, ACME,
//     DNS) are still only initialised after the handshake (esbuild keeps import() lazy).
import { build } from "esbuild";

// Before any code: a clear message on a node too old for the provider (engines >= 20.9).
const nodeCheck = `"use strict";
{ const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 9)) {
    const message = "acme-tf provider: needs Node.js 20.9 or later, and the node on PATH is " + process.version + ". Install a newer Node.js, or install the provider's single executable, which needs no Node (see the README, \\"Installing the provider\\").\\n";
    process.stdout.write(message); process.stderr.write(message); process.exit(1);
  } }
const __acme_tf_module_url = require("node:url").pathToFileURL(__filename).href;`;

// The entries that run provider.cjs with a V8 code cache (src/launch/code-cache.ts): the
// Node package's, and the single executable's (the bundle is an asset of it).
for (const entry of ["start", "sea-start"]) {
  await build({
    entryPoints: [`dist/launch/${entry}.js`],
    outfile: `dist/bundle/${entry}.cjs`,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "warning",
  });
}

await build({
  entryPoints: ["dist/cli/provider.js"],
  outfile: "dist/bundle/provider.cjs",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // In a single executable __filename is the executable itself; nothing in the provider
  // needs more of import.meta than a file URL to resolve names against.
  define: { "import.meta.url": "__acme_tf_module_url" },
  banner: { js: nodeCheck },
});
