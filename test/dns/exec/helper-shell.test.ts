// The helper shell that starts the exec programs (src/dns/exec/helper-shell.ts): words and
// environment reach the program exactly, whatever they hold, and the program is the
// shell's child in a group of its own, not a fork of this (large) process.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { helperShell } from "../../../src/dns/exec/helper-shell.js";
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
