// The npm package as users get it: `npm pack` of the built repository, installed with npm
// into fresh temporary projects. Installs prefer the local npm cache (`npm ci` of this
// repository fills it: every package these projects install is one of its
// devDependencies, at the version in its lockfile), so they rarely reach the registry.
// Tools a project only runs (jest, ts-jest, typescript, ts-node, @types) are linked from
// this repository's node_modules instead of installed, to keep the tests fast: what is
// under test, acme-tf and the library it extends, is always installed by npm.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";

export const REPOSITORY = new URL("../../", import.meta.url).pathname;

/** The version of a package in this repository's node_modules (its lockfile's). */
export function lockedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPOSITORY, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

/** The environment of a user's shell: this process's, without jest's NODE_OPTIONS. */
export function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== "NODE_OPTIONS" && !key.startsWith("npm_")) env[key] = value;
  return { ...env, CHECKPOINT_DISABLE: "1", ...extra };
}

export interface Run {
  exitCode: number;
  output: string;
}

/** Runs a command, stdout and stderr interleaved in `output`; never throws on exit codes. */
export async function run(command: string, args: string[], cwd: string, env: Record<string, string> = userEnv()): Promise<Run> {
  const result = await execa(command, args, { cwd, env, extendEnv: false, reject: false, stdin: "ignore", all: true, timeout: 300_000 });
  return { exitCode: result.exitCode ?? -1, output: String(result.all ?? "") };
}

/** `run`, failing with the command's output when it exits non-zero. */
export async function ok(command: string, args: string[], cwd: string, env?: Record<string, string>): Promise<string> {
  const result = await run(command, args, cwd, env);
  if (result.exitCode !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.exitCode} in ${cwd}:\n${result.output}`);
  return result.output;
}

const removals: string[] = [];
afterAll(() => {
  for (const dir of removals.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  removals.push(dir);
  return dir;
}

/** `npm pack` of the built repository: the tarball's path (removed after the test file). */
export async function packTarball(): Promise<string> {
  if (!existsSync(join(REPOSITORY, "dist", "constructs")) || !existsSync(join(REPOSITORY, "dist", "bundle"))) {
    throw new Error("dist/ is missing: run `npm run build` before the package tests");
  }
  const destination = scratchDir("acme-tf-pack-");
  const output = await ok("npm", ["pack", "--silent", "--pack-destination", destination], REPOSITORY);
  return join(destination, output.trim().split("\n").pop()!);
}

/** A fresh project directory with this package.json. */
export function freshProject(prefix: string, packageJson: object): string {
  const dir = scratchDir(prefix);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  return dir;
}

/** `npm install ARGS` in the project, from the cache where it can. */
export function npmInstall(dir: string, args: string[] = []): Promise<string> {
  return ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...args], dir);
}

/**
 * Link tools a project runs (and @types) from this repository's node_modules, with their
 * commands in node_modules/.bin. After the last `npm install`, which would prune them.
 */
export function linkTools(dir: string, names: string[]): void {
  const bin = join(dir, "node_modules", ".bin");
  mkdirSync(bin, { recursive: true });
  for (const name of names) {
    const source = join(REPOSITORY, "node_modules", name);
    const target = join(dir, "node_modules", name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target);
    const commands = (JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as { bin?: string | Record<string, string> }).bin;
    const entries = typeof commands === "string" ? { [name]: commands } : (commands ?? {});
    for (const [command, file] of Object.entries(entries)) symlinkSync(join(source, file), join(bin, command));
  }
}

/** The packages npm installed in a project: the top level of node_modules. */
export function installedPackages(dir: string): string[] {
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
  return Object.keys(lock.packages)
    .filter((path) => path.startsWith("node_modules/"))
    .map((path) => path.slice("node_modules/".length));
}

/** The lab's exec program (RFC 2136 updates with nsupdate), as a user would keep it in the project. */
export function execProgram(): string {
  return readFileSync(join(REPOSITORY, "examples", "exec", "nsupdate.sh"), "utf8");
}
