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

// The helper shell running a program: the parent of the subshell that waits for it. (Found
// from the program, not by looking for this process's children: jest runs test files one
// after another in one process, and earlier files' shells are its children too.)
const MAIN_SHELL_SH = `read -r pid command state subshell rest < /proc/$$/stat
read -r pid command state shell rest < /proc/$subshell/stat`;

const runWith = (program: string) =>
  runProgram({ program, args: [], env: { PATH: "/usr/bin:/bin" }, timeoutSeconds: 30, signal: new AbortController().signal, logger: silentLogger });

async function parentOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

test("a helper shell killed from outside is replaced: the next program runs, through a new shell", async () => {
  const dir = await temporaryDirectory();
  const shellOf = await writeScript(dir, "shell-of.sh", `${MAIN_SHELL_SH}\necho "$shell"`);
  const first = Number((await runWith(shellOf)).stdout);
  expect(await parentOf(first)).toBe(process.pid);
  process.kill(first, "SIGKILL");
  // At once: the dead shell may not have been noticed yet, and the run must still go through.
  const second = Number((await runWith(shellOf)).stdout);
  expect(second).not.toBe(first);
  expect(await parentOf(second)).toBe(process.pid);
});

test("a shell killed while a program runs: that run still ends normally, and the next goes through a new shell at once", async () => {
  const dir = await temporaryDirectory();
  const started = join(dir, "started");
  const slow = await writeScript(dir, "slow.sh", `${MAIN_SHELL_SH}\necho "$shell" > "${started}"\nsleep 1\necho done`);
  const shellOf = await writeScript(dir, "shell-of.sh", `${MAIN_SHELL_SH}\necho "$shell"`);
  const running = runWith(slow);
  await until(() => readFile(started, "utf8").then((text) => text.endsWith("\n"), () => false));
  const first = Number(await readFile(started, "utf8"));
  process.kill(first, "SIGKILL");
  // Reaped: the provider has seen it exit.
  await until(() => !isAlive(first));
  let slowDone = false;
  void running.then(() => (slowDone = true), () => undefined);
  // The slow program's subshell holds the shell's output open for a second more.
  const second = Number((await runWith(shellOf)).stdout);
  expect(second).not.toBe(first);
  expect(await parentOf(second)).toBe(process.pid);
  expect(slowDone).toBe(false);
  expect((await running).stdout).toBe("done");
});

test("a program whose shells are all killed: an error that says so, and the program is stopped", async () => {
  const dir = await temporaryDirectory();
  const pidFile = join(dir, "pids");
  const sleeper = await writeScript(dir, "sleeper.sh", `${MAIN_SHELL_SH}\necho "$$ $subshell $shell" > "${pidFile}"\nexec sleep 30`);
  const running = runWith(sleeper);
  await until(() => readFile(pidFile, "utf8").then((text) => text.endsWith("\n"), () => false));
  // The program, the subshell that waits for it and would report its end, and the helper shell.
  const [pid, subshell, shell] = (await readFile(pidFile, "utf8")).trim().split(" ").map(Number);
  process.kill(shell!, "SIGKILL");
  process.kill(subshell!, "SIGKILL");
  await expect(running).rejects.toThrow(/sleeper\.sh" was stopped, its work unknown: the provider's helper shell that ran it ended/);
  // SIGTERM to its group: gone well before its 30 s.
  await until(() => !isAlive(pid!));
  expect(isAlive(pid!)).toBe(false);
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
