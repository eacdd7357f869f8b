// When an acme_certificate renews, decided at plan time as the reference decides it:
//   - validity_days changed: renew in place;
//   - use_renewal_info: the moment picked once inside the CA's suggested window
//     (renewal_info_window_selected, kept in state so plan and apply agree) is at most
//     renewal_info_max_sleep seconds away; apply then waits for it;
//   - min_days_dynamic: a third of the lifetime (half, for 10 days or less) remains;
//   - otherwise min_days_remaining >= the whole days remaining (negative: never).
// And the renewal_info_* attributes: refreshed from the CA (RFC 9773) once its
// Retry-After has passed, unless renewal_info_ignore_retry_after.
import { AcmeError } from "../acme/index.js";
import type { Logger } from "../log/logger.js";
import { valuesEqual, type TfObject } from "../plugin/values.js";
import { sleep } from "../shared/index.js";
import { boolOf, numberOf, stringOf } from "./attributes.js";
import { RENEWAL_INFO_ATTRIBUTES } from "./certificate-schema.js";

const DAY_MS = 86_400_000;

/** Why the certificate in `prior` must be renewed under the planned arguments; undefined: it need not. */
export function renewalReason(prior: TfObject, planned: TfObject, now = Date.now()): string | undefined {
  if (!valuesEqual(prior.validity_days ?? null, planned.validity_days ?? null)) return "validity_days changed";
  if (boolOf(planned, "use_renewal_info") && ariMomentReached(prior, planned, now)) return "the CA's suggested renewal moment (ARI) has come";
  const notAfter = Date.parse(stringOf(prior, "certificate_not_after") ?? "");
  if (Number.isNaN(notAfter)) return undefined;
  // Whole days, truncated, as the reference counts them.
  const remainingDays = Math.trunc((notAfter - now) / DAY_MS);
  if (boolOf(planned, "min_days_dynamic")) {
    const notBefore = Date.parse(stringOf(prior, "certificate_not_before") ?? "");
    if (Number.isNaN(notBefore)) return undefined;
    const lifetimeDays = (notAfter - notBefore) / DAY_MS;
    const threshold = lifetimeDays <= 10 ? 1 / 2 : 1 / 3;
    return remainingDays / lifetimeDays <= threshold ? `at most ${threshold === 0.5 ? "half" : "a third"} of its lifetime remains (min_days_dynamic)` : undefined;
  }
  const minDays = numberOf(planned, "min_days_remaining") ?? 30;
  return minDays >= 0 && minDays >= remainingDays ? `${remainingDays} days remain (min_days_remaining ${minDays})` : undefined;
}

function ariMomentReached(prior: TfObject, planned: TfObject, now: number): boolean {
  const selected = Date.parse(stringOf(prior, "renewal_info_window_selected") ?? "");
  if (Number.isNaN(selected)) return false; // the CA offers no ARI: min_days decides
  return now + (numberOf(planned, "renewal_info_max_sleep") ?? 0) * 1000 >= selected;
}

/** With use_renewal_info, apply waits (at most renewal_info_max_sleep, cancellable) for the selected moment. */
export async function waitForSelectedMoment(prior: TfObject, planned: TfObject, signal: AbortSignal, logger: Logger): Promise<void> {
  if (!boolOf(planned, "use_renewal_info")) return;
  const selected = Date.parse(stringOf(prior, "renewal_info_window_selected") ?? "");
  const waitMs = Math.min(selected - Date.now(), (numberOf(planned, "renewal_info_max_sleep") ?? 0) * 1000);
  if (Number.isNaN(waitMs) || waitMs <= 0) return;
  logger.info("waiting for the selected renewal moment", { renewal_info_window_selected: stringOf(prior, "renewal_info_window_selected"), seconds: Math.ceil(waitMs / 1000) });
  await sleep(waitMs, signal);
}

export interface RenewalInfoSource {
  directoryUrl: string;
  accountKeyPem: string;
  caCertPem?: string;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * The renewal_info_* attributes for the certificate in `state`. Asks the CA only once the
 * stored Retry-After has passed (or always, with renewal_info_ignore_retry_after, or
 * `fresh` after issuing). Empty strings when the CA has no ARI or the certificate expired,
 * as the reference stores them; on a failed request the stored values stay, with a warning.
 */
export async function refreshedRenewalInfo(state: TfObject, source: RenewalInfoSource, fresh = false): Promise<Record<string, string>> {
  const now = Date.now();
  const stored = Object.fromEntries(RENEWAL_INFO_ATTRIBUTES.map((name) => [name, stringOf(state, name) ?? ""]));
  const retryAfter = Date.parse(stored.renewal_info_retry_after!);
  if (!fresh && !boolOf(state, "renewal_info_ignore_retry_after") && now < retryAfter) return stored;
  const empty = Object.fromEntries(RENEWAL_INFO_ATTRIBUTES.map((name) => [name, ""]));
  const certificatePem = stringOf(state, "certificate_pem");
  if (!certificatePem || Date.parse(stringOf(state, "certificate_not_after") ?? "") < now) return empty;
  const { fetchRenewalInfo, selectRenewalMoment, toRfc3339 } = await import("../acme/index.js");
  let info;
  try {
    info = await fetchRenewalInfo({ ...source, certificatePem });
  } catch (error) {
    if (!(error instanceof AcmeError) || source.signal.aborted) throw error;
    source.logger.warn("Cannot read the certificate's renewal information; keeping the stored values", { error: error.message });
    return stored;
  }
  if (!info) return empty;
  // The moment picked before stays while it is still inside the window: plans stay stable.
  const previous = Date.parse(stored.renewal_info_window_selected!);
  const inWindow = previous >= Date.parse(info.windowStart) && previous < Date.parse(info.windowEnd);
  return {
    renewal_info_window_start: info.windowStart,
    renewal_info_window_end: info.windowEnd,
    renewal_info_window_selected: inWindow && !fresh ? stored.renewal_info_window_selected! : selectRenewalMoment(info.windowStart, info.windowEnd),
    renewal_info_explanation_url: info.explanationUrl,
    renewal_info_retry_after: toRfc3339(now + info.retryAfterSeconds * 1000),
  };
}
