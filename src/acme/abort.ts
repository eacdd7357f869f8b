// Waiting that stops as soon as the caller's AbortSignal fires.

import { AcmeAbortError } from "./errors.js";

/** Throws AcmeAbortError when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new AcmeAbortError(what, signal.reason);
}

/** Resolves after `ms`, or rejects with AcmeAbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AcmeAbortError(what, signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AcmeAbortError(what, signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
