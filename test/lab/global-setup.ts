// jest globalSetup: ONE lab for the whole run. Workers are separate processes, so they
// learn about it through a file named in ACME_TF_LAB (they inherit the environment).
//
// jest runs this file outside its module system: ts-jest transforms this file only, and
// its imports go to Node's own loader, which knows neither `.ts` nor the `.js` -> `.ts`
// mapping. So the lab is loaded through tsx. The stop handle stays in this process, on
// globalThis, for global-teardown.ts.

import fs from "node:fs/promises";
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import type { RunningLab } from "./lab.js";

declare global {
  // eslint-disable-next-line no-var
  var __ACME_TF_LAB__: RunningLab | undefined;
}

export default async function globalSetup(): Promise<void> {
  const { startLab } = (await tsImport("./lab.ts", import.meta.url)) as typeof import("./lab.js");
  const lab = await startLab();
  globalThis.__ACME_TF_LAB__ = lab;
  const file = path.join(lab.dir, "lab.json");
  await fs.writeFile(file, JSON.stringify(lab, null, 2)); // stop() is a function: not serialized
  process.env.ACME_TF_LAB = file;
  // The provider, installed once for every terraform test of the run, removed with the lab.
  const { installProvider } = (await tsImport("../../src/cli/install.ts", import.meta.url)) as typeof import("../../src/cli/install.js");
  process.env.ACME_TF_PLUGIN_MIRROR = path.join(lab.dir, "plugins");
  installProvider(process.env.ACME_TF_PLUGIN_MIRROR);
}
