// When acme_certificate renews, as the reference decides it at plan time (its
// resourceACMECertificateShouldRenew / HasExpired / RenewalInfoCanSleepUntilSelected).
import { renewalReason } from "../../src/resources/certificate-renewal.js";

const DAY = 86_400_000;
const now = Date.parse("2030-06-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
/** A certificate issued `age` days ago, valid `lifetime` days in all. */
const prior = (lifetime: number, age: number, extra: Record<string, unknown> = {}) => ({
  certificate_not_before: iso(now - age * DAY),
  certificate_not_after: iso(now + (lifetime - age) * DAY),
  validity_days: null,
  renewal_info_window_selected: "",
  ...extra,
});
const planned = (extra: Record<string, unknown> = {}) => ({ min_days_remaining: 30, min_days_dynamic: false, use_renewal_info: false, renewal_info_max_sleep: 0, validity_days: null, ...extra });

test("min_days_remaining: renews when it is at least the whole days left; never when negative", () => {
  // 30.5 days left are 30 whole days: 30 >= 30 renews (the reference's int64(mindays) >= remaining).
  expect(renewalReason(prior(90, 59.5), planned(), now)).toMatch(/30 days remain \(min_days_remaining 30\)/);
  expect(renewalReason(prior(90, 61), planned(), now)).toMatch(/29 days remain \(min_days_remaining 30\)/);
  expect(renewalReason(prior(90, 59), planned(), now)).toBeUndefined();
  expect(renewalReason(prior(90, 89), planned({ min_days_remaining: -1 }), now)).toBeUndefined();
});

test("min_days_dynamic: a third of the lifetime left, half for 10 days or less; min_days_remaining is then ignored", () => {
  expect(renewalReason(prior(90, 59), planned({ min_days_dynamic: true, min_days_remaining: 80 }), now)).toBeUndefined(); // 31 of 90 left
  expect(renewalReason(prior(90, 61), planned({ min_days_dynamic: true }), now)).toMatch(/a third of its lifetime/); // 29 of 90
  expect(renewalReason(prior(6, 2), planned({ min_days_dynamic: true }), now)).toBeUndefined(); // 4 of 6 left
  expect(renewalReason(prior(6, 3), planned({ min_days_dynamic: true }), now)).toMatch(/half of its lifetime/); // 3 of 6
});

test("validity_days changed: renews in place whatever the dates", () => {
  expect(renewalReason(prior(90, 1, { validity_days: 60 }), planned({ validity_days: 45 }), now)).toBe("validity_days changed");
  expect(renewalReason(prior(90, 1, { validity_days: 60 }), planned({ validity_days: 60 }), now)).toBeUndefined();
});

test("use_renewal_info: renews once the selected moment is at most renewal_info_max_sleep away; without a window, min_days decides", () => {
  const selectedIn = (seconds: number) => prior(90, 1, { renewal_info_window_selected: iso(now + seconds * 1000) });
  expect(renewalReason(selectedIn(-1), planned({ use_renewal_info: true }), now)).toMatch(/ARI/);
  expect(renewalReason(selectedIn(600), planned({ use_renewal_info: true }), now)).toBeUndefined();
  expect(renewalReason(selectedIn(600), planned({ use_renewal_info: true, renewal_info_max_sleep: 600 }), now)).toMatch(/ARI/);
  expect(renewalReason(selectedIn(-1), planned({ use_renewal_info: false }), now)).toBeUndefined();
  expect(renewalReason(prior(90, 61), planned({ use_renewal_info: true }), now)).toMatch(/min_days_remaining/);
});
