// Child processes of the lab: long-running services with a log file each, and short tools.
// Services must never outlive the process that started them: a leftover named on
// 127.0.53.1:53 would break the next run, so every service is killed on our exit and,
// through setpriv's parent-death signal, even when we are killed without a chance to clean up.

import { spawn, execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface Stoppable {
  stop(): Promise<void>;
}

export interface Service extends Stoppable {
  name: string;
  /** The process id (the service's own: setpriv execs it in place); undefined if it failed to start. */
  pid: number | undefined;
  logFile: string;
  /** Resolves (never rejects) with a description of how the process ended. */
  exited: Promise<string>;
  hasExited(): boolean;
}

/** PATH plus the sbin directories, where named, unbound, tsig-keygen and ip live. */
export function sbinEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dirs = (env.PATH ?? "/usr/bin:/bin").split(":");
  for (const dir of ["/usr/local/sbin", "/usr/sbin", "/sbin"]) if (!dirs.includes(dir)) dirs.push(dir);
  return { ...env, PATH: dirs.join(":") };
}

/** Thrown by a readiness probe when waiting longer cannot help (e.g. someone else answers). */
export class NotOursError extends Error {}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort when stop() was never called: 'exit' handlers may only do synchronous work. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

// setpriv (util-linux, essential on Debian) sets PR_SET_PDEATHSIG, then execs the service
// in place: same pid, and the kernel kills it if its parent dies, even by SIGKILL.
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => fs.existsSync(p));

export function startService(
  name: string,
  command: string,
  args: string[],
  opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Service {
  installExitHook();
  const logFd = fs.openSync(opts.logFile, "a");
  const [file, argv] = setpriv ? [setpriv, ["--pdeathsig", "KILL", "--", command, ...args]] : [command, args];
  let child: ChildProcess;
  try {
    child = spawn(file, argv, { stdio: ["ignore", logFd, logFd], env: sbinEnv(opts.env), cwd: opts.cwd });
  } finally {
    fs.closeSync(logFd); // the child has its own copy
  }
  live.add(child);
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once("error", (err) => {
      done = true;
      live.delete(child);
      resolve(`failed to start: ${err.message}`);
    });
    child.once("exit", (code, signal) => {
      done = true;
      live.delete(child);
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
  });
  return {
    name,
    pid: child.pid,
    logFile: opts.logFile,
    exited,
    hasExited: () => done,
    stop: () => stopChild(child, exited, () => done),
  };
}

/** SIGTERM for a clean shutdown, SIGKILL if that takes more than a moment. */
async function stopChild(child: ChildProcess, exited: Promise<string>, isDone: () => boolean): Promise<void> {
  if (isDone()) return;
  child.kill("SIGTERM");
  const grace = new AbortController(); // cancelled so a pending timer does not hold the process open
  const timer = sleep(2000, "timeout", { signal: grace.signal }).catch(() => "cancelled");
  const first = await Promise.race([exited, timer]);
  grace.abort();
  if (first === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

export function tailLog(file: string, lines = 15): string {
  try {
    const text = fs.readFileSync(file, "utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/** Runs a short command line tool; rejects with its stderr when it fails. */
export function runTool(
  command: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { timeout: opts.timeoutMs ?? 10_000, env: sbinEnv(opts.env), maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const how = err.killed ? `killed by ${err.signal ?? "timeout"}` : `exit ${String(err.code)}`;
          const detail = (stderr || stdout).trim() || err.message;
          reject(new Error(`${command} ${args.join(" ")} failed (${how}): ${detail}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
    // A tool that exits before reading its input (e.g. on a usage error) closes the pipe
    // under us: the exit code tells the story, the EPIPE does not.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(opts.input ?? "");
  });
}

/**
 * Polls `probe` until it succeeds. Fails early when the service exits, and on timeout;
 * both errors carry the last probe error and the tail of the service's log.
 */
export async function waitUntilReady(service: Service, probe: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no attempt";
  for (;;) {
    if (service.hasExited()) {
      throw new Error(`${service.name} ${await service.exited} before it was ready\n--- ${service.logFile} ---\n${tailLog(service.logFile)}`);
    }
    try {
      await probe();
      return;
    } catch (err) {
      if (err instanceof NotOursError) throw new Error(`${service.name}: ${err.message}\n--- ${service.logFile} ---\n${tailLog(service.logFile)}`);
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${service.name} not ready after ${timeoutMs} ms (last check: ${lastError})\n--- ${service.logFile} ---\n${tailLog(service.logFile)}`,
      );
    }
    await sleep(25);
  }
}
