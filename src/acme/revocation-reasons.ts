// The revocation reasons, by the reference provider's names: a module of data alone, so
// that declarations (and the constructs) can list them without loading the ACME client.

/** RFC 5280 CRLReason codes by the reference's names (7 is unused in RFC 5280). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  "key-compromise": 1,
  "ca-compromise": 2,
  "affiliation-changed": 3,
  superseded: 4,
  "cessation-of-operation": 5,
  "certificate-hold": 6,
  "remove-from-crl": 8,
  "privilege-withdrawn": 9,
  "aa-compromise": 10,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASONS;

/** The names, in the order above (the order the docs list them in). */
export const REVOCATION_REASON_NAMES = Object.keys(REVOCATION_REASONS) as RevocationReason[];

export function isRevocationReason(value: string): value is RevocationReason {
  return Object.prototype.hasOwnProperty.call(REVOCATION_REASONS, value);
}
