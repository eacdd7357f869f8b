// The Node package's entry point (bundled into start.cjs): the provider bundle beside it,
// run with the code cache.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runWithCodeCache } from "./code-cache.js";
import { BUNDLE_FILE } from "./package-files.js";

const bundle = join(__dirname, BUNDLE_FILE);
runWithCodeCache({ source: readFileSync(bundle, "utf8"), filename: bundle, identityFile: bundle });
