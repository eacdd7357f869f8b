// Running the user's program: without a shell (its arguments come from users and CAs),
// with exactly the environment it is given, killed when it outlives its time or the
// operation is aborted. Its output goes to the debug log, and into the error when it fails.

import { execa } from "execa";
import { basename } from "node:path";
import type { Logger } from "../../log/logger.js";
import { clampTimerMs } from "../../shared/index.js";
import { watchProcessGroup } from "./orphan-guard.js";

export interface ProgramRun {
  program: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  timeoutSeconds: number;
  signal: AbortSignal;
  logger: Logger;
}

export interface ProgramOutput {
  stdout: string;
}

/** Output beyond this many characters is cut from errors (the debug log has all of it). */
const MAX_OUTPUT_IN_ERROR = 2000;
/** Grace between SIGTERM and SIGKILL for a program that outlived its time. */
const KILL_GRACE_MS = 2000;

export async function runProgram(run: ProgramRun): Promise<ProgramOutput> {
  run.signal.throwIfAborted();
  // By its base name: the whole config map is sensitive, and a path may say more than it should.
  const command = [programName(run.program), ...run.args].join(" ");
  const deadline = AbortSignal.timeout(clampTimerMs(run.timeoutSeconds * 1000));
  const stop = AbortSignal.any([run.signal, deadline]);
  // detached: the program leads its own process group, so that stopping it also stops what
  // it started (a shell script's `sleep` would otherwise keep its output open, and us waiting).
  const subprocess = execa(run.program, run.args, {
    env: run.env,
    extendEnv: false,
    detached: true,
    stdin: "ignore",
    all: true,
    reject: false,
  });
  const stopProgram = () => stopProcessGroup(subprocess.pid);
  stop.addEventListener("abort", stopProgram, { once: true });
  const unwatch = watchProcessGroup(subprocess.pid);
  const result = await subprocess.finally(() => {
    stop.removeEventListener("abort", stopProgram);
    unwatch();
  });

  run.logger.debug("exec: program finished", { command, exit_code: result.exitCode, signal: result.signal, output: result.all });
  if (!result.failed) return { stdout: result.stdout };
  if (run.signal.aborted) throw run.signal.reason;
  if (deadline.aborted) throw new Error(`"${command}" did not finish within ${run.timeoutSeconds} s and was killed${outputSuffix(result.all)}`);
  if (result.exitCode === undefined && result.signal === undefined) throw new Error(`cannot run "${command}": ${(result.originalMessage ?? "").replaceAll(run.program, programName(run.program))}`);
  const ending = result.exitCode === undefined ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  throw new Error(`"${command}" ${ending}${outputSuffix(result.all)}`);
}

/** How logs and errors name the program: its base name, never its path. */
export function programName(program: string): string {
  return basename(program);
}

function stopProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  signalProcessGroup(pid, "SIGTERM");
  setTimeout(() => signalProcessGroup(pid, "SIGKILL"), KILL_GRACE_MS).unref();
}

function signalProcessGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already: nothing left to stop.
  }
}

function outputSuffix(output: string | undefined): string {
  const trimmed = (output ?? "").trim();
  if (trimmed === "") return " and printed nothing";
  const bounded = trimmed.length > MAX_OUTPUT_IN_ERROR ? `…${trimmed.slice(-MAX_OUTPUT_IN_ERROR)}` : trimmed;
  return `:\n${bounded}`;
}
