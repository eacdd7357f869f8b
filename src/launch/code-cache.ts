// Runs the provider bundle (provider.cjs: next to the Node package's loader, or an asset of
// the single executable) with a V8 code cache:
// compiling the ~1.7 MB bundle is a large part of each start, and Terraform starts the
// provider 3-4 times per apply. Node 20 has no module compile cache
// (module.enableCompileCache is 22.1+), so the bundle is compiled here with vm.Script and
// `cachedData`, as Node's own CommonJS loader would run it.
//
// The cache lives in the user's cache directory ($XDG_CACHE_HOME or ~/.cache, acme-tf/),
// not in the package: Terraform's lock file hashes the package directory, which must stay
// the same on every machine and every node. It is written at the first exit of a provider
// that ran without a usable one, for the exact node binary and bundle that ran, so the
// next starts use it. It holds the functions that process compiled, so it is written
// again, with more, by a process that did what the cache has not seen (an RPC the writer
// never served: each of Terraform's 3-4 starts per apply serves different ones, and the
// first is usually the schema alone). Anything wrong with it (another node, another
// bundle, a corrupt or unreadable file, a read-only directory) only costs the compile:
// the provider starts as without a cache, and says why in its debug log (see
// codeCacheOutcome).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/** How the start went, for the provider's debug log. */
export interface CodeCacheOutcome {
  used: boolean;
  /** Why the cache was not used, or what happened when writing it. */
  reason?: string;
  file?: string;
  /** What this process did (the RPCs it served), for the cache to know what it covers. */
  covered: Set<string>;
}

const OUTCOME = Symbol.for("acme-tf.code-cache");
const MAGIC = "acme-tf code cache 2\n";
const CHECKSUM_BYTES = 32;
// Every node upgrade and every install (a new `terraform init` directory included) starts
// a new ~0.5 MB file. When one is written, the others not used for a month are removed,
// and beyond the most recently used few; a cache in use is touched at each start.
const KEPT_FILES = 16;
const UNUSED_FOR_MS = 30 * 24 * 3600 * 1000;
/** A partial file older than this was left by a process killed while writing it. */
const ABANDONED_AFTER_MS = 3600 * 1000;

/** What the loader reported, if the provider was started through it. */
export function codeCacheOutcome(): CodeCacheOutcome | undefined {
  return (globalThis as Record<symbol, CodeCacheOutcome | undefined>)[OUTCOME];
}

/** Notes something this process did; a cache that has not seen it is rewritten at exit. */
export function markCovered(part: string): void {
  codeCacheOutcome()?.covered.add(part);
}

/** The provider bundle (CommonJS) to run. */
export interface Bundle {
  source: string;
  /** Its __filename (__dirname is the directory of it). */
  filename: string;
  /** The file standing for the code: its path, size, time and inode key the cache, so a new install or build starts a new one. */
  identityFile: string;
}

/** Compile and run `bundle` with the code cache; returns when it has run. */
export function runWithCodeCache(bundle: Bundle, env: NodeJS.ProcessEnv = process.env): void {
  const outcome: CodeCacheOutcome = { used: false, covered: new Set() };
  (globalThis as Record<symbol, CodeCacheOutcome>)[OUTCOME] = outcome;
  const file = cacheFile(bundle.identityFile, env);
  outcome.file = file;
  const cache = readCache(file, outcome);
  // The wrapper Node's CommonJS loader puts around a module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bundle.source}\n})`, {
    filename: bundle.filename,
    ...(cache ? { cachedData: cache.data } : {}),
  });
  if (cache && script.cachedDataRejected) outcome.reason = "rejected by V8 (made by another node or for another bundle)";
  outcome.used = Boolean(cache) && !script.cachedDataRejected;
  if (outcome.used) markUsed(file);
  const seen = outcome.used ? cache!.covered : new Set<string>();
  process.once("exit", () => {
    if (outcome.used && [...outcome.covered].every((part) => seen.has(part))) return;
    writeCache(script, file, new Set([...seen, ...outcome.covered]));
  });
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle.filename), module, bundle.filename, dirname(bundle.filename));
}

/** One file per node binary and installed bundle: a new node or a reinstall starts a new one. */
function cacheFile(identityFile: string, env: NodeJS.ProcessEnv): string {
  const { size, mtimeMs, ino } = statSync(identityFile);
  const key = createHash("sha256")
    .update(JSON.stringify([process.version, process.arch, process.execPath, identityFile, size, mtimeMs, ino]))
    .digest("hex")
    .slice(0, 32);
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "acme-tf", "code-cache", `${key}.bin`);
}

/**
 * The file: MAGIC, the SHA-256 of the rest, then what the cache covers (names joined by
 * commas, a line) and V8's data. Our own checksum: V8 would not catch every corruption.
 */
function readCache(file: string, outcome: CodeCacheOutcome): { data: Buffer; covered: Set<string> } | undefined {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") {
      outcome.reason = `unreadable: ${(cause as Error).message}`;
      return undefined;
    }
    outcome.reason = "no code cache yet for this node and bundle";
    try {
      // Said now, at debug level: at exit, when the cache is written, nobody would hear it.
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      outcome.reason += `, and none can be written: ${(error as Error).message}`;
    }
    return undefined;
  }
  const header = Buffer.from(MAGIC);
  const rest = content.subarray(header.length + CHECKSUM_BYTES);
  const checksum = content.subarray(header.length, header.length + CHECKSUM_BYTES);
  const lineEnd = rest.indexOf(0x0a);
  if (!content.subarray(0, header.length).equals(header) || !createHash("sha256").update(rest).digest().equals(checksum) || lineEnd < 0) {
    outcome.reason = "corrupt (header or checksum does not match)";
    return undefined;
  }
  const names = rest.subarray(0, lineEnd).toString();
  return { data: rest.subarray(lineEnd + 1), covered: new Set(names ? names.split(",") : []) };
}

/** At exit, so that every function compiled meanwhile is in it; atomic, so a reader never sees half a file. */
function writeCache(script: Script, file: string, covered: Set<string>): void {
  try {
    const rest = Buffer.concat([Buffer.from(`${[...covered].sort().join(",")}\n`), script.createCachedData()]);
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, Buffer.concat([Buffer.from(MAGIC), createHash("sha256").update(rest).digest(), rest]));
    renameSync(partial, file);
    prune(dirname(file), file);
  } catch {
    // Nothing to do at exit: the next start compiles without a cache, and logs why.
  }
}

function markUsed(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // A read-only cache still works; it may only be pruned sooner.
  }
}

/** Removes the caches no start has used for long, beyond the KEPT_FILES most recent, and abandoned partial files. */
function prune(directory: string, written: string): void {
  const now = Date.now();
  const lastUsed = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? now;
  const paths = readdirSync(directory).map((name) => join(directory, name));
  for (const path of paths.filter((p) => p.endsWith(".tmp"))) if (now - lastUsed(path) > ABANDONED_AFTER_MS) rmSync(path, { force: true });
  const caches = paths
    .filter((path) => path.endsWith(".bin") && path !== written)
    .map((path) => ({ path, usedMs: lastUsed(path) }))
    .sort((a, b) => b.usedMs - a.usedMs);
  caches.forEach(({ path, usedMs }, index) => {
    if (index >= KEPT_FILES - 1 || now - usedMs > UNUSED_FOR_MS) rmSync(path, { force: true });
  });
}
