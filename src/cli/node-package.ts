// The Node package of the provider: what `acme-tf install` puts in a plugin directory.
//   terraform-provider-acme_vVERSION   a POSIX sh launcher: runs start.cjs with the node on PATH
//   start.cjs                          runs provider.cjs with a V8 code cache (src/launch)
//   provider.cjs                       the whole provider, bundled by `npm run build`
// Terraform's lock file hashes every file of the package directory (h1:), so the code is
// pinned, and nothing in it depends on where or by whom it was installed: two installs of
// one version are byte-identical. Terraform picks the package's executable by its name
// (terraform-provider-acme followed by "_" or "."), so the bundle's name must not start so.
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PROVIDER_TYPE, PROVIDER_VERSION } from "../identity/index.js";
import { BUNDLE_FILE, HAND_OVER_EXTRA_CA_CERTS_SH, LAUNCHER_DIRECTORY_SH, LOADER_FILE } from "../launch/index.js";

// From src/cli (tsx) and from dist/cli alike.
export const BUILT_BUNDLE = fileURLToPath(new URL(`../../dist/bundle/${BUNDLE_FILE}`, import.meta.url));

/** terraform-provider-acme_v0.1.0, with .exe for Windows: the name Terraform looks for. */
export function providerExecutableName(os: string = process.platform === "win32" ? "windows" : process.platform): string {
  return `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}${os === "windows" ? ".exe" : ""}`;
}

export const NO_NODE_MESSAGE =
  "acme-tf provider: this package of the provider runs on Node.js 20.9 or later, and there is no `node` on PATH (nor ACME_TF_NODE). " +
  "Install Node.js, or use the provider's single executable, which needs no Node: the release zips, installed by `terraform init` from a registry or network mirror (see the README, \"Installing the provider\").";

// `exec`: Terraform signals this process, and a shell left in between would orphan node.
// The message goes to stdout too: Terraform shows a plugin's unexpected first line.
const LAUNCHER = `#!/bin/sh
# acme-tf provider (Node package): runs ${BUNDLE_FILE}, next to this file, with node >= 20.9.
node=\${ACME_TF_NODE:-node}
if ! command -v "$node" >/dev/null 2>&1; then
  message='${NO_NODE_MESSAGE.replaceAll("'", "'\\''")}'
  echo "$message"
  echo "$message" >&2
  exit 1
fi
${LAUNCHER_DIRECTORY_SH}${HAND_OVER_EXTRA_CA_CERTS_SH}exec "$node" "$dir/${LOADER_FILE}" "$@"
`;

/** Writes the Node package into `directory`; returns the executable's path. */
export function writeNodePackage(directory: string, bundle = BUILT_BUNDLE): string {
  if (!existsSync(bundle)) throw new Error(`the provider bundle ${bundle} is missing: run \`npm run build\` first`);
  mkdirSync(directory, { recursive: true });
  for (const [from, name] of [[bundle, BUNDLE_FILE], [join(dirname(bundle), LOADER_FILE), LOADER_FILE]] as const) {
    copyFileSync(from, join(directory, name));
    chmodSync(join(directory, name), 0o644);
  }
  const executable = join(directory, providerExecutableName());
  writeFileSync(executable, LAUNCHER);
  chmodSync(executable, 0o755);
  return executable;
}
