// The provider's V8 code cache, through the real launcher (bin/terraform-provider-acme ->
// start.cjs -> provider.cjs): written at the first exit, used by the next start, and any
// bad cache (corrupt, truncated, made for other code, unwritable) only costs the compile:
// the provider starts and serves, and its debug log says why.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { createHash } from "node:crypto";
import { killAllProviders, ProviderProcess } from "../harness/provider-process.js";

const dirs: string[] = [];
afterAll(async () => {
  await killAllProviders();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cacheHome(): string {
  const dir = mkdtempSync(join(tmpdir(), "acme-tf-code-cache-"));
  dirs.push(dir);
  return dir;
}

/** The single cache file under a cache home. */
function cacheFile(home: string): string {
  const dir = join(home, "acme-tf", "code-cache");
  const files = readdirSync(dir).filter((name) => name.endsWith(".bin"));
  expect(files).toHaveLength(1);
  return join(dir, files[0]!);
}

/** Start, serve one schema (and `also`), shut down; the code cache line of the debug log. */
async function start(home: string, also: (provider: ProviderProcess) => Promise<unknown> = async () => undefined): Promise<Record<string, unknown>> {
  const provider = await ProviderProcess.start({ env: { XDG_CACHE_HOME: home, TF_LOG: "DEBUG" } });
  const schema = await provider.rpc("GetProviderSchema");
  expect(Object.keys(schema.resource_schemas)).toContain("acme_certificate");
  await also(provider);
  const shutdown = await provider.shutdown();
  expect(shutdown.exit.code).toBe(0);
  const lines = provider.stderrLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const entry = lines.find((line) => /^code cache/.test(String(line["@message"])));
  expect(entry).toBeDefined();
  expect(entry!["@level"]).toBe("debug");
  return entry!;
}

test("written at the first exit, used by the next start", async () => {
  const home = cacheHome();
  expect(await start(home)).toMatchObject({ "@message": "code cache not used", reason: "no code cache yet for this node and bundle" });
  const file = cacheFile(home);
  expect(await start(home)).toMatchObject({ "@message": "code cache used", file });
});

/** What a cache file says it covers: the line after the header and checksum. */
function coverage(file: string): string {
  const content = readFileSync(file);
  const rest = content.subarray(content.indexOf(0x0a) + 1 + 32);
  return rest.subarray(0, rest.indexOf(0x0a)).toString();
}

test("a start that serves calls the cache has not seen writes it again, with them; a start it covers leaves it alone", async () => {
  const home = cacheHome();
  await start(home);
  const file = cacheFile(home);
  expect(coverage(file)).toBe("GetProviderSchema");
  const validate = async (provider: ProviderProcess) => {
    const block = (await provider.schemas()).provider;
    expect((await provider.rpc("ValidateProviderConfig", { config: provider.dynamicValue(block, {}) })).diagnostics).toEqual([]);
  };
  expect(await start(home, validate)).toMatchObject({ "@message": "code cache used" });
  expect(coverage(file)).toBe("GetProviderSchema,ValidateProviderConfig");
  const rewritten = readFileSync(file);
  expect(await start(home)).toMatchObject({ "@message": "code cache used" });
  expect(await start(home, validate)).toMatchObject({ "@message": "code cache used" });
  expect(readFileSync(file).equals(rewritten)).toBe(true);
});

test.each([
  ["a flipped byte", (content: Buffer) => Buffer.concat([content.subarray(0, -1), Buffer.from([content[content.length - 1]! ^ 0xff])]), /corrupt/],
  ["a truncated file", (content: Buffer) => content.subarray(0, content.length >> 1), /corrupt/],
  ["garbage", () => Buffer.from("not a cache"), /corrupt/],
  [
    "a well-formed cache made for other code (as by another node or bundle)",
    (content: Buffer) => {
      const header = content.subarray(0, content.indexOf(0x0a) + 1);
      const rest = Buffer.concat([Buffer.from("GetProviderSchema\n"), new Script("globalThis.other = 1 + 1").createCachedData()]);
      return Buffer.concat([header, createHash("sha256").update(rest).digest(), rest]);
    },
    /rejected by V8/,
  ],
] as const)("%s: starts and serves without it, says why at debug level, and writes a good one", async (_name, spoil, reason) => {
  const home = cacheHome();
  await start(home);
  const file = cacheFile(home);
  writeFileSync(file, spoil(readFileSync(file)));
  expect(await start(home)).toMatchObject({ "@message": "code cache not used", reason: expect.stringMatching(reason) });
  expect(await start(home)).toMatchObject({ "@message": "code cache used" });
});

test("a cache directory that cannot be made: starts and serves, and says so", async () => {
  const home = join(cacheHome(), "a-file");
  writeFileSync(home, "");
  expect(await start(home)).toMatchObject({ "@message": "code cache not used", reason: expect.stringMatching(/none can be written/) });
});

test("a new cache prunes the others: unused for a month, beyond the 16 most recent, and abandoned partial files; a cache in use stays fresh", async () => {
  const home = cacheHome();
  const dir = join(home, "acme-tf", "code-cache");
  mkdirSync(dir, { recursive: true });
  const day = 24 * 3600;
  const now = Date.now() / 1000;
  const old = (name: string, daysAgo: number) => {
    writeFileSync(join(dir, name), "old");
    utimesSync(join(dir, name), now - daysAgo * day, now - daysAgo * day);
  };
  old("month-old.bin", 31);
  for (let n = 0; n < 20; n++) old(`recent-${String(n).padStart(2, "0")}.bin`, n / 10);
  old("abandoned.bin.123.tmp", 1);
  old("writing.bin.456.tmp", 0);
  old("not-a-cache.txt", 100);
  await start(home); // no cache for this bundle yet: one is written, and the others pruned
  const left = readdirSync(dir).sort();
  const written = left.filter((name) => /^[0-9a-f]{32}\.bin$/.test(name));
  expect(written).toHaveLength(1);
  // The 15 most recently used of the others, so that 16 caches remain.
  expect(left.filter((name) => name.startsWith("recent-"))).toEqual(Array.from({ length: 15 }, (_, n) => `recent-${String(n).padStart(2, "0")}.bin`));
  expect(left).not.toContain("month-old.bin");
  expect(left).not.toContain("abandoned.bin.123.tmp");
  expect(left).toContain("writing.bin.456.tmp");
  expect(left).toContain("not-a-cache.txt");

  const file = join(dir, written[0]!);
  utimesSync(file, now - 10 * day, now - 10 * day);
  expect(await start(home)).toMatchObject({ "@message": "code cache used" });
  expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(60_000);
});
