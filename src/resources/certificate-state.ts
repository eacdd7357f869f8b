// Stored acme_certificate state of every schema version, brought to the current one (5).
//
// The numbering is the reference provider's (vancluever/acme), so its state upgrades here
// unchanged. What each of its versions changed, from its schemas and state upgraders:
//   0 -> 1  server_url, http_challenge_port, tls_challenge_port, registration_url removed
//   1 -> 2  account_ref removed
//   2 -> 3  dns_challenge became a list (a set before: the same JSON array)
//   3 -> 4  dns_challenge[0].recursive_nameservers moved to the top level
//   4 -> 5  id became a random UUID (it was the certificate URL); later releases added
//           arguments at version 5 (certificate_not_before, preferred_chain, profile,
//           revoke_*, propagation_wait, use_renewal_info and renewal_info_*, validity_days,
//           min_days_dynamic, ...) with defaults, so older state lacks them.
// acme-tf 0.1.0 wrote schema version 0 in the current shape, with the certificate URL as id
// and null for unset preferred_chain / profile / certificate_p12_password: the same steps
// take it to version 5. Attributes no version of ours knows (http_challenge and the other
// challenge blocks, account_key_pem_wo, ...) are dropped when the result is read.
import { randomUUID } from "node:crypto";
import type { JsonState, StateUpgraders } from "../provider/index.js";

const without = (state: JsonState, ...names: string[]): JsonState =>
  Object.fromEntries(Object.entries(state).filter(([name]) => !names.includes(name)));

/** The reference's defaults of arguments it added up to version 5: what its state holds when they are unset. */
const REFERENCE_DEFAULTS: JsonState = {
  key_type: "2048",
  min_days_remaining: 30,
  min_days_dynamic: false,
  must_staple: false,
  preferred_chain: "",
  profile: "",
  cert_timeout: 30,
  deactivate_authorizations: true,
  certificate_p12_password: "",
  revoke_certificate_on_destroy: true,
  disable_complete_propagation: false,
  pre_check_delay: 0,
  propagation_wait: 0,
  use_renewal_info: false,
  renewal_info_ignore_retry_after: false,
  renewal_info_max_sleep: 0,
};

export const certificateStateUpgraders: StateUpgraders = {
  0: (state) => {
    // acme-tf 0.1.0 planned "unspecified" for an unset revoke_certificate_reason; the
    // reference (and now acme-tf) leave it null. Only acme-tf wrote use_renewal_info at 0.
    const written = "use_renewal_info" in state && state.revoke_certificate_reason === "unspecified" ? { revoke_certificate_reason: null } : {};
    return { ...without(state, "server_url", "http_challenge_port", "tls_challenge_port", "registration_url"), ...written };
  },
  1: (state) => without(state, "account_ref"),
  2: (state) => state,
  3: (state) => {
    if (!Array.isArray(state.dns_challenge)) return state;
    const blocks = state.dns_challenge as unknown[];
    const nested = blocks.map((block) => (isObject(block) ? block.recursive_nameservers : undefined)).find((servers) => servers != null);
    return {
      ...state,
      dns_challenge: blocks.map((block) => (isObject(block) ? without(block, "recursive_nameservers") : block)),
      ...(state.recursive_nameservers == null && nested !== undefined ? { recursive_nameservers: nested } : {}),
    };
  },
  4: (state) => {
    if (typeof state.certificate_pem !== "string" && typeof state.certificate_url !== "string") {
      throw new Error("it holds neither certificate_pem nor certificate_url, so it is not the state of an ACME certificate");
    }
    const filled: JsonState = { ...state, id: randomUUID() };
    for (const [name, value] of Object.entries(REFERENCE_DEFAULTS)) {
      if (filled[name] === undefined || (filled[name] === null && value === "")) filled[name] = value;
    }
    return filled;
  },
};

function isObject(value: unknown): value is JsonState {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
