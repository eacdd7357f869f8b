// A single executable of the provider (Node's single executable applications): the
// bundle, as a blob, injected into a copy of the platform's official node binary. It runs
// where no Node is installed. The blob is written by the build machine's node binary of
// the same version (the blob format is tied to the Node version); a V8 code cache is tied
// to the exact binary too, so it is only possible for the build machine's own platform.
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { inject } from "postject";
import { nodeBinary } from "./node-binary.js";
import { findPlatform, type Platform } from "./platforms.js";

const run = promisify(execFile);

/** Node's fixed sentinel (docs: "Single executable applications"). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

export interface SingleExecutableOptions {
  platform: Platform;
  /** The CommonJS bundle (dist/bundle/provider.cjs). */
  bundle: string;
  output: string;
  /** V8 code cache in the blob: the build machine's platform only. */
  codeCache?: boolean;
}

/** The platform of the machine building, in Terraform's naming (release builds on Linux). */
export function buildPlatform(): Platform {
  const arch = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch] ?? process.arch;
  return findPlatform(`${process.platform === "win32" ? "windows" : process.platform}_${arch}`);
}

export async function buildSingleExecutable(options: SingleExecutableOptions): Promise<void> {
  const builder = buildPlatform();
  if (options.codeCache && options.platform.name !== builder.name) {
    throw new Error(`a code cache can only be built for this machine's platform (${builder.name}), not ${options.platform.name}`);
  }
  const [target, blobWriter] = await Promise.all([nodeBinary(options.platform), nodeBinary(builder)]);
  const scratch = mkdtempSync(join(tmpdir(), "acme-tf-sea-"));
  try {
    const config = join(scratch, "sea-config.json");
    const blob = join(scratch, "provider.blob");
    writeFileSync(config, JSON.stringify({ main: options.bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: options.codeCache ?? false }));
    await run(blobWriter, ["--experimental-sea-config", config], { cwd: scratch, env: { ...process.env, NODE_OPTIONS: "" } });
    copyFileSync(target, options.output);
    chmodSync(options.output, 0o755);
    await inject(options.output, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: SEA_FUSE });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
