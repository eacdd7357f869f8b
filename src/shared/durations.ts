// The bounds of every wait: what users may ask for, and what Node's timers can hold.
// Written here rather than taken from a library: it is two constants and a clamp.

/**
 * The longest wait an argument or setting may ask for (cert_timeout, pre_check_delay,
 * propagation_wait, renewal_info_max_sleep, every duration setting, an exec program's
 * `timeout` answer): one day. Longer waits are configuration mistakes, and this keeps
 * every timer far inside Node's range.
 */
export const MAX_WAIT_SECONDS = 86_400;

/** Node's timers hold at most 2^31-1 ms (~24.8 days); a larger delay fires after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A delay every Node timer (setTimeout, AbortSignal.timeout, timers/promises) accepts:
 * whole milliseconds (fractions rounded up, so a wait is never cut short) within
 * [0, 2^31-1]. Whatever the input (negative, NaN, Infinity), no timer gets an
 * out-of-range value from it.
 */
export function clampTimerMs(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(Math.ceil(ms), MAX_TIMER_MS);
}
