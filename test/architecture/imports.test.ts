// The layout of src/ stays what it says: no import circles, and a file outside a folder
// reaches it only through the folder's front file (index.ts), or a second front named
// below where one side of a folder must load without the other (lazily, or in the CDKTF
// constructs' bundle). Read from the sources: type-only imports count too.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const src = new URL("../../src/", import.meta.url).pathname;

/** Fronts besides index.ts, and why each exists. */
const EXTRA_FRONTS: Record<string, Record<string, string>> = {
  acme: {
    "issuance.ts": "issuing and reading CSRs load @peculiar/x509 (~140 ms): imported lazily",
    "vocabulary.ts": "key types and revocation reasons: plain data the declarations (and the constructs' bundle) load without the ACME client",
  },
  dns: { "runtime.ts": "answering challenges (execa, HTTP) loads only at apply; index.ts only describes and checks" },
  plugin: { "serve.ts": "serving over gRPC is the provider binary's business alone" },
  provider: { "declarations.ts": "attribute declarations and validators: plain data the constructs' bundle loads without the framework" },
  resources: { "declarations.ts": "every resource's declarations: plain data the constructs and their generators load without the provider's runtime" },
};


const SPECIFIER = /(?:^|[\s;}])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [relative(src, path)] : [];
  });
}

/** A file's specifiers: relative ones as paths under src/ (".js" names the ".ts" file), packages as they are. */
function specifiersOf(file: string): string[] {
  const text = readFileSync(join(src, file), "utf8").replaceAll(/^\s*\/\/.*$/gm, "");
  return [...text.matchAll(SPECIFIER)]
    .map((match) => match[1] ?? match[2] ?? match[3]!)
    .map((specifier) => (specifier.startsWith(".") ? relative(src, resolve(src, dirname(file), specifier)).replace(/\.js$/, ".ts") : specifier));
}

const files = sourceFiles(src);
const specifiers = new Map(files.map((file) => [file, specifiersOf(file)]));
const graph = new Map(files.map((file) => [file, specifiers.get(file)!.filter((specifier) => specifier.endsWith(".ts"))]));

/** `entry` and every file it imports, directly or not. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(...(graph.get(file) ?? []));
  }
  return seen;
}
const topFolder = (file: string) => (file.includes("/") ? file.split("/")[0]! : "");

/** A folder's fronts: index.ts, the folder's only file if it has one, and its extra fronts. */
function isFront(file: string): boolean {
  const [folder, ...rest] = file.split("/");
  const inside = rest.join("/");
  const own = files.filter((candidate) => topFolder(candidate) === folder);
  return inside === "index.ts" || own.length === 1 || inside in (EXTRA_FRONTS[folder!] ?? {});
}

/** Modules generated at build time, declared by a .d.ts beside where they will be. */
const declared = new Set(files.filter((file) => file.endsWith(".d.ts")).map((file) => file.replace(/\.d\.ts$/, ".ts")));

it("reads every import (the graph is not empty, and each target exists)", () => {
  expect(graph.get("dns/index.ts")).toContain("dns/registry.ts");
  const missing = [...graph].flatMap(([file, targets]) => targets.filter((target) => !graph.has(target) && !declared.has(target)).map((target) => `${file} -> ${target}`));
  expect(missing).toEqual([]);
});

it("has no import circles", () => {
  // Tarjan's strongly connected components: any with two files or more is a circle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) circles.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  expect(circles).toEqual([]);
});

it("reaches other folders only through their front files", () => {
  const past = [...graph]
    .flatMap(([file, targets]) => targets.filter((target) => topFolder(target) !== topFolder(file) && !isFront(target)).map((target) => `${file} -> ${target}`));
  expect(past).toEqual([]);
  // Every extra front exists.
  for (const [folder, fronts] of Object.entries(EXTRA_FRONTS)) for (const front of Object.keys(fronts)) expect(files).toContain(`${folder}/${front}`);
});

it("describing DNS providers loads none of their run-time code (the CDKTF constructs bundle the descriptions)", () => {
  for (const entry of ["dns/index.ts", "cdktf/index.ts"]) {
    const loaded = [...reachable(entry)];
    expect(loaded).toContain("dns/registry.ts");
    expect(loaded.filter((file) => ["dns/runtime.ts", "dns/factories.ts", "dns/solver.ts"].includes(file) || file.endsWith("/runtime.ts"))).toEqual([]);
    expect(loaded.filter((file) => specifiers.get(file)!.some((specifier) => specifier === "execa" || specifier === "node:https"))).toEqual([]);
  }
  // The check sees what the runtime loads.
  expect([...reachable("dns/runtime.ts")].filter((file) => specifiers.get(file)!.includes("execa"))).toEqual(["dns/exec/program.ts"]);
});

it("keeps dependencies pointing inward: plugin and acme use only the logger and the helpers below them, which use nothing", () => {
  const allowed: Record<string, string[]> = { plugin: ["log", "shared"], acme: ["log", "shared", "http"], shared: [], http: [], log: [] };
  const outward = [...graph].flatMap(([file, targets]) => {
    const folder = topFolder(file);
    const permitted = allowed[folder];
    if (!permitted) return [];
    return targets.filter((target) => topFolder(target) !== folder && !permitted.includes(topFolder(target))).map((target) => `${file} -> ${target}`);
  });
  expect(outward).toEqual([]);
});
