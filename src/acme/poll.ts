// Waiting for an ACME object (authorization, order) to leave a pending state.
//
// A local CA finishes in milliseconds, a public one in seconds: start polling at 25 ms
// and grow by half each time up to 2 s, so neither pays for the other's pace. A server's
// Retry-After is honoured, but never beyond the deadline.

import { sleep } from "./abort.js";
import { AcmeError } from "./errors.js";

export interface PollOptions<T> {
  signal: AbortSignal;
  /** Epoch ms after which polling gives up. */
  deadline: number;
  /** "the authorization of example.com to become valid", for the timeout message. */
  what: string;
  /** Text about the last value for the timeout message, e.g. its status. */
  describe: (value: T) => string;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A value already observed (e.g. in the answer that started the wait): wait before reading. */
  first?: Observation<T>;
}

export interface Observation<T> {
  value: T;
  retryAfterMs?: number;
}

/** Calls `read` until `isDone(value)`; returns that value. */
export async function pollUntil<T>(
  read: () => Promise<Observation<T>>,
  isDone: (value: T) => boolean,
  options: PollOptions<T>,
): Promise<T> {
  let delay = options.initialDelayMs ?? 25;
  const maxDelay = options.maxDelayMs ?? 2000;
  const started = Date.now();
  let observed = options.first;
  for (;;) {
    const { value, retryAfterMs } = observed ?? (await read());
    observed = undefined;
    if (isDone(value)) return value;
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) {
      const seconds = Math.round((Date.now() - started) / 1000);
      throw new AcmeError(`timed out after ${seconds} s waiting for ${options.what} (${options.describe(value)})`);
    }
    const wait = Math.min(Math.max(delay, retryAfterMs ?? 0), remaining);
    await sleep(wait, options.signal, `waiting for ${options.what}`);
    delay = Math.min(delay * 1.5, maxDelay);
  }
}
