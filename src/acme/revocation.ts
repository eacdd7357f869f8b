// Revoking a certificate (RFC 8555 section 7.6) with the reason names the reference
// provider accepts for revoke_certificate_reason.

import type { Logger } from "../log/logger.js";
import { silentLogger } from "../log/logger.js";
import { lookupAccountUrl } from "./accounts.js";
import { parseCertificate, splitPemChain } from "./certificate-info.js";
import { AcmeClient } from "./client.js";
import { AcmeError, isProblem } from "./errors.js";
import { isRevocationReason, REVOCATION_REASONS, type RevocationReason } from "./revocation-reasons.js";

export { isRevocationReason, REVOCATION_REASONS, type RevocationReason } from "./revocation-reasons.js";

export interface RevokeCertificateOptions {
  directoryUrl: string;
  accountKeyPem: string;
  caCertPem?: string;
  /** The certificate (the first PEM block is revoked). */
  certificatePem: string;
  /** Omitted: no reason is sent (the CA records "unspecified"), as lego's Revoke. */
  reason?: RevocationReason;
  /**
   * The certificate's own key: when the account no longer exists (e.g. the registration
   * was destroyed first), the revocation is signed with it instead (RFC 8555 7.6).
   */
  certificateKeyPem?: string;
  signal: AbortSignal;
  logger?: Logger;
}

/**
 * What became of the certificate. "unrevocable": the CA will never revoke it through us (it
 * does not know the certificate - another CA, or one restarted empty - or no key it
 * accepts can sign); retrying cannot help, so callers go on with a warning.
 */
export type RevokeResult = { status: "revoked" } | { status: "alreadyRevoked" } | { status: "unrevocable"; reason: string };

export async function revokeCertificate(options: RevokeCertificateOptions): Promise<RevokeResult> {
  const { signal } = options;
  const logger = options.logger ?? silentLogger;
  const [der] = splitPemChain(options.certificatePem);
  if (!der) throw new AcmeError("the certificate to revoke is not a PEM certificate");
  const serial = parseCertificate(options.certificatePem).serialHex;

  const payload: Record<string, unknown> = { certificate: der.toString("base64url") };
  if (options.reason !== undefined) {
    if (!isRevocationReason(options.reason)) throw new AcmeError(`unknown revocation reason "${String(options.reason)}"`);
    payload.reason = REVOCATION_REASONS[options.reason];
  }

  const base = { directoryUrl: options.directoryUrl, caCertPem: options.caCertPem, logger };
  let client = new AcmeClient({ ...base, accountKeyPem: options.accountKeyPem });
  let useJwk = false;
  if (!(await lookupAccountUrl(client, signal))) {
    if (!options.certificateKeyPem) {
      return {
        status: "unrevocable",
        reason: `the account key has no active account at ${options.directoryUrl}, and the certificate's key is not known (it was issued for a CSR) to sign instead`,
      };
    }
    client = new AcmeClient({ ...base, accountKeyPem: options.certificateKeyPem });
    useJwk = true;
  }
  const directory = await client.directory(signal);
  try {
    await client.post(directory.revokeCert, payload, { signal, what: `revoking the certificate ${serial}`, useJwk });
  } catch (error) {
    if (error instanceof AcmeError && isProblem(error.problem, "alreadyRevoked")) {
      logger.info("certificate was already revoked", { serial });
      return { status: "alreadyRevoked" };
    }
    if (error instanceof AcmeError && refusesCertificate(error)) return { status: "unrevocable", reason: error.message };
    throw error;
  }
  logger.info("certificate revoked", { serial, reason: options.reason ?? "(none)" });
  return { status: "revoked" };
}

/**
 * The CA's final word that it will not revoke this certificate for this signer: it does not
 * know it (Pebble: malformed "Unable to find specified certificate"; 404), or the signer is
 * not allowed to (unauthorized, accountDoesNotExist). Transport failures, server errors and
 * rate limits are not final: the next apply retries them.
 */
function refusesCertificate(error: AcmeError): boolean {
  return (
    error.status === 404 || ["malformed", "unauthorized", "accountDoesNotExist"].some((name) => isProblem(error.problem, name))
  );
}
