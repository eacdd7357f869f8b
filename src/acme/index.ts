// The ACME engine: RFC 8555 over DNS-01, knowing nothing of Terraform or DNS providers.
// This is its front for everything but issuing; issuance.ts is the front for issuing and
// reading CSRs, which load @peculiar/x509 (~140 ms): import that one lazily.
//
//   keys.ts              account and certificate keys; reading user-given PEM keys
//   accounts.ts          create / find / deactivate an account (EAB included)
//   revocation.ts        revoke, with the reference's reason names
//   certificate-info.ts  facts about an issued certificate (validity, serial, names)
//   renewal-info.ts      ACME Renewal Information (RFC 9773)
//   profiles.ts          certificate profiles the CA offers (draft-ietf-acme-profiles)
//   pkcs12.ts            certificate_p12
//   solver.ts            the contract with whatever answers DNS-01 challenges
//   certificates.ts      issue: order -> DNS-01 rounds -> finalize -> download (issuance.ts)
//   csr.ts               CSRs: written for orders, read from users (issuance.ts)
// Underneath: client.ts (signed requests, nonces, retries), transport.ts (HTTPS),
// jws.ts, authorizations.ts, chains.ts, poll.ts, objects.ts, errors.ts, abort.ts.

export {
  createAccount,
  deactivateAccount,
  findAccount,
  type AccountResult,
  type AccountTarget,
  type CreateAccountOptions,
  type ExternalAccountBindingInput,
} from "./accounts.js";
export { parseCertificate, type CertificateInfo } from "./certificate-info.js";
export { AcmeAbortError, AcmeError, type AcmeProblem, type AcmeSubproblem } from "./errors.js";
export {
  CERTIFICATE_KEY_TYPES,
  InvalidPrivateKeyError,
  certificateKeyTypeOf,
  generateAccountKey,
  generateCertificateKey,
  jwkThumbprint,
  parsePrivateKeyPem,
  privateKeyProblem,
  publicJwk,
  publicKeyPem,
  type AccountKeySpec,
  type AccountRsaBits,
  type CertificateKeyType,
  type EcdsaCurve,
  type ParsedPrivateKey,
  type PrivateKeyPemFormat,
} from "./keys.js";
export { certificateToP12, type P12Input } from "./pkcs12.js";
export {
  REVOCATION_REASONS,
  isRevocationReason,
  revokeCertificate,
  type RevocationReason,
  type RevokeCertificateOptions,
  type RevokeResult,
} from "./revocation.js";
export {
  certificateIdentifier,
  fetchRenewalInfo,
  selectRenewalMoment,
  toRfc3339,
  type RenewalInfo,
  type RenewalInfoTarget,
} from "./renewal-info.js";
export { offeredProfiles, unofferedProfileProblem, type OfferedProfiles } from "./profiles.js";
export type { DirectoryTarget } from "./client.js";
export type { Dns01Challenge, Dns01Solver } from "./solver.js";
