// `acme-tf install`: put the provider where `terraform init` finds it without a
// registry, in the implied local mirror layout (unpacked):
// DIR/registry.terraform.io/acme-tf/acme/VERSION/OS_ARCH/terraform-provider-acme_vVERSION
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROVIDER_SOURCE = "registry.terraform.io/acme-tf/acme";

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function providerVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** Terraform's platform name for this machine, e.g. linux_amd64. */
export function terraformPlatform(): string {
  const arch = ({ x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform}_${arch}`;
}

export function defaultPluginDirectory(): string {
  return join(homedir(), ".terraform.d", "plugins");
}

export interface InstallResult {
  executable: string;
  version: string;
}

export function installProvider(pluginDirectory = defaultPluginDirectory()): InstallResult {
  const version = providerVersion();
  const directory = join(pluginDirectory, PROVIDER_SOURCE, version, terraformPlatform());
  mkdirSync(directory, { recursive: true });
  const executable = join(directory, `terraform-provider-acme_v${version}`);
  const entry = join(PACKAGE_ROOT, "dist", "bundle", "provider.js");
  // The node that ran the install, so Terraform finds it even without node on its PATH;
  // `exec` so Terraform's signals reach node itself.
  writeFileSync(executable, `#!/bin/sh\nexec "\${ACME_TF_NODE:-${process.execPath}}" "${entry}" "$@"\n`);
  chmodSync(executable, 0o755);
  return { executable, version };
}
