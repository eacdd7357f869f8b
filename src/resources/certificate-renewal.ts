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
import { isUnknown, valuesEqual, type Unknown } from "../plugin/index.js";
import { sleep } from "../shared/index.js";
import type { ModelOf } from "../provider/index.js";
import type { certificateAttributes } from "./certificate-attributes.js";

type Model = ModelOf<typeof certificateAttributes>;
/** Planned values (any may still be unknown at plan). */
type Planned<K extends keyof Model> = { [P in K]: Model[P] | Unknown };

/** The computed renewal-information attributes (ACME ARI, RFC 9773); "" when the CA has none. */
export const RENEWAL_INFO_ATTRIBUTES = [
  "renewal_info_window_start",
  "renewal_info_window_end",
  "renewal_info_window_selected",
  "renewal_info_explanation_url",
  "renewal_info_retry_after",
] as const;
type RenewalInfo = { [K in (typeof RENEWAL_INFO_ATTRIBUTES)[number]]: string };

const DAY_MS = 86_400_000;
const known = <T>(value: T | Unknown): T | undefined => (isUnknown(value) ? undefined : value);

/** Why the certificate in `prior` must be renewed under the planned arguments; undefined: it need not. */
export function renewalReason(
  prior: Pick<Model, "validity_days" | "certificate_not_before" | "certificate_not_after" | "renewal_info_window_selected">,
  planned: Planned<"validity_days" | "use_renewal_info" | "renewal_info_max_sleep" | "min_days_dynamic" | "min_days_remaining">,
  now = Date.now(),
): string | undefined {
  if (!valuesEqual(prior.validity_days, planned.validity_days)) return "validity_days changed";
  if (planned.use_renewal_info === true && ariMomentReached(prior, planned, now)) return "the CA's suggested renewal moment (ARI) has come";
  const notAfter = Date.parse(prior.certificate_not_after ?? "");
  if (Number.isNaN(notAfter)) return undefined;
  // Whole days, truncated, as the reference counts them.
  const remainingDays = Math.trunc((notAfter - now) / DAY_MS);
  if (planned.min_days_dynamic === true) {
    const notBefore = Date.parse(prior.certificate_not_before ?? "");
    if (Number.isNaN(notBefore)) return undefined;
    const lifetimeDays = (notAfter - notBefore) / DAY_MS;
    const threshold = lifetimeDays <= 10 ? 1 / 2 : 1 / 3;
    return remainingDays / lifetimeDays <= threshold ? `at most ${threshold === 0.5 ? "half" : "a third"} of its lifetime remains (min_days_dynamic)` : undefined;
  }
  const minDays = known(planned.min_days_remaining) ?? 30;
  return minDays >= 0 && minDays >= remainingDays ? `${remainingDays} days remain (min_days_remaining ${minDays})` : undefined;
}

function ariMomentReached(prior: Pick<Model, "renewal_info_window_selected">, planned: Planned<"renewal_info_max_sleep">, now: number): boolean {
  const selected = Date.parse(prior.renewal_info_window_selected ?? "");
  if (Number.isNaN(selected)) return false; // the CA offers no ARI: min_days decides
  return now + (known(planned.renewal_info_max_sleep) ?? 0) * 1000 >= selected;
}

/** With use_renewal_info, apply waits (at most renewal_info_max_sleep, cancellable) for the selected moment. */
export async function waitForSelectedMoment(
  prior: Pick<Model, "renewal_info_window_selected">,
  planned: Pick<Model, "use_renewal_info" | "renewal_info_max_sleep">,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  if (!planned.use_renewal_info) return;
  const selected = Date.parse(prior.renewal_info_window_selected ?? "");
  const waitMs = Math.min(selected - Date.now(), planned.renewal_info_max_sleep * 1000);
  if (Number.isNaN(waitMs) || waitMs <= 0) return;
  logger.info("waiting for the selected renewal moment", { renewal_info_window_selected: prior.renewal_info_window_selected ?? undefined, seconds: Math.ceil(waitMs / 1000) });
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
export async function refreshedRenewalInfo(
  state: Pick<Model, (typeof RENEWAL_INFO_ATTRIBUTES)[number] | "renewal_info_ignore_retry_after" | "certificate_pem" | "certificate_not_after">,
  source: RenewalInfoSource,
  fresh = false,
): Promise<RenewalInfo> {
  const now = Date.now();
  const stored: RenewalInfo = {
    renewal_info_window_start: state.renewal_info_window_start ?? "",
    renewal_info_window_end: state.renewal_info_window_end ?? "",
    renewal_info_window_selected: state.renewal_info_window_selected ?? "",
    renewal_info_explanation_url: state.renewal_info_explanation_url ?? "",
    renewal_info_retry_after: state.renewal_info_retry_after ?? "",
  };
  const retryAfter = Date.parse(stored.renewal_info_retry_after);
  if (!fresh && !state.renewal_info_ignore_retry_after && now < retryAfter) return stored;
  const empty: RenewalInfo = { renewal_info_window_start: "", renewal_info_window_end: "", renewal_info_window_selected: "", renewal_info_explanation_url: "", renewal_info_retry_after: "" };
  const certificatePem = state.certificate_pem;
  if (!certificatePem || Date.parse(state.certificate_not_after ?? "") < now) return empty;
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
  const previous = Date.parse(stored.renewal_info_window_selected);
  const inWindow = previous >= Date.parse(info.windowStart) && previous < Date.parse(info.windowEnd);
  return {
    renewal_info_window_start: info.windowStart,
    renewal_info_window_end: info.windowEnd,
    renewal_info_window_selected: inWindow && !fresh ? stored.renewal_info_window_selected : selectRenewalMoment(info.windowStart, info.windowEnd),
    renewal_info_explanation_url: info.explanationUrl,
    renewal_info_retry_after: toRfc3339(now + info.retryAfterSeconds * 1000),
  };
}
