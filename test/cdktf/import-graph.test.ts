// The provider's start-up is unaffected by the constructs: nothing the plugin entry point
// (dist/cli/provider.js) loads, statically or through import(), is cdktf, constructs or
// src/cdktf. Checked on the built files (what Terraform runs), and at run time.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const dist = new URL("../../dist/", import.meta.url).pathname;
const SPECIFIER = /(?:^|[;\s}])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|(?:^|[;\s])import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every file of dist/ reachable from `entry`, and every package specifier they name. */
function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith("node:")) packages.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
    }
  }
  return { files: [...files].map((file) => relative(dist, file)), packages };
}

beforeAll(() => {
  if (!existsSync(join(dist, "cli", "provider.js"))) throw new Error("dist/ is missing: run `npm run build` first");
});

test("the plugin entry point never imports cdktf, constructs or the constructs' code", () => {
  const { files, packages } = importGraph(join(dist, "cli", "provider.js"));
  expect(files).toContain("resources/index.js"); // the graph does follow the lazy import()s
  expect(files.filter((file) => file.startsWith("cdktf/"))).toEqual([]);
  expect([...packages].filter((name) => name === "cdktf" || name === "constructs" || name.startsWith("@cdktf/") || name === "cdktn")).toEqual([]);
});

test("loading what the plugin loads leaves cdktf out of the module cache", () => {
  const script = `
    await import(${JSON.stringify(join(dist, "plugin", "serve.js"))});
    await import(${JSON.stringify(join(dist, "provider", "provider.js"))});
    await import(${JSON.stringify(join(dist, "resources", "index.js"))});
    const { createRequire } = await import("node:module");
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify(loaded.filter((path) => /node_modules\\/(cdktf|constructs|@cdktf)\\//.test(path))));
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  expect(JSON.parse(output.trim().split("\n").pop()!)).toEqual([]);
  // The check itself works: the constructs do load cdktf.
  const control = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", `await import(${JSON.stringify(join(dist, "cdktf", "index.js"))}); const { createRequire } = await import("node:module"); console.log(Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes("/node_modules/cdktf/")));`],
    { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
  );
  expect(control.trim()).toBe("true");
});
