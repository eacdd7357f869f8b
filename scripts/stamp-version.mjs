// `npm version` hook: copies package.json's new version into src/identity/index.ts, the
// provider's compiled-in identity, and stages it with the version commit.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../src/identity/index.ts", import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const source = readFileSync(file, "utf8");
const stamped = source.replace(/^export const PROVIDER_VERSION = ".*";$/m, `export const PROVIDER_VERSION = ${JSON.stringify(version)};`);
if (stamped === source && !source.includes(`PROVIDER_VERSION = ${JSON.stringify(version)}`)) {
  throw new Error("stamp-version: PROVIDER_VERSION not found in src/identity/index.ts");
}
writeFileSync(file, stamped);
