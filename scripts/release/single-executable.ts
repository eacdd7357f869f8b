// A single executable of the provider (Node's single executable applications): a blob
// injected into a copy of the platform's official node binary, holding the loader
// (sea-start.cjs) as its main script and the bundle as an asset. It runs where no Node is
// installed. The blob is written by the build machine's node binary of the same version
// (the blob format is tied to the Node version). No V8 code cache in it: the loader makes
// one on the user's machine (src/launch/sea-start.ts), and the zips stay reproducible.
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { inject } from "postject";
import { providerExecutableName, BUILT_BUNDLE } from "../../src/cli/node-package.js";
import { BUNDLE_FILE, EXECUTABLE_FILE, EXECUTABLE_LAUNCHER, SEA_LOADER_FILE } from "../../src/launch/index.js";
import { nodeBinary } from "./node-binary.js";
import { findPlatform, type Platform } from "./platforms.js";

const run = promisify(execFile);

/** Node's fixed sentinel (docs: "Single executable applications"). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

export interface SingleExecutableOptions {
  platform: Platform;
  /** The CommonJS bundle (dist/bundle/provider.cjs); the loader is built next to it. */
  bundle: string;
  output: string;
}

/** The platform of the machine building, in Terraform's naming (release builds on Linux). */
export function buildPlatform(): Platform {
  const arch = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch] ?? process.arch;
  return findPlatform(`${process.platform === "win32" ? "windows" : process.platform}_${arch}`);
}

export async function buildSingleExecutable(options: SingleExecutableOptions): Promise<void> {
  const [target, blobWriter] = await Promise.all([nodeBinary(options.platform), nodeBinary(buildPlatform())]);
  const scratch = mkdtempSync(join(tmpdir(), "acme-tf-sea-"));
  try {
    const config = join(scratch, "sea-config.json");
    const blob = join(scratch, "provider.blob");
    const sea = {
      main: join(dirname(options.bundle), SEA_LOADER_FILE),
      assets: { [BUNDLE_FILE]: options.bundle },
      output: blob,
      disableExperimentalSEAWarning: true,
    };
    writeFileSync(config, JSON.stringify(sea));
    await run(blobWriter, ["--experimental-sea-config", config], { cwd: scratch, env: { ...process.env, NODE_OPTIONS: "" } });
    copyFileSync(target, options.output);
    chmodSync(options.output, 0o755);
    await inject(options.output, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: SEA_FUSE });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * A platform's release package in `directory`, as its zip holds it (name -> path): on
 * Windows the single executable under the provider's name; elsewhere the launcher
 * (src/launch/executable-launcher.ts) under that name and the executable beside it.
 */
export async function buildReleasePackage(platform: Platform, directory: string): Promise<Record<string, string>> {
  mkdirSync(directory, { recursive: true });
  const name = providerExecutableName(platform.os);
  const windows = platform.os === "windows";
  const executable = join(directory, windows ? name : EXECUTABLE_FILE);
  const files = windows ? { [name]: executable } : { [name]: join(directory, name), [EXECUTABLE_FILE]: executable };
  if (!windows) writeFileSync(files[name]!, EXECUTABLE_LAUNCHER, { mode: 0o755 });
  await buildSingleExecutable({ platform, bundle: BUILT_BUNDLE, output: executable });
  return files;
}
