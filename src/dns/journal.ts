// The journal of presented challenges: what a provider process has asked DNS providers to
// present and not yet cleaned up. A run that is killed outright (SIGKILL: the OOM killer,
// a CI job cancelled hard) cannot clean up; the next run that answers challenges for the
// same names finds its entries and cleans them up first, with a log line saying so.
//
// One file per provider process, `<pid>.json`, in a directory of the user's own (mode 0700;
// files 0600), rewritten whole (write then rename) at every change. Entries hold what
// cleanup needs and nothing secret: the block's index and provider name, the record's name
// and value, the challenge's token and key authorization (both public in any HTTP-01
// answer). Never the block's settings: cleanup runs with the settings of the run that
// finds the entry. A journal that cannot be written costs only this safety net.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Dns01Challenge } from "../acme/index.js";
import type { Logger } from "../log/logger.js";
import type { ChallengeRecord } from "./dns-provider.js";

export interface JournalEntry {
  /** Index of the dns_challenge block, and its provider's name. */
  block: number;
  provider: string;
  record: ChallengeRecord;
}

/** The journal directory: $ACME_TF_STATE_DIR, else $XDG_STATE_HOME/acme-tf, else ~/.local/state/acme-tf. */
export function journalDirectory(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const base = env.ACME_TF_STATE_DIR || (env.XDG_STATE_HOME ? join(env.XDG_STATE_HOME, "acme-tf") : undefined);
  if (base) return join(base, "presented");
  const home = env.HOME || safeHomedir();
  return home ? join(home, ".local", "state", "acme-tf", "presented") : undefined;
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

/** The journal of this process (one per directory): entries added before present, removed after cleanup. */
export class PresentedJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private broken = false;
  private readonly file: string;

  private constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.file = join(dir, `${process.pid}.json`);
  }

  private static opened = new Map<string, PresentedJournal>();

  static open(dir: string, logger: Logger): PresentedJournal {
    let journal = PresentedJournal.opened.get(dir);
    if (!journal) PresentedJournal.opened.set(dir, (journal = new PresentedJournal(dir, logger)));
    return journal;
  }

  add(entry: JournalEntry): void {
    this.entries.set(entryKey(entry), entry);
    this.save();
  }

  remove(entry: JournalEntry): void {
    if (this.entries.delete(entryKey(entry))) this.save();
  }

  /**
   * Takes over the entries of dead provider processes for which `wanted` holds: they leave
   * the dead process's file and join this one's (so that a run killed while cleaning them
   * up leaves them to the next). Entries of live processes are never touched.
   */
  takeLeftovers(wanted: (entry: JournalEntry) => boolean): JournalEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const taken: JournalEntry[] = [];
    for (const name of names) {
      // "<pid>.json", or "<pid>.claim-<name>" left by a run killed while taking over a file.
      const pid = Number(/^(\d+)\.(?:claim-.*)?json$/.exec(name)?.[1]);
      if (!pid || pid === process.pid || isAlive(pid)) continue;
      // Claimed by renaming: of two runs that find the same file, one gets it.
      const claimed = join(this.dir, `${process.pid}.claim-${name}`);
      try {
        renameSync(join(this.dir, name), claimed);
      } catch {
        continue;
      }
      const entries = readEntries(claimed);
      const left = entries.filter((entry) => !wanted(entry));
      for (const entry of entries.filter(wanted)) {
        this.entries.set(entryKey(entry), entry);
        taken.push(entry);
      }
      if (taken.length > 0) this.save();
      if (left.length > 0) {
        try {
          writePrivate(join(this.dir, name), JSON.stringify(left));
        } catch {
          // Those entries are lost to later runs; ours are saved.
        }
      }
      rmSync(claimed, { force: true });
    }
    return taken;
  }

  // Synchronous: a few small writes to the page cache (no fsync) cost tens of microseconds,
  // less than the thread pool hand-offs of fs/promises (~2 ms per certificate, measured).
  // They also keep the file's changes in call order without a queue. (On a network home
  // directory each change waits for the server; ACME_TF_STATE_DIR can point elsewhere.)
  private save(): void {
    if (this.broken) return;
    try {
      if (this.entries.size === 0) rmSync(this.file, { force: true });
      else writePrivate(this.file, JSON.stringify([...this.entries.values()]), this.dir);
    } catch (error) {
      this.broken = true;
      this.logger.warn("dns: the journal of presented challenges cannot be written; a killed run could not be cleaned up after", {
        dir: this.dir,
        reason: (error as Error).message,
      });
    }
  }
}

/** Written whole, then renamed into place: a reader never sees half a file. The directory is made when missing. */
function writePrivate(path: string, content: string, dir?: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: 0o600 });
  } catch (error) {
    if (dir === undefined || (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, content, { mode: 0o600 });
  }
  renameSync(temporary, path);
}

function readEntries(path: string): JournalEntry[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

function isEntry(value: unknown): value is JournalEntry {
  const entry = value as Partial<JournalEntry> | null;
  const challenge = entry?.record?.challenge as Partial<Dns01Challenge> | undefined;
  return (
    typeof entry?.block === "number" &&
    typeof entry.provider === "string" &&
    typeof entry.record?.fqdn === "string" &&
    ["identifier", "domain", "token", "keyAuthorization", "txtValue"].every((key) => typeof challenge?.[key as keyof Dns01Challenge] === "string")
  );
}

function entryKey(entry: JournalEntry): string {
  return `${entry.block} ${entry.record.challenge.identifier} ${entry.record.challenge.token}`;
}

/** Whether a process with this id exists (a reused id counts as alive: its entries wait). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
