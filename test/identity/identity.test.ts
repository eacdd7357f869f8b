// The compiled-in identity must follow package.json, or `acme-tf install`, the release zips
// and the constructs' required_providers would name a version that was never published.
import { readFileSync } from "node:fs";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../../src/identity/index.js";

test("PROVIDER_VERSION is package.json's version (run `npm version`, which stamps it)", () => {
  const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  expect(PROVIDER_VERSION).toBe(version);
});

test("the source address is the one HCL and state written for this provider use", () => {
  expect(PROVIDER_SOURCE).toBe("registry.terraform.io/acme-tf/acme");
});
