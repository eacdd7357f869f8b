// The helper shell that starts the exec programs (src/dns/exec/helper-shell.ts): words and
// environment reach the program exactly, whatever they hold, and the program is the
// shell's child in a group of its own, not a fork of this (large) process. A shell killed
// from outside is replaced, and what it was running is stopped.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { helperShell } from "../../../src/dns/exec/helper-shell.js";
import { runProgram } from "../../../src/dns/exec/program.js";
import { silentLogger } from "../../../src/log/logger.js";
import { temporaryDirectory, writeScript } from "../support.js";

const AWKWARD = ["it's", '"double"', "$HOME `id` $(id)", "two\nlines\n", "", " spaced  out ", "*", "-n", "back\\slash", "a=b", "ünïcödé"];

test("arguments and environment values reach the program exactly, however awkward", async () => {
  const dir = await temporaryDirectory();
  // NUL-separated, so that the test sees each word whole, newlines and all.
  const program = await writeScript(dir, "show.sh", `printf '%s\\0' "$@" > "${join(dir, "args")}"\nprintf '%s\\0' "$AWKWARD_VALUE" "$OTHER" > "${join(dir, "env")}"\necho out; echo err >&2`);
  const shell = helperShell()!;
  expect(await shell.runsPrograms).toBe(true);
  let pid: number | undefined;
  const result = await shell.run({ program, args: AWKWARD, env: { AWKWARD_VALUE: AWKWARD.join("|"), OTHER: "x'y" }, onStart: (started) => (pid = started) });
  expect(result).toEqual({ status: 0, stdout: "out", all: "out\nerr" });
  expect((await readFile(join(dir, "args"), "utf8")).split("\0").slice(0, -1)).toEqual(AWKWARD);
  expect((await readFile(join(dir, "env"), "utf8")).split("\0").slice(0, -1)).toEqual([AWKWARD.join("|"), "x'y"]);
  expect(pid).toBeGreaterThan(0);
});

test("the program leads its own process group, and its parent is the shell, not this process", async () => {
  const dir = await temporaryDirectory();
  // Fields 4 and 5 of /proc/<pid>/stat: parent pid and process group.
  const program = await writeScript(dir, "ids.sh", `read -r pid command state ppid pgrp rest < /proc/$$/stat\necho "$pgrp $ppid"`);
  let pid = 0;
  const result = await helperShell()!.run({ program, args: [], env: { PATH: "/usr/bin:/bin" }, onStart: (started) => (pid = started) });
  const [pgid, ppid] = result.stdout.trim().split(/\s+/).map(Number);
  expect(pgid).toBe(pid);
  expect(ppid).not.toBe(process.pid);
  expect(await readFile(`/proc/${ppid}/comm`, "utf8")).toMatch(/^(sh|dash|bash)\n$/);
});

test("an exit status and a signal come back as the shell reports them", async () => {
  const dir = await temporaryDirectory();
  const exits = await writeScript(dir, "exits.sh", "exit 7");
  const killed = await writeScript(dir, "killed.sh", "kill -TERM $$");
  const shell = helperShell()!;
  const run = (program: string) => shell.run({ program, args: [], env: {}, onStart: () => undefined });
  expect((await run(exits)).status).toBe(7);
  expect((await run(killed)).status).toBe(128 + 15);
});

test("a run leaves nothing in the shell's private directory: its command file and output files are removed", async () => {
  const dir = await temporaryDirectory();
  // The program's stdout is a file in that directory.
  const program = await writeScript(dir, "where.sh", `readlink /proc/$$/fd/1`);
  // A large environment, as the provider's own can be: it travels in the command file.
  const env = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`VALUE_${i}`, `${"x".repeat(100)}'\n${i}`]));
  const result = await helperShell()!.run({ program, args: [], env, onStart: () => undefined });
  expect(result.status).toBe(0);
  const privateDirectory = dirname(result.stdout.trim());
  expect(privateDirectory).toMatch(/acme-tf-exec-/);
  expect(await readdir(privateDirectory)).toEqual([]);
});

/** The pid of this process's helper shell (its command line names its private directory). */
async function helperShellPid(): Promise<number> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const [stat, commandLine] = await Promise.all([readFile(`/proc/${entry}/stat`, "utf8"), readFile(`/proc/${entry}/cmdline`, "utf8")]).catch(() => ["", ""]);
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (parent === process.pid && commandLine.includes("acme-tf-exec-")) return Number(entry);
  }
  throw new Error("no helper shell is running");
}

const runWith = (program: string) =>
  runProgram({ program, args: [], env: { PATH: "/usr/bin:/bin" }, timeoutSeconds: 30, signal: new AbortController().signal, logger: silentLogger });

test("a helper shell killed from outside is replaced: the next program runs, through a new shell", async () => {
  const dir = await temporaryDirectory();
  const parentOf = await writeScript(dir, "parent.sh", `read -r pid command state ppid rest < /proc/$$/stat\nread -r shell rest < /proc/$ppid/stat\nread -r pid command state grandparent rest < /proc/$ppid/stat\necho "$grandparent"`);
  await runWith(parentOf);
  const first = await helperShellPid();
  process.kill(first, "SIGKILL");
  // At once: the dead shell may not have been noticed yet, and the run must still go through.
  const { stdout } = await runWith(parentOf);
  const second = await helperShellPid();
  expect(second).not.toBe(first);
  // The program's parent is a subshell of the new helper shell.
  expect(Number(stdout)).toBe(second);
});

test("a shell killed while a program runs: that run still ends normally, and the next goes through a new shell at once", async () => {
  const dir = await temporaryDirectory();
  const started = join(dir, "started");
  const slow = await writeScript(dir, "slow.sh", `touch "${started}"\nsleep 1\necho done`);
  const quick = await writeScript(dir, "quick.sh", "echo quick");
  const running = runWith(slow);
  await until(() => readFile(started).then(() => true, () => false));
  const first = await helperShellPid();
  process.kill(first, "SIGKILL");
  // Reaped: the provider has seen it exit.
  await until(() => !isAlive(first));
  let slowDone = false;
  void running.then(() => (slowDone = true), () => undefined);
  // The slow program's subshell holds the shell's output open for a second more.
  expect((await runWith(quick)).stdout).toBe("quick");
  expect(slowDone).toBe(false);
  expect(await helperShellPid()).not.toBe(first);
  expect((await running).stdout).toBe("done");
});

test("a program whose shells are all killed: an error that says so, and the program is stopped", async () => {
  const dir = await temporaryDirectory();
  const pidFile = join(dir, "pid");
  const sleeper = await writeScript(dir, "sleeper.sh", `echo $$ > "${pidFile}"\nexec sleep 30`);
  const running = runWith(sleeper);
  await until(() => readFile(pidFile, "utf8").then((text) => text.endsWith("\n"), () => false));
  const pid = Number(await readFile(pidFile, "utf8"));
  // The program's parent: the subshell that waits for it and would report its end.
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const subshell = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  process.kill(await helperShellPid(), "SIGKILL");
  process.kill(subshell, "SIGKILL");
  await expect(running).rejects.toThrow(/sleeper\.sh" was stopped, its work unknown: the provider's helper shell that ran it ended/);
  // SIGTERM to its group: gone well before its 30 s.
  await until(() => !isAlive(pid));
  expect(isAlive(pid)).toBe(false);
});

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let wait = 0; wait < 100 && !(await condition()); wait++) await new Promise((resolve) => setTimeout(resolve, 50));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
