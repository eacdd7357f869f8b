// Running the user's program: with exactly the arguments and environment it is given (they
// come from users and CAs, so nothing is ever split or expanded on the way: the helper
// shell gets each word quoted), killed when it outlives its time or the
// operation is aborted. Its output goes to the debug log, and into the error when it fails.

import { execa } from "execa";
import { constants } from "node:os";
import { basename } from "node:path";
import type { Logger } from "../../log/logger.js";
import { clampTimerMs } from "../../shared/index.js";
import { helperShell, HelperShellGone, type HelperShell } from "./helper-shell.js";

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

/** How a run ended, whoever started it. */
interface Ending {
  stdout: string;
  all: string;
  exitCode?: number;
  signal?: string;
  /** The program could not be started at all: why. */
  startFailure?: string;
}

export async function runProgram(run: ProgramRun): Promise<ProgramOutput> {
  run.signal.throwIfAborted();
  // By its base name: the whole config map is sensitive, and a path may say more than it should.
  const command = [programName(run.program), ...run.args].join(" ");
  const deadline = AbortSignal.timeout(clampTimerMs(run.timeoutSeconds * 1000));
  const stop = AbortSignal.any([run.signal, deadline]);
  const ending = await start(run, stop).catch((error: unknown) => {
    if (!(error instanceof HelperShellGone)) throw error;
    throw new Error(`"${command}" was stopped, its work unknown: the provider's helper shell that ran it ended (killed from outside?)`);
  });

  const failed = ending.exitCode !== 0 || ending.startFailure !== undefined;
  run.logger.debug("exec: program finished", { command, exit_code: ending.exitCode, signal: ending.signal, output: ending.all });
  if (!failed) return { stdout: ending.stdout };
  if (run.signal.aborted) throw run.signal.reason;
  if (deadline.aborted) throw new Error(`"${command}" did not finish within ${run.timeoutSeconds} s and was killed${outputSuffix(ending.all)}`);
  if (ending.startFailure !== undefined) throw new Error(`cannot run "${command}": ${ending.startFailure.replaceAll(run.program, programName(run.program))}`);
  const how = ending.exitCode === undefined ? `was killed by ${ending.signal}` : `exited with code ${ending.exitCode}`;
  throw new Error(`"${command}" ${how}${outputSuffix(ending.all)}`);
}

/** Through the helper shell where it can, else spawned by the provider. */
async function start(run: ProgramRun, stop: AbortSignal, retry = true): Promise<Ending> {
  const shell = helperShell();
  // `env` would take a program name with "=" for one more variable, and one starting with "-" for an option.
  if (!shell || /^-|=/.test(run.program) || !(await shell.runsPrograms)) return runHere(run, stop, shell);
  try {
    return await runInShell(shell, run, stop);
  } catch (error) {
    // A program the shell never started runs through the next shell (once); one it started
    // may have done its work, and running it twice is not ours to decide.
    if (!(error instanceof HelperShellGone) || error.started || !retry || stop.aborted) throw error;
    return start(run, stop, false);
  }
}

/** Through the helper shell: no fork of the provider itself. */
async function runInShell(shell: HelperShell, run: ProgramRun, stop: AbortSignal): Promise<Ending> {
  let pid: number | undefined;
  let unwatch = () => undefined as void;
  const stopProgram = () => stopProcessGroup(pid);
  stop.addEventListener("abort", stopProgram, { once: true });
  try {
    const result = await shell.run({
      program: run.program,
      args: run.args,
      env: run.env,
      onStart: (started) => {
        pid = started;
        unwatch = shell.watch(started);
        // Aborted before the program was even running: stop it now.
        if (stop.aborted) stopProgram();
      },
    }).catch((error: unknown) => {
      // Nobody would stop it when the provider ends, or tell us how it ended.
      if (error instanceof HelperShellGone && error.started) stopProgram();
      throw error;
    });
    // `env` (exit 126/127) says when it could not start the program, e.g. "env: 'x': No such file or directory".
    const envFailure = /^env: (.*)/m.exec(result.all)?.[1];
    if ((result.status === 126 || result.status === 127) && envFailure) return { ...result, exitCode: result.status, startFailure: envFailure };
    const signal = result.status > 128 ? signalName(result.status - 128) : undefined;
    return signal ? { ...result, signal } : { ...result, exitCode: result.status };
  } finally {
    stop.removeEventListener("abort", stopProgram);
    unwatch();
  }
}

/** Spawned by the provider, where the helper shell cannot start programs. */
async function runHere(run: ProgramRun, stop: AbortSignal, shell: HelperShell | undefined): Promise<Ending> {
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
  const unwatch = subprocess.pid === undefined || !shell ? () => undefined : shell.watch(subprocess.pid);
  const result = await subprocess.finally(() => {
    stop.removeEventListener("abort", stopProgram);
    unwatch();
  });
  const notStarted = result.failed && result.exitCode === undefined && result.signal === undefined;
  return {
    stdout: result.stdout,
    all: result.all ?? "",
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    ...(result.signal !== undefined ? { signal: result.signal } : {}),
    ...(notStarted ? { startFailure: result.originalMessage ?? "" } : {}),
  };
}

function signalName(number: number): string {
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0] ?? `signal ${number}`;
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
