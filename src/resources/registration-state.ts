// Stored acme_registration state of every schema version, brought to the current one (2).
//
// The numbering is the reference provider's (vancluever/acme). From its schemas and
// state upgraders:
//   0 -> 1  server_url, registration_body, registration_new_authz_url, registration_tos_url removed
//   1 -> 2  account_key_algorithm / _ecdsa_curve / _rsa_bits added, stored as their
//           defaults (ECDSA, P384, 4096)
// acme-tf 0.1.0 wrote version 0 in the current shape: it already has the three key
// arguments, which are kept (the reference's upgrader overwrites them, which for its own
// version 1 state, where the key was always given, changed nothing).
import type { JsonState, StateUpgraders } from "../provider/index.js";

export const REGISTRATION_SCHEMA_VERSION = 2;

export const registrationStateUpgraders: StateUpgraders = {
  0: (state) => {
    if (typeof state.account_key_pem !== "string") {
      throw new Error("it holds no account_key_pem, so it is not the state of an ACME account");
    }
    const removed = ["server_url", "registration_body", "registration_new_authz_url", "registration_tos_url"];
    return Object.fromEntries(Object.entries(state).filter(([name]) => !removed.includes(name)));
  },
  1: (state): JsonState => ({
    ...state,
    account_key_algorithm: state.account_key_algorithm ?? "ECDSA",
    account_key_ecdsa_curve: state.account_key_ecdsa_curve ?? "P384",
    account_key_rsa_bits: state.account_key_rsa_bits ?? 4096,
  }),
};
