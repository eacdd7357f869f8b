// The journal of presented challenges: private files per provider process; a later process
// takes over the entries of dead ones only, and only those it asks for.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { journalDirectory, PresentedJournal, type JournalEntry } from "../../src/dns/journal.js";
import { challengeFor, recordingLogger } from "./support.js";

const root = mkdtempSync(join(tmpdir(), "acme-tf-journal-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const entry = (domain: string, block = 0, provider = "exec"): JournalEntry => ({
  block,
  provider,
  record: { challenge: challengeFor(domain), fqdn: `_acme-challenge.${domain}.` },
});

/** The id of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync("sh", ["-c", "echo $$"]).stdout.toString().trim());
}

test("where it lives: ACME_TF_STATE_DIR, XDG_STATE_HOME, then the home directory", () => {
  expect(journalDirectory({ ACME_TF_STATE_DIR: "/s", XDG_STATE_HOME: "/x", HOME: "/h" })).toBe("/s/presented");
  expect(journalDirectory({ XDG_STATE_HOME: "/x", HOME: "/h" })).toBe("/x/acme-tf/presented");
  expect(journalDirectory({ HOME: "/h" })).toBe("/h/.local/state/acme-tf/presented");
});

test("this process's file is private and holds no more than cleanup needs; empty, it is removed", () => {
  const dir = join(root, "own");
  const journal = PresentedJournal.open(dir, recordingLogger().logger);
  journal.add(entry("a.example.test"));
  const file = join(dir, `${process.pid}.json`);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(file, "utf8"))).toEqual([entry("a.example.test")]);
  journal.remove(entry("a.example.test"));
  expect(readdirSync(dir)).toEqual([]);
});

test("entries of dead processes are taken over when asked for; live processes' are left alone", () => {
  const dir = join(root, "leftovers");
  mkdirSync(dir, { recursive: true });
  const dead = deadPid();
  writeFileSync(join(dir, `${dead}.json`), JSON.stringify([entry("a.example.test"), entry("b.example.test"), { not: "an entry" }]));
  writeFileSync(join(dir, `${process.ppid}.json`), JSON.stringify([entry("a.example.test", 1)]));
  const journal = PresentedJournal.open(dir, recordingLogger().logger);
  const taken = journal.takeLeftovers((e) => e.record.challenge.domain === "a.example.test");
  expect(taken).toEqual([entry("a.example.test")]);
  // The rest of the dead process's entries wait for a run that wants them.
  expect(JSON.parse(readFileSync(join(dir, `${dead}.json`), "utf8"))).toEqual([entry("b.example.test")]);
  expect(JSON.parse(readFileSync(join(dir, `${process.ppid}.json`), "utf8"))).toEqual([entry("a.example.test", 1)]);
  // Taken over: now in this process's file until cleaned up.
  expect(JSON.parse(readFileSync(join(dir, `${process.pid}.json`), "utf8"))).toEqual([entry("a.example.test")]);
  journal.remove(taken[0]!);
  expect(readdirSync(dir).sort()).toEqual([`${dead}.json`, `${process.ppid}.json`].sort());
});

test("a journal whose directory was removed meanwhile makes it again", () => {
  const dir = join(root, "removed");
  const journal = PresentedJournal.open(dir, recordingLogger().logger);
  journal.add(entry("a.example.test"));
  rmSync(dir, { recursive: true });
  journal.add(entry("b.example.test"));
  expect(JSON.parse(readFileSync(join(dir, `${process.pid}.json`), "utf8"))).toEqual([entry("a.example.test"), entry("b.example.test")]);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
});

test("a journal that cannot be written warns once and does not fail", () => {
  const blocker = join(root, "file-not-dir");
  writeFileSync(blocker, "");
  const log = recordingLogger();
  const journal = PresentedJournal.open(join(blocker, "presented"), log.logger);
  journal.add(entry("a.example.test"));
  journal.add(entry("b.example.test"));
  expect(log.lines().filter((line) => line["@level"] === "warn")).toHaveLength(1);
});
