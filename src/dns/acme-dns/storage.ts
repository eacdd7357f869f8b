// Where the credentials come from: a file the provider may add accounts to
// (ACME_DNS_STORAGE_PATH), or the JSON itself (ACME_DNS_STORAGE_JSON), which is read-only.
//
// Adding an account to the file is safe against other writers (another certificate of
// the same apply, another Terraform run, lego): under a lock file, the file is read again,
// the account is registered only if the domain is still missing, and the new document is
// written to a temporary file (mode 0600) that then replaces the file in one rename: a
// failed write (a full disk) leaves the old file whole.
//
// acme-dns cannot delete an account, and one whose credentials were not saved is lost
// (nobody knows its password). So the write is tried first, with a document at least as
// large, and /register is only called once that worked: a read-only or full file system
// stops the run before anything is registered.

import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, open, readFile, realpath, rename, stat, unlink, chmod, type FileHandle } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { sleep, whyUnreadable, whyUnwritable } from "../../shared/index.js";
import { parseCredentials, serializeCredentials, withAccount, type AcmeDnsAccount, type Credentials } from "./credentials.js";

export type CredentialsStorage = FileStorage | InlineStorage;

/** Credentials given as JSON text: nothing can be added to them. */
export class InlineStorage {
  readonly kind = "inline";
  constructor(
    private readonly text: string,
    /** The setting the text comes from, for messages. */
    readonly setting: string,
  ) {}

  get description(): string {
    return this.setting;
  }

  async load(): Promise<Credentials> {
    const parsed = parseCredentials(this.text);
    if (!parsed.ok) throw new Error(`${this.setting}: ${parsed.problems.join("; ")}`);
    return parsed.credentials;
  }
}

/** The file cannot be written; nothing was registered. `reason` says why, in words. */
export class CredentialsNotWritableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "CredentialsNotWritableError";
  }
}

/** An account was registered, but saving it failed: it is lost. */
export class AccountNotSavedError extends Error {
  constructor(
    readonly account: AcmeDnsAccount,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "AccountNotSavedError";
  }
}

/** How long to wait for another writer's lock, and when a lock is taken for abandoned. */
const LOCK_WAIT_MS = 60_000;
const LOCK_STALE_MS = 10 * 60_000;
const LOCK_RETRY_SECONDS = 0.05;

/** The credentials file, as cert-manager and lego read it. */
export class FileStorage {
  readonly kind = "file";
  constructor(
    readonly path: string,
    readonly setting: string,
  ) {}

  get description(): string {
    return `the credentials file ${this.path} (${this.setting})`;
  }

  async load(): Promise<Credentials> {
    return parseFile(this.path, this.setting, await readCredentialsText(this.path, this.setting));
  }

  /** Why no account can be added to the file, or undefined when one can. */
  async whyNotWritable(): Promise<string | undefined> {
    const file = await realpath(this.path).catch(() => this.path);
    const exists = await access(file).then(() => true, () => false);
    // A missing file is created, with its missing directories: the nearest existing one must be writable.
    let directory = dirname(file);
    while (!exists && directory !== dirname(directory) && !(await access(directory).then(() => true, () => false))) directory = dirname(directory);
    for (const [what, path] of [
      ...(exists ? ([["the file", file]] as const) : []),
      ["its directory", directory],
    ] as const) {
      try {
        await access(path, constants.W_OK);
      } catch (error) {
        return `${what} is not writable: ${whyUnwritable(error)}`;
      }
    }
    return undefined;
  }

