// The two static trees any HTTPS file server can publish the release with:
//   registry/  Terraform's provider registry protocol (service discovery, versions, one
//              download document per platform with the signing key), for `source =
//              "HOST/acme-tf/acme"` with HOST the base URL's host;
//   mirror/    the provider network mirror protocol, for `provider_installation {
//              network_mirror { url = ".../" } }` with the usual registry.terraform.io source.
// Both hold hard links to the release's files, so the trees are complete on their own.
import { copyFileSync, linkSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_TYPE, PROVIDER_VERSION } from "../../src/identity/index.js";
import type { Platform } from "./platforms.js";
import type { SigningKey } from "./signing.js";

export interface Artifact {
  platform: Platform;
  zip: string;
  /** File name of the zip. */
  filename: string;
  /** Hex SHA-256 of the zip (zh:). */
  shasum: string;
  /** h1: of the package the zip unpacks to. */
  h1: string;
}

export interface ReleaseFiles {
  directory: string;
  artifacts: Artifact[];
  protocols: string[];
  /** File names, in `directory`. */
  sums: string;
  signature: string;
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function place(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target); // another file system, or links not allowed
  }
}

/** `baseUrl`: where registry/ will be served, e.g. https://registry.example.com (optionally with a path). */
export function writeRegistryTree(release: ReleaseFiles, key: SigningKey, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  const root = join(release.directory, "registry");
  const provider = `v1/providers/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
  const files = `downloads/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}/${PROVIDER_VERSION}`;
  // Discovery is always asked of https://HOST/.well-known/terraform.json: an absolute URL
  // keeps a base path working (the server must then serve this file at its root).
  writeJson(join(root, ".well-known/terraform.json"), { "providers.v1": `${base}/v1/providers/` });
  writeJson(join(root, provider, "versions"), {
    versions: [{ version: PROVIDER_VERSION, protocols: release.protocols, platforms: release.artifacts.map(({ platform }) => ({ os: platform.os, arch: platform.arch })) }],
  });
  for (const name of [release.sums, release.signature, ...release.artifacts.map((artifact) => artifact.filename)]) {
    place(join(release.directory, name), join(root, files, name));
  }
  const url = (name: string) => `${base}/${files}/${name}`;
  for (const artifact of release.artifacts) {
    writeJson(join(root, provider, PROVIDER_VERSION, "download", artifact.platform.os, artifact.platform.arch), {
      protocols: release.protocols,
      os: artifact.platform.os,
      arch: artifact.platform.arch,
      filename: artifact.filename,
      download_url: url(artifact.filename),
      shasums_url: url(release.sums),
      shasums_signature_url: url(release.signature),
      shasum: artifact.shasum,
      signing_keys: { gpg_public_keys: [{ key_id: key.keyId, ascii_armor: key.asciiArmor }] },
    });
  }
  return root;
}

export function writeMirrorTree(release: Omit<ReleaseFiles, "sums" | "signature">): string {
  const root = join(release.directory, "mirror");
  const provider = join(root, PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_TYPE);
  writeJson(join(provider, "index.json"), { versions: { [PROVIDER_VERSION]: {} } });
  const archives: Record<string, { url: string; hashes: string[] }> = {};
  for (const artifact of release.artifacts) {
    place(artifact.zip, join(provider, artifact.filename));
    // Both hashes for every platform: a lock file made from the mirror is complete.
    archives[artifact.platform.name] = { url: artifact.filename, hashes: [artifact.h1, `zh:${artifact.shasum}`] };
  }
  writeJson(join(provider, `${PROVIDER_VERSION}.json`), { archives });
  return root;
}
