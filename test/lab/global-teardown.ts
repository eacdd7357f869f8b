// jest globalTeardown: stops the lab global-setup.ts started (processes, lo address, files).

import type {} from "./global-setup.js"; // the globalThis.__ACME_TF_LAB__ declaration

export default async function globalTeardown(): Promise<void> {
  const lab = globalThis.__ACME_TF_LAB__;
  globalThis.__ACME_TF_LAB__ = undefined;
  delete process.env.ACME_TF_LAB;
  delete process.env.ACME_TF_PLUGIN_MIRROR;
  await lab?.stop();
}
