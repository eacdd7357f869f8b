// What tests import: the running lab (started by jest's global setup) and the helpers.
//   import { lab, nsupdate, dig } from "../lab/index.js";

import type { LabDescription } from "./lab-contract.js";
import { labFromEnv } from "./lab.js";

export * from "./lab.js";
export { unusedPort } from "./ports.js";

let cached: LabDescription | undefined;

/** The lab of this test run; throws a clear error when no global setup published one. */
export function lab(): LabDescription {
  cached ??= labFromEnv();
  return cached;
}
