// The files of the provider's Node package, as the launcher and the loader name them.

/** The whole provider, bundled by `npm run build`. */
export const BUNDLE_FILE = "provider.cjs";
/** What the launcher runs: the bundle, with a V8 code cache (code-cache.ts). */
export const LOADER_FILE = "start.cjs";
/** The single executable's main script: the bundle (an asset of the executable), with the code cache. */
export const SEA_LOADER_FILE = "sea-start.cjs";
