// How the provider process is launched: what the launchers (bin/terraform-provider-acme,
// the one `acme-tf install` writes) do before node runs, and its undoing in the provider;
// the loaders (start.ts and, in the single executable, sea-start.ts) that run the bundle
// with a V8 code cache.
export { DEFERRED_EXTRA_CA_CERTS, HAND_OVER_EXTRA_CA_CERTS_SH, LAUNCHER_DIRECTORY_SH, restoreLauncherEnvironment } from "./launcher-environment.js";
export { codeCacheOutcome, markCovered, type CodeCacheOutcome } from "./code-cache.js";
export { BUNDLE_FILE, LOADER_FILE, SEA_LOADER_FILE } from "./package-files.js";
export { EXECUTABLE_FILE, EXECUTABLE_LAUNCHER } from "./executable-launcher.js";
