// `acme-tf install`: put the provider's Node package where `terraform init` finds it
// without a registry, in the implied local mirror layout (unpacked):
// DIR/registry.terraform.io/acme-tf/acme/VERSION/OS_ARCH/{terraform-provider-acme_vVERSION,provider.cjs}
import { rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../identity/index.js";
import { writeNodePackage } from "./node-package.js";
import { terraformPlatform } from "./platform.js";

export function defaultPluginDirectory(): string {
  return join(homedir(), ".terraform.d", "plugins");
}

export interface InstallResult {
  executable: string;
  version: string;
}

export function installProvider(pluginDirectory = defaultPluginDirectory()): InstallResult {
  const directory = join(pluginDirectory, PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
  // A fresh directory: a file left from an older layout would change the package's hash.
  rmSync(directory, { recursive: true, force: true });
  return { executable: writeNodePackage(directory), version: PROVIDER_VERSION };
}
