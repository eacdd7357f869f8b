// The packed package, linted as registries and bundlers see it: publint (package.json
// against the files it ships) and @arethetypeswrong/cli (every entry point's types under
// node10, node16 from CommonJS and from ESM, and bundler resolution) report nothing; what
// it ships is what runs; the constructs' builds do not contain the provider's runtime.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ok, packTarball, REPOSITORY, run } from "./support.js";

let tarball: string;
beforeAll(async () => {
  tarball = await packTarball();
});

const bin = (name: string) => join(REPOSITORY, "node_modules", ".bin", name);

test("publint finds nothing, strict", async () => {
  const result = await run(bin("publint"), ["run", tarball, "--strict"], REPOSITORY);
  expect(result.output).toContain("All good!");
  expect(result.exitCode).toBe(0);
});

test("@arethetypeswrong/cli finds no problem in any entry point", async () => {
  const result = await run(bin("attw"), [tarball, "--format", "ascii"], REPOSITORY);
  expect(result.output).toContain("No problems found");
  expect(result.exitCode).toBe(0);
});

test("the package ships what runs, and nothing twice", async () => {
  const listing = await ok("tar", ["-tzf", tarball], REPOSITORY);
  const files = listing.trim().split("\n").map((path) => path.replace(/^package\//, ""));
  expect(files).toEqual(expect.arrayContaining(["LICENSE", "CHANGELOG.md", "README.md", "package.json", "dist/bundle/provider.cjs", "dist/constructs/cdktf.cjs", "dist/constructs/cdktf.js"]));
  // No source maps (their sources are not shipped), no unbundled copy of the provider, no tests.
  expect(files.filter((path) => path.endsWith(".map") || path.startsWith("src/") || path.startsWith("test/") || /^dist\/(plugin|provider|resources|acme|dns)\//.test(path))).toEqual([]);
  const manifest = JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")) as Record<string, unknown>;
  expect(manifest.dependencies).toBeUndefined(); // the bundles contain them
  expect(manifest.keywords).toEqual(expect.arrayContaining(["cdktf", "terraform-provider"]));
});

test("the constructs' builds hold descriptions, not the DNS providers' runtime", () => {
  for (const file of ["cdktf.js", "cdktf.cjs", "cdktn.js", "cdktn.cjs"]) {
    const text = readFileSync(join(REPOSITORY, "dist", "constructs", file), "utf8");
    // esbuild marks each bundled module with its path in a comment.
    const modules = [...text.matchAll(/^\/\/ (\S+)$/gm)].map((match) => match[1]!);
    expect(modules.filter((path) => path.startsWith("node_modules/") && !path.startsWith("node_modules/constructs/"))).toEqual([]);
  }
});
