// `npm run release`: the provider's release files in release/, in the layout registries
// and goreleaser-based providers use, plus static registry and network-mirror trees.
//
//   npm run release -- --base-url https://registry.example.com [--platforms linux_amd64,...]
//   npm run release -- --unsigned          (no signature, no registry tree: mirror only)
//
// Signs with the gpg key whose fingerprint is in GPG_FINGERPRINT (RSA). A platform whose
// Node.js binary cannot be had is named in the error; the others are still built.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BUILT_BUNDLE } from "../src/cli/node-package.js";
import { PROVIDER_TYPE, PROVIDER_VERSION } from "../src/identity/index.js";
import { SUPPORTED_PROTOCOLS } from "../src/plugin/index.js";
import { packageHashV1, sha256File } from "./release/hashes.js";
import { findPlatform, PLATFORMS, type Platform } from "./release/platforms.js";
import { signDetached, signingKey, type SigningKey } from "./release/signing.js";
import { buildReleasePackage } from "./release/single-executable.js";
import { writeMirrorTree, writeRegistryTree, type Artifact } from "./release/trees.js";
import { zipExecutables } from "./release/zip.js";

const USAGE = `Usage: npm run release -- (--base-url URL | --unsigned) [--platforms ${PLATFORMS.map((p) => p.name).join(",")}] [--out DIR]`;

class UsageError extends Error {}

interface Options {
  out: string;
  baseUrl?: string;
  unsigned: boolean;
  platforms: Platform[];
}

function options(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { "base-url": { type: "string" }, unsigned: { type: "boolean", default: false }, platforms: { type: "string" }, out: { type: "string" } } });
  const baseUrl = values["base-url"];
  if (baseUrl !== undefined && !/^https:\/\/[^/]+/.test(baseUrl)) throw new UsageError(`--base-url must be an https:// URL (Terraform fetches providers over HTTPS only); got "${baseUrl}"`);
  if (!values.unsigned && baseUrl === undefined) {
    throw new UsageError("--base-url is missing: the registry tree's documents point at absolute URLs, so give the HTTPS URL release/registry/ will be served at (or --unsigned for release/mirror/ only)");
  }
  let platforms: Platform[];
  try {
    platforms = values.platforms ? values.platforms.split(",").map((name) => findPlatform(name.trim())) : [...PLATFORMS];
  } catch (cause) {
    throw new UsageError(`--platforms: ${(cause as Error).message}`);
  }
  return { out: resolve(values.out ?? "release"), baseUrl, unsigned: values.unsigned, platforms };
}

async function key(unsigned: boolean): Promise<SigningKey | undefined> {
  if (unsigned) return undefined;
  const fingerprint = process.env.GPG_FINGERPRINT;
  if (!fingerprint) {
    throw new UsageError(
      "GPG_FINGERPRINT is not set: a registry serves only a release whose SHA256SUMS is signed. " +
        "Set GPG_FINGERPRINT to the fingerprint of your RSA signing key (`gpg --list-secret-keys`), " +
        "or pass --unsigned for a release without signature (release/mirror/ only: a registry cannot serve it).",
    );
  }
  return signingKey(fingerprint);
}

async function buildArtifact(platform: Platform, directory: string): Promise<Artifact> {
  const build = join(directory, ".build", platform.name);
  try {
    const files = await buildReleasePackage(platform, build);
    const filename = `terraform-provider-${PROVIDER_TYPE}_${PROVIDER_VERSION}_${platform.name}.zip`;
    const zip = join(directory, filename);
    await zipExecutables(files, zip);
    return { platform, zip, filename, shasum: await sha256File(zip), h1: await packageHashV1(files) };
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}

async function release(argv: string[]): Promise<number> {
  const opts = options(argv);
  const signing = await key(opts.unsigned); // before the long build: a missing key fails now
  if (!existsSync(BUILT_BUNDLE)) throw new UsageError(`${BUILT_BUNDLE} is missing: run \`npm run build\` first (\`npm run release\` does)`);
  rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });

  const artifacts: Artifact[] = [];
  const failures: string[] = [];
  // One platform at a time: each executable is ~100 MB of memory and disk while it is built.
  for (const platform of opts.platforms) {
    try {
      artifacts.push(await buildArtifact(platform, opts.out));
      process.stderr.write(`release: built ${platform.name}\n`);
    } catch (cause) {
      failures.push(`${platform.name}: ${(cause as Error).message}`);
    }
  }
  rmSync(join(opts.out, ".build"), { recursive: true, force: true });
  if (artifacts.length === 0) throw new Error(`no platform could be built:\n  ${failures.join("\n  ")}`);

  const prefix = `terraform-provider-${PROVIDER_TYPE}_${PROVIDER_VERSION}`;
  const protocols = [...SUPPORTED_PROTOCOLS].sort().map((version) => `${version}.0`);
  const manifest = `${prefix}_manifest.json`;
  writeFileSync(join(opts.out, manifest), `${JSON.stringify({ version: 1, metadata: { protocol_versions: protocols } }, null, 2)}\n`);
  const sums = `${prefix}_SHA256SUMS`;
  const summed = [...artifacts.map((artifact) => artifact.filename), manifest].sort();
  const lines = await Promise.all(summed.map(async (name) => `${await sha256File(join(opts.out, name))}  ${name}\n`));
  writeFileSync(join(opts.out, sums), lines.join(""));

  writeMirrorTree({ directory: opts.out, artifacts, protocols });
  if (signing) {
    const signature = `${sums}.sig`;
    await signDetached(signing, join(opts.out, sums), join(opts.out, signature));
    writeRegistryTree({ directory: opts.out, artifacts, protocols, sums, signature }, signing, opts.baseUrl!);
    process.stderr.write(`release: ${opts.out}: ${artifacts.length} zips, signed by ${signing.fingerprint}; registry/ for ${opts.baseUrl}, mirror/\n`);
  } else {
    process.stderr.write(`release: ${opts.out}: ${artifacts.length} zips, UNSIGNED (no .sig, no registry/: a registry cannot serve an unsigned release); mirror/\n`);
  }
  if (failures.length > 0) {
    process.stderr.write(`release: these platforms were not built:\n  ${failures.join("\n  ")}\n`);
    return 1;
  }
  return 0;
}

release(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (cause: unknown) => {
    process.stderr.write(`release: ${cause instanceof Error ? cause.message : String(cause)}\n${cause instanceof UsageError ? `\n${USAGE}\n` : ""}`);
    process.exitCode = cause instanceof UsageError ? 2 : 1;
  },
);
