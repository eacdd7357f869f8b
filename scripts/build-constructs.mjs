// Builds the CDKTF constructs as the npm package ships them (dist/constructs/): one bundle
// per module format (ESM .js, CommonJS .cjs) and per library name (acme-tf/cdktf imports
// "cdktf", acme-tf/cdktn imports "cdktn"), each with a declaration file of its format.
// A stock `cdktf init` app is CommonJS (ts-node, ts-jest) and an ESM app imports; both get
// one file with everything but the library and constructs inlined, so the app's own copy
// of the library is the only one, and no dependency is resolved at run time.
// The provider's validation that the synth checks run is a bundle of its own
// (checks-worker.js, ESM whichever format loads it), loaded in a worker thread at synth
// only: importing the constructs loads none of it.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const OUT = "dist/constructs";
const LIBRARIES = ["cdktf", "cdktn"];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const common = {
  entryPoints: ["src/cdktf/index.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  logLevel: "warning",
  external: ["constructs", ...LIBRARIES],
};

// Bundled CommonJS code in an ESM bundle calls require() for Node's built-ins.
const esmRequire = { js: "import { createRequire as __acmeTfCreateRequire } from 'node:module'; const require = __acmeTfCreateRequire(import.meta.url);" };

await Promise.all([
  build({ ...common, entryPoints: ["src/cdktf/checks-worker.ts"], external: [], format: "esm", outfile: `${OUT}/checks-worker.js`, banner: esmRequire }),
  ...LIBRARIES.flatMap((library) => {
    const alias = library === "cdktf" ? {} : { cdktf: library };
    return [
      build({
        ...common,
        alias,
        format: "esm",
        outfile: `${OUT}/${library}.js`,
        banner: esmRequire,
      }),
      build({
        ...common,
        alias,
        format: "cjs",
        outfile: `${OUT}/${library}.cjs`,
        // The sources locate files (package.json, the checks worker) from import.meta.url.
        define: { "import.meta.url": "__acmeTfModuleUrl" },
        banner: { js: 'var __acmeTfModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
      }),
    ];
  }),
]);

// One declaration file for the whole API (the internal modules it names are inlined), the
// same text for both formats: it has no relative imports whose extension would differ.
const declarations = `${OUT}/declarations.d.ts`;
execFileSync(
  process.execPath,
  ["node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js", "--silent", "--no-check", "--project", "tsconfig.build.json", "--export-referenced-types=false", "-o", declarations, "src/cdktf/index.ts"],
  { stdio: "inherit" },
);
const text = readFileSync(declarations, "utf8");
rmSync(declarations);
for (const library of LIBRARIES) {
  const named = text.replace(/from 'cdktf';$/gm, `from '${library}';`);
  if (library !== "cdktf" && named === text) throw new Error("build-constructs: the declarations no longer import from 'cdktf'");
  writeFileSync(`${OUT}/${library}.d.ts`, named);
  writeFileSync(`${OUT}/${library}.d.cts`, named);
}
