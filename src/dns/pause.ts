// Waiting that an AbortSignal can cut short, rejecting with the signal's own reason (as
// everything else in src/dns does) rather than a generic AbortError.

import { setTimeout as sleep } from "node:timers/promises";

export async function pause(seconds: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(seconds * 1000, undefined, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  }
}
