// The front of src/acme for what the engine accepts, as plain data: key types and sizes,
// revocation reasons, and the check of a user's private key. Declarations (and the CDKTF
// constructs' bundle) load it without the ACME client (HTTP) or @peculiar/x509.

export {
  ACCOUNT_KEY_ALGORITHMS,
  ACCOUNT_RSA_BITS,
  CERTIFICATE_KEY_TYPES,
  ECDSA_CURVES,
  privateKeyProblem,
  type AccountKeySpec,
  type AccountRsaBits,
  type CertificateKeyType,
  type EcdsaCurve,
} from "./keys.js";
export { isRevocationReason, REVOCATION_REASON_NAMES, REVOCATION_REASONS, type RevocationReason } from "./revocation-reasons.js";