  /**
   * The account stored for `domain`, registering one with `register` and saving it when the
   * domain is still missing once the file is locked. `registered` says which happened.
   */
  async addAccount(domain: string, register: () => Promise<AcmeDnsAccount>, signal: AbortSignal): Promise<{ account: AcmeDnsAccount; registered: boolean }> {
    const file = await realpath(this.path).catch(() => this.path);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 }).catch(notWritable(`cannot create the directory ${dirname(file)}`));
    return withLock(`${file}.lock`, signal, async () => {
      const credentials = parseFile(file, this.setting, await readCredentialsText(file, this.setting));
      const existing = credentials.accounts.get(domain);
      if (existing) return { account: existing, registered: false };
      // Never renamed into place: its content only needs to be as large as the real one's.
      const rehearsal = serializeCredentials(withAccount(credentials.document, domain, LARGEST_ACCOUNT)) + " ".repeat(ALLOWFROM_ROOM);
      await writeTemporary(file, rehearsal).then(unlink).catch(notWritable(`cannot write a temporary copy next to ${file}`));
      const account = await register();
      await writeAtomically(file, serializeCredentials(withAccount(credentials.document, domain, account))).catch((error: unknown) => {
        throw new AccountNotSavedError(account, whyUnwritable(error));
      });
      return { account, registered: true };
    });
  }
}

/** An account as long as acme-dns makes them (UUIDs, a 40-character password, a name of at most 253). */
const LARGEST_ACCOUNT: AcmeDnsAccount = {
  username: "u".repeat(36),
  password: "p".repeat(40),
  fulldomain: `${"s".repeat(36)}.${"z".repeat(216)}`,
  subdomain: "s".repeat(36),
  allowfrom: [],
};

/** Bytes for the allowfrom list of the account, which LARGEST_ACCOUNT leaves empty (about 30 networks). */
const ALLOWFROM_ROOM = 1024;

/** A catch handler: a file system error becomes a CredentialsNotWritableError saying `what` failed. */
function notWritable(what: string): (error: unknown) => never {
  return (error) => {
    throw typeof (error as NodeJS.ErrnoException).code === "string" ? new CredentialsNotWritableError(`${what}: ${whyUnwritable(error)}`) : error;
  };
}

async function readCredentialsText(path: string, setting: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    // Not there yet: no accounts (lego's behaviour); addAccount creates it.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "{}";
    throw new Error(`${setting}: cannot read ${path}: ${whyUnreadable(error)}`);
  }
}

function parseFile(path: string, setting: string, text: string): Credentials {
  const parsed = parseCredentials(text);
  if (!parsed.ok) throw new Error(`${setting}: ${path}: ${parsed.problems.join("; ")}`);
  return parsed.credentials;
}

/** Replaces `path` in one step, so that readers see the old or the new document, never half of one. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = await writeTemporary(path, text);
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await chmod(path, 0o600).catch(() => undefined);
}

/** `text` in a new file (0600, synced) next to `path`, whose name it returns; nothing is left when it fails. */
async function writeTemporary(path: string, text: string): Promise<string> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.chmod(0o600); // whatever the umask
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return temporary;
}

/** Runs `critical` holding `lockPath` (created exclusively, removed after). */
async function withLock<T>(lockPath: string, signal: AbortSignal, critical: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let handle: FileHandle;
    try {
      handle = await open(lockPath, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") return notWritable(`cannot create the lock file ${lockPath}`)(error);
      if (await isAbandoned(lockPath)) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${lockPath} has been locked for over ${LOCK_WAIT_MS / 1000} s by another writer; remove it if no other run is adding accounts`);
      }
      await sleep(LOCK_RETRY_SECONDS * 1000, signal);
      continue;
    }
    // A lock without its owner (a full disk) would look held by another host forever.
    try {
      await handle.writeFile(`${hostname()} ${process.pid}\n`);
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(lockPath).catch(() => undefined);
      return notWritable(`cannot write the lock file ${lockPath}`)(error);
    }
    break;
  }
  try {
    return await critical();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

/** A lock whose process (on this host) is gone, or that is older than any run could hold it. */
async function isAbandoned(lockPath: string): Promise<boolean> {
  try {
    const [owner, info] = await Promise.all([readFile(lockPath, "utf8"), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > LOCK_STALE_MS) return true;
    const [host, pid] = owner.trim().split(" ");
    if (host !== hostname() || !/^\d+$/.test(pid ?? "")) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  } catch {
    // Gone meanwhile (released), or written but not yet filled: try again.
    return false;
  }
}
