// One small `sh` per provider process, started with the first program run. Two jobs:
//
// - It starts the programs. A fork copies the page tables of the process that forks and
//   makes its every page copy-on-write. From the provider, over 100 MB once it has many
//   certificates in flight, that cost ~7 ms of CPU per spawn, plus page faults afterwards,
//   twice per certificate (present, cleanup). From a shell of a megabyte or two it costs
//   a fraction of a millisecond (bench/profile.ts shows where the CPU goes). Each program
//   leads its own process group through util-linux's `setsid`, as `detached` spawns did;
//   without `setsid` (not util-linux) the provider spawns programs itself.
// - Programs die with the provider. Each program leads its own group (so that stopping it
//   stops what it started), which also means nothing stops them when the provider is
//   killed outright (SIGKILL: the OOM killer, a CI job cancelled hard): no handler of ours
//   runs. A parent-death signal (prctl PR_SET_PDEATHSIG, Debian's `setpriv --pdeathsig`)
//   reaches only the one process it is set on, not the group, and is lost across the
//   program's own forks. The shell holds the read end of a pipe from us and the list of
//   running groups: when the pipe closes - however the provider ended - it stops every
//   group still listed (SIGTERM, then SIGKILL after a grace).
// Killed from outside, the shell is replaced for the next runs. A program it started still
// ends normally (its subshell waits for it and reports); one whose subshell is gone too is
// stopped, with an error that says its work is unknown.
// Nothing of this on Windows, where programs get no groups and there is no sh.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";

/** Grace between SIGTERM and SIGKILL for the groups left when the provider is gone. */
const GRACE_SECONDS = 2;

// Lines from us:
//   +<pgid>, -<pgid>   add and remove a group to stop when we are gone;
//   run <id>           run the program of <id>.run in the private directory ($1 at
//                      start): a `set --` of the stdout file, the stderr file, then
//                      `env -i NAME=VALUE... program args`, each word single-quoted.
//                      In a file, not on the line: `read` takes a byte per system call
//                      from a pipe (it must not read past the line), ~1.3 ms for the
//                      few KB an environment takes, twice per certificate; `.` reads
//                      a file in blocks. (A `.` that fails ends a shell: hence the check.)
// end of input means we are gone. Lines to us: "started <id> <pid>", "ended <id> <status>".
const SCRIPT = `
directory=$1
groups=
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups \${line#+}" ;;
    -*) kept=; for group in $groups; do [ "$group" = "\${line#-}" ] || kept="$kept $group"; done; groups=$kept ;;
    "run "*)
      id=\${line#run }
      [ -r "$directory/$id.run" ] || { echo "ended $id 126"; continue; }
      . "$directory/$id.run"
      out=$1 err=$2
      shift 2
      {
        setsid "$@" </dev/null >"$out" 2>"$err" &
        echo "started $id $!"
        wait $!
        echo "ended $id $?"
      } &
      ;;
  esac
done
[ -n "$groups" ] || exit 0
for group in $groups; do kill -TERM "-$group" 2>/dev/null; done
sleep ${GRACE_SECONDS}
for group in $groups; do kill -KILL "-$group" 2>/dev/null; done
`;

export interface ShellRun {
  program: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Called once the program runs, with its pid (= its process group). */
  onStart: (pid: number) => void;
}

export interface ShellRunResult {
  /** The exit code, or 128 + the signal number when a signal ended it (as sh reports it). */
  status: number;
  stdout: string;
  /** stdout then stderr. */
  all: string;
}

interface Pending {
  run: ShellRun;
  files: { command: string; out: string; err: string };
  started: boolean;
  resolve: (result: ShellRunResult) => void;
  reject: (error: Error) => void;
}

/** The shell ended (killed, out of memory) before a run's end: `started` says whether the program ran. */
export class HelperShellGone extends Error {
  override readonly name = "HelperShellGone";
  constructor(readonly started: boolean) {
    super("the provider's helper shell ended");
  }
}

export class HelperShell {
  /** Whether the shell starts programs (it has `setsid`), or only watches the groups of those the provider starts. */
  readonly runsPrograms: Promise<boolean>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The shell itself has exited: it takes no more runs (those it started may still end, reported by their subshells). */
  private exited = false;
  /** Its output is closed: nothing more will be reported. */
  private gone = false;

  constructor(
    private readonly input: Writable,
    private readonly output: Socket,
    /** The private directory of the programs' commands and output: a shell cannot hand us pipes. */
    private readonly directory: string,
  ) {
    const lines = createInterface({ input: output });
    this.runsPrograms = new Promise((resolve) => {
      lines.once("line", (first) => resolve(first === "runs"));
      lines.once("close", () => resolve(false));
    });
    lines.on("line", (line) => this.onLine(line));
    lines.on("close", () => this.onGone());
  }

