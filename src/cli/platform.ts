// Terraform's names for operating systems and architectures (GOOS_GOARCH).

const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
const OS: Record<string, string> = { win32: "windows" };

/** Terraform's platform name for this machine, e.g. linux_amd64. */
export function terraformPlatform(): string {
  return `${OS[process.platform] ?? process.platform}_${ARCH[process.arch] ?? process.arch}`;
}
