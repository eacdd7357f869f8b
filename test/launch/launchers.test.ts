// bin/terraform-provider-acme is a checked-in file, not generated: it must carry the same
// shell lines as the launchers written from src/launch (the Node package's, the release
// package's), so that a change to those reaches it too.
import { readFileSync } from "node:fs";
import { EXECUTABLE_LAUNCHER, HAND_OVER_EXTRA_CA_CERTS_SH, LAUNCHER_DIRECTORY_SH } from "../../src/launch/index.js";

const bin = readFileSync(new URL("../../bin/terraform-provider-acme", import.meta.url), "utf8");

test.each([
  ["finding its own directory, symlinks followed", LAUNCHER_DIRECTORY_SH],
  ["handing NODE_EXTRA_CA_CERTS over", HAND_OVER_EXTRA_CA_CERTS_SH],
])("the checkout's launcher has src/launch's lines for %s, as the release package's launcher does", (_what, lines) => {
  expect(bin).toContain(lines);
  expect(EXECUTABLE_LAUNCHER).toContain(lines);
});