  /** The shell has ended: helperShell() starts another for the next runs. */
  get ended(): boolean {
    return this.exited || this.gone;
  }

  /** The shell process has exited (its pipes may stay open while programs it started run). */
  onExit(): void {
    this.exited = true;
  }

  /** Puts the process group `pgid` under watch until the returned function is called (when the program has ended). */
  watch(pgid: number): () => void {
    if (this.ended) return () => undefined;
    this.input.write(`+${pgid}\n`);
    return () => void (this.ended || this.input.write(`-${pgid}\n`));
  }

  /** Runs a program through the shell (only when runsPrograms said so). Rejects only if the shell is gone. */
  run(run: ShellRun): Promise<ShellRunResult> {
    if (this.ended) return Promise.reject(new HelperShellGone(false));
    const id = this.nextId++;
    const file = (suffix: string) => join(this.directory, `${id}.${suffix}`);
    const files = { command: file("run"), out: file("out"), err: file("err") };
    const environment = Object.entries(run.env).map(([name, value]) => `${name}=${value}`);
    const words = [files.out, files.err, "env", "-i", ...environment, run.program, ...run.args];
    try {
      writeFileSync(files.command, `set -- ${words.map(quoted).join(" ")}\n`, { mode: 0o600 });
    } catch (cause) {
      return Promise.reject(cause as Error);
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { run, files, started: false, resolve, reject });
      // Only while a program runs do its answers keep the provider's event loop alive.
      this.output.ref();
      this.input.write(`run ${id}\n`);
    });
  }

  private onLine(line: string): void {
    const [event, id, value] = line.split(" ");
    const pending = this.pending.get(Number(id));
    if (!pending) return;
    if (event === "started") {
      pending.started = true;
      pending.run.onStart(Number(value));
    }
    if (event !== "ended") return;
    this.settled(Number(id));
    rmSync(pending.files.command, { force: true });
    const stdout = takeFile(pending.files.out);
    const stderr = takeFile(pending.files.err);
    // As execa (the provider's own spawns) gives them: without the final newline.
    pending.resolve({ status: Number(value), stdout: withoutFinalNewline(stdout), all: withoutFinalNewline(`${stdout}${stderr}`) });
  }

  private onGone(): void {
    this.gone = true;
    for (const [id, { files, started, reject }] of this.pending) {
      this.settled(id);
      rmSync(files.command, { force: true });
      reject(new HelperShellGone(started));
    }
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.output.unref();
  }
}

function privateDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "acme-tf-exec-"));
  process.once("exit", () => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** A file's text, and the file removed. */
function takeFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  } finally {
    rmSync(file, { force: true });
  }
}

const withoutFinalNewline = (text: string) => text.replace(/\r?\n$/, "");

/** A word for the command file's `set -- ...`: single-quoted, exactly as given (newlines included). */
function quoted(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

let shell: HelperShell | undefined | null;

/**
 * The provider's helper shell, started on first use and again after it ended (killed by
 * someone, out of memory); undefined where there is none (Windows).
 */
export function helperShell(): HelperShell | undefined {
  if (shell?.ended) shell = undefined;
  if (shell !== undefined) return shell ?? undefined;
  shell = null;
  if (process.platform === "win32") return undefined;
  // The first line says whether the shell can start programs in their own group.
  const script = `if command -v setsid >/dev/null 2>&1; then echo runs; else echo watches; fi\n${SCRIPT}`;
  const directory = privateDirectory();
  // detached: a signal to the provider's own group (a terminal's Ctrl-C, a job kill) must
  // not take the shell down before it has done its work.
  const child = spawn("/bin/sh", ["-c", script, "sh", directory], { stdio: ["pipe", "pipe", "ignore"], detached: true });
  // No /bin/sh: the provider spawns programs itself, and stops them on every ordinary path.
  child.on("error", () => undefined);
  child.unref();
  // Pipes' ends are net.Sockets: unref'd, neither the shell nor its pipes keep the provider running.
  const stdin = child.stdin as Socket;
  const stdout = child.stdout as Socket;
  stdin.unref();
  stdout.unref();
  const started = new HelperShell(stdin, stdout, directory);
  // Either says the shell reads no more: EPIPE on its input may come first.
  child.on("exit", () => started.onExit());
  stdin.on("error", () => started.onExit());
  shell = started;
  return shell;
}
