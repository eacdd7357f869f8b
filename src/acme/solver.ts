// The seam between the ACME engine and whatever answers DNS-01 challenges.
// The engine knows nothing of DNS providers; src/dns implements this interface.

/** One DNS-01 challenge of one authorization, as the engine hands it to a solver. */
export interface Dns01Challenge {
  /** The identifier as ordered, e.g. "*.example.com" or "example.com". */
  identifier: string;
  /** The domain the TXT record proves, without "*." and without trailing dot. */
  domain: string;
  /** The challenge token from the CA. */
  token: string;
  /** token + "." + account key thumbprint. */
  keyAuthorization: string;
  /** base64url(sha256(keyAuthorization)): the TXT record's value (43 characters). */
  txtValue: string;
}

/** What a solver does with a challenge: make it visible, then take it away again. */
export interface Dns01Solver {
  /**
   * How many different values one TXT name can hold at once for this solver.
   * The engine never presents more challenges for one name at the same time
   * (an apex and its wildcard share `_acme-challenge.<domain>`); challenges beyond
   * that are answered in later rounds.
   */
  readonly valuesPerName: number;
  /**
   * Present every challenge (concurrently where the solver allows) and resolve once
   * each TXT record is visible where the CA will look. Rejects with every error, not
   * only the last. Whatever was presented before a failure must still be cleaned up
   * by `cleanup`, which the engine always calls with the same list.
   */
  present(challenges: Dns01Challenge[], signal: AbortSignal): Promise<void>;
  /** Remove what `present` created. Never throws for records that were never presented. */
  cleanup(challenges: Dns01Challenge[], signal: AbortSignal): Promise<void>;
}
