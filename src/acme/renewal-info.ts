// ACME Renewal Information (RFC 9773): when the CA suggests renewing a certificate.
//
//   certID        base64url(AKI keyIdentifier) "." base64url(serial's DER content octets)
//   GET <directory.renewalInfo>/<certID>, unauthenticated (no JWS)
//   200 {"suggestedWindow": {"start", "end"}, "explanationURL"?} and a Retry-After header
//
// The client picks one uniformly random moment inside the window and renews once it has
// passed. Picking is the caller's business (a Terraform plan must see the same moment at
// plan and apply, so the resource stores it); selectRenewalMoment only draws it.

import { X509Certificate } from "node:crypto";
import type { Logger } from "../log/logger.js";
import { splitPemChain } from "./certificate-info.js";
import { AcmeClient } from "./client.js";
import { AcmeError } from "./errors.js";

export interface RenewalInfoTarget {
  directoryUrl: string;
  /** Any account key the CA accepts: only needed to build a client, never sent. */
  accountKeyPem: string;
  caCertPem?: string;
  signal: AbortSignal;
  logger: Logger;
}

export interface RenewalInfo {
  certId: string;
  /** RFC 3339, UTC, whole seconds (as the reference stores them). */
  windowStart: string;
  windowEnd: string;
  /** "" when the CA gave none. */
  explanationUrl: string;
  /** When to ask again, in seconds from now: the server's Retry-After, within RFC 9773's bounds. */
  retryAfterSeconds: number;
}

// RFC 9773 section 4.3: Retry-After below a minute counts as a minute, above a day as a
// day; a missing or unreadable one is a long-term error, retried after six hours.
const MIN_RETRY_AFTER_S = 60;
const MAX_RETRY_AFTER_S = 86_400;
const MISSING_RETRY_AFTER_S = 6 * 3600;

/** The RFC 9773 certificate identifier of the first certificate of `certificatePem`. */
export async function certificateIdentifier(certificatePem: string): Promise<string> {
  const [der] = splitPemChain(certificatePem);
  if (!der) throw new AcmeError("not a PEM certificate: no CERTIFICATE block found");
  // Node's X509Certificate does not expose the Authority Key Identifier; @peculiar/x509
  // (already used for CSRs) does. Loaded only when a CA offers ARI.
  const x509 = await import("@peculiar/x509");
  const keyId = new x509.X509Certificate(der).getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  if (!keyId) throw new AcmeError("the certificate has no Authority Key Identifier, so ACME Renewal Information cannot name it");
  return `${Buffer.from(keyId, "hex").toString("base64url")}.${serialContentOctets(new X509Certificate(der).serialNumber).toString("base64url")}`;
}

/**
 * A positive serial's DER INTEGER content octets from its hex digits: minimal bytes, with
 * a leading zero byte when the top bit is set (RFC 9773 section 4.1's example has one).
 */
export function serialContentOctets(serialHex: string): Buffer {
  let hex = serialHex.replace(/^0+(?=.)/, "");
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, "hex");
  return bytes[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

/**
 * The CA's renewal suggestion for a certificate; undefined when the CA does not offer ARI
 * (no renewalInfo in its directory). A malformed answer is an AcmeError: RFC 9773 has
 * clients treat it as no answer at all.
 */
export async function fetchRenewalInfo(target: RenewalInfoTarget & { certificatePem: string }): Promise<RenewalInfo | undefined> {
  const { signal, logger } = target;
  const client = new AcmeClient({ directoryUrl: target.directoryUrl, accountKeyPem: target.accountKeyPem, caCertPem: target.caCertPem, logger });
  const { renewalInfo } = await client.directory(signal);
  if (!renewalInfo) return undefined;
  const certId = await certificateIdentifier(target.certificatePem);
  const what = "reading the certificate's renewal information (ARI)";
  const response = await client.get(`${renewalInfo.replace(/\/+$/, "")}/${certId}`, { signal, what });
  const window = suggestedWindow(response.data);
  if (!window) throw new AcmeError(`${what} failed: the answer has no valid suggestedWindow (start before end, RFC 3339)`);
  const explanation = (response.data as { explanationURL?: unknown }).explanationURL;
  const retryAfterSeconds =
    response.retryAfterMs === undefined
      ? MISSING_RETRY_AFTER_S
      : Math.min(MAX_RETRY_AFTER_S, Math.max(MIN_RETRY_AFTER_S, Math.ceil(response.retryAfterMs / 1000)));
  logger.debug("renewal information", { cert_id: certId, start: window.start, end: window.end, retry_after_s: retryAfterSeconds });
  return {
    certId,
    windowStart: window.start,
    windowEnd: window.end,
    explanationUrl: typeof explanation === "string" ? explanation : "",
    retryAfterSeconds,
  };
}

function suggestedWindow(data: unknown): { start: string; end: string } | undefined {
  const window = (data as { suggestedWindow?: { start?: unknown; end?: unknown } } | undefined)?.suggestedWindow;
  if (typeof window?.start !== "string" || typeof window.end !== "string") return undefined;
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  // RFC 9773 section 4.2: a window whose end does not follow its start is invalid.
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return undefined;
  return { start: toRfc3339(start), end: toRfc3339(end) };
}

/** A uniformly random moment in [start, end), whole seconds, RFC 3339. */
export function selectRenewalMoment(windowStart: string, windowEnd: string, random: () => number = Math.random): string {
  const start = Date.parse(windowStart);
  const span = Math.max(0, Date.parse(windowEnd) - start);
  return toRfc3339(start + Math.floor(random() * span));
}

/** Epoch ms as RFC 3339 in UTC without fractions, as Go's time.RFC3339 prints it. */
export function toRfc3339(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}
