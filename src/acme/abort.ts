// Waiting that stops as soon as the caller's AbortSignal fires.

import { sleep as wait } from "../shared/index.js";
import { AcmeAbortError } from "./errors.js";

/** Throws AcmeAbortError when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new AcmeAbortError(what, signal.reason);
}

/** Resolves after `ms`, or rejects with AcmeAbortError as soon as `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal, what: string): Promise<void> {
  try {
    await wait(ms, signal);
  } catch (error) {
    throw signal.aborted ? new AcmeAbortError(what, signal.reason) : error;
  }
}
