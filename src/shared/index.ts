// The front of src/shared: small helpers with no knowledge of Terraform, ACME or DNS
// providers, that several layers need (plugin and acme included, which import nothing
// else but the logger). Node's built-ins only, and cheap to load: the plugin loads this
// at start-up.

export {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  nullValue,
  octetString,
  oid,
  sequence,
  setOf,
  tlv,
  utcTime,
  utf8String,
} from "./der.js";
export { camelCase } from "./camel-case.js";
export { isDnsName } from "./dns-name.js";
export { memoized } from "./memoized.js";
export { whyUnreadable, whyUnwritable } from "./file-errors.js";
export { toPem } from "./pem.js";
export { sleep } from "./sleep.js";
export { clampTimerMs, MAX_WAIT_SECONDS } from "./durations.js";
