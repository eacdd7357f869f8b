// The single executable's entry point (its SEA main script): the provider bundle, an asset
// of the executable, run with the code cache the Node package uses, made on the user's
// machine for this executable and for the calls Terraform makes. A cache in the blob
// (useCodeCache) would make the release zips unreproducible, and holds only what compiling
// the bundle's top level gives.
import { getAsset } from "node:sea";
import { runWithCodeCache } from "./code-cache.js";
import { BUNDLE_FILE } from "./package-files.js";

// In a single executable __filename is the executable itself, as Node's own SEA main gets it.
runWithCodeCache({ source: getAsset(BUNDLE_FILE, "utf8"), filename: process.execPath, identityFile: process.execPath });
