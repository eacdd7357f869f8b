// Waiting that an AbortSignal cuts short, rejecting with the signal's own reason (what the
// caller aborted with) rather than a generic AbortError.

import { setTimeout as wait } from "node:timers/promises";
import { clampTimerMs } from "./durations.js";

export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await wait(clampTimerMs(ms), undefined, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  }
}
