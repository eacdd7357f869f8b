// The install paths the README promises: `acme-tf install` puts a self-contained Node
// package into a plugin directory that `terraform init` reads, its h1: hash pins the code
// and is the same from any checkout; the launcher works through a symlink (dev_overrides).
import { execa } from "execa";
import { accessSync, appendFileSync, constants, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/plugin/handshake.js";
import { PROVIDER_SOURCE, PROVIDER_VERSION as version } from "../../src/identity/index.js";
import { terraformPlatform } from "../../src/cli/platform.js";

const REPO = new URL("../../", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "acme-tf-install-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const TF_ENV = { TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", NODE_OPTIONS: "" };

/** The first line the provider prints, as Terraform reads it. */
function handshakeLine(executable: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, [], { env: { ...process.env, NODE_OPTIONS: "", [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) {
        child.kill("SIGKILL");
        resolve(out.split("\n")[0]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`provider exited (${code}) before its handshake`)));
  });
}

const acmeTf = (args: string[], checkout = REPO) => execa("node", [join(checkout, "bin/acme-tf"), ...args], { reject: false, env: { NODE_OPTIONS: "" } });

function packageDirectory(pluginDirectory: string): string {
  return join(pluginDirectory, PROVIDER_SOURCE, version, terraformPlatform());
}

test("acme-tf install places the Node package (launcher + loader + bundle, no absolute paths) in the implied local mirror layout", async () => {
  const dir = join(scratch, "plugins");
  const result = await acmeTf(["install", "--dir", dir]);
  expect(result.exitCode).toBe(0);
  const executable = join(packageDirectory(dir), `terraform-provider-acme_v${version}`);
  expect(result.stdout).toContain(`Installed acme provider ${version} as ${executable}`);
  expect(result.stdout).toContain(`source  = "${PROVIDER_SOURCE}"`);
  expect(readdirSync(packageDirectory(dir)).sort()).toEqual(["provider.cjs", "start.cjs", `terraform-provider-acme_v${version}`]);
  accessSync(executable, constants.X_OK);
  for (const name of readdirSync(packageDirectory(dir))) {
    const text = readFileSync(join(packageDirectory(dir), name), "utf8");
    expect(text).not.toContain(REPO);
    expect(text).not.toContain(dir);
  }
  // No PLUGIN_CLIENT_CERT here: served without TLS, so the certificate field is empty.
  expect(await handshakeLine(executable)).toMatch(/^1\|6\|unix\|\/.+\.sock\|grpc\|$/);

  // Run by hand (no magic cookie): the plugin message, exit 1.
  const byHand = await execa(executable, [], { reject: false, env: { NODE_OPTIONS: "" } });
  expect(byHand.exitCode).toBe(1);
  expect(byHand.stderr).toMatch(/This binary is a plugin/);
  expect(byHand.stdout).toBe("");

  // The checkout is not needed once installed: the package holds the provider's code.
  const moved = join(scratch, "moved");
  cpSync(packageDirectory(dir), moved, { recursive: true });
  expect(await handshakeLine(join(moved, `terraform-provider-acme_v${version}`))).toMatch(/^1\|6\|unix\|/);
});

test("without node on PATH, the Node package says so and names the single executable, also through terraform", async () => {
  const dir = join(scratch, "plugins-no-node");
  expect((await acmeTf(["install", "--dir", dir])).exitCode).toBe(0);
  const executable = join(packageDirectory(dir), `terraform-provider-acme_v${version}`);
  const direct = await execa(executable, [], { reject: false, env: { PATH: join(scratch, "empty-path") } });
  expect(direct.exitCode).toBe(1);
  expect(direct.stderr).toMatch(/there is no `node` on PATH[\s\S]*single executable, which needs no Node/);

  const work = join(scratch, "no-node-work");
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "cli.tfrc"), `provider_installation {\n  filesystem_mirror {\n    path = "${dir}"\n  }\n}\n`);
  writeFileSync(join(work, "main.tf"), `terraform {\n  required_providers {\n    acme = { source = "${PROVIDER_SOURCE}" }\n  }\n}\ndata "acme_server_url" "this" {}\n`);
  const env = { ...TF_ENV, TF_CLI_CONFIG_FILE: join(work, "cli.tfrc") };
  await execa("terraform", ["init", "-no-color"], { cwd: work, env });
  // terraform found by absolute path, the provider inherits a PATH without node.
  const plan = await execa(await terraformPath(), ["plan", "-no-color"], { cwd: work, env: { ...env, PATH: join(scratch, "empty-path") }, reject: false });
  expect(plan.exitCode).toBe(1);
  expect(plan.stderr.replace(/\s+/g, " ")).toMatch(/there is no `node` on PATH/);
});

async function terraformPath(): Promise<string> {
  return (await execa("sh", ["-c", "command -v terraform"])).stdout.trim();
}

/** What `terraform init` records for the installed package: its h1: hash. */
async function lockedHash(pluginDirectory: string, name: string): Promise<string> {
  const work = join(scratch, `lock-${name}`);
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "cli.tfrc"), `provider_installation {\n  filesystem_mirror {\n    path = "${pluginDirectory}"\n  }\n}\n`);
  writeFileSync(join(work, "main.tf"), `terraform {\n  required_providers {\n    acme = { source = "${PROVIDER_SOURCE}" }\n  }\n}\n`);
  await execa("terraform", ["init", "-no-color"], { cwd: work, env: { ...TF_ENV, TF_CLI_CONFIG_FILE: join(work, "cli.tfrc") } });
  const hashes = /hashes = \[([^\]]*)\]/.exec(readFileSync(join(work, ".terraform.lock.hcl"), "utf8"))![1]!.match(/"h1:[^"]+"/g);
  expect(hashes).toHaveLength(1);
  return hashes![0]!;
}

/** A checkout at another path: what `acme-tf install` reads from it (built dist/ and bin/). */
function checkout(name: string): string {
  const root = join(scratch, name, "some", "deeper", "path");
  for (const part of ["bin", "dist/cli", "dist/identity", "dist/launch", "dist/bundle", "package.json"]) cpSync(join(REPO, part), join(root, part), { recursive: true });
  return root;
}

test("two checkouts at different paths install byte-identical packages (same h1:), and a changed bundle changes it", async () => {
  const first = checkout("clone-a");
  const second = checkout("clone-b-elsewhere");
  expect((await acmeTf(["install", "--dir", join(scratch, "plugins-a")], first)).exitCode).toBe(0);
  expect((await acmeTf(["install", "--dir", join(scratch, "plugins-b")], second)).exitCode).toBe(0);
  const [a, b] = await Promise.all([lockedHash(join(scratch, "plugins-a"), "a"), lockedHash(join(scratch, "plugins-b"), "b")]);
  expect(b).toBe(a);

  appendFileSync(join(second, "dist/bundle/provider.cjs"), "\n// changed\n");
  expect((await acmeTf(["install", "--dir", join(scratch, "plugins-c")], second)).exitCode).toBe(0);
  expect(await lockedHash(join(scratch, "plugins-c"), "c")).not.toBe(a);
});

test("acme-tf --version, --help and help COMMAND", async () => {
  const versionResult = await acmeTf(["--version"]);
  expect(versionResult.exitCode).toBe(0);
  expect(versionResult.stdout).toBe(`acme-tf ${version} (provider ${PROVIDER_SOURCE})`);

  const help = await acmeTf(["--help"]);
  expect(help.exitCode).toBe(0);
  expect(help.stdout).toMatch(/Usage: acme-tf COMMAND[\s\S]*install +Install the provider[\s\S]*help +Show the commands/);

  const installHelp = await acmeTf(["help", "install"]);
  expect(installHelp.exitCode).toBe(0);
  expect(installHelp.stdout).toMatch(/^Usage: acme-tf install \[--dir DIR\][\s\S]*--dir DIR +the plugin directory/);
  expect((await acmeTf(["install", "--help"])).stdout).toBe(installHelp.stdout);

  const unknownHelp = await acmeTf(["help", "instal"]);
  expect(unknownHelp.exitCode).toBe(2);
  expect(unknownHelp.stderr).toMatch(/unknown command "instal"/);
});

test("acme-tf without a known command prints its usage and exits 2", async () => {
  const result = await acmeTf(["instal"]);
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toMatch(/unknown command "instal"[\s\S]*Usage: acme-tf COMMAND/);
  const none = await acmeTf([]);
  expect(none.exitCode).toBe(2);
  expect(none.stderr).toMatch(/Usage: acme-tf COMMAND/);
});

test("the launcher works through a symlink, as dev_overrides uses it with the real terraform", async () => {
  const overrides = join(scratch, "overrides");
  const work = join(scratch, "work");
  for (const d of [overrides, work]) mkdirSync(d, { recursive: true });
  symlinkSync(join(REPO, "bin/terraform-provider-acme"), join(overrides, "terraform-provider-acme"));
  expect(await handshakeLine(join(overrides, "terraform-provider-acme"))).toMatch(/^1\|6\|unix\|/);

  writeFileSync(join(work, "cli.tfrc"), `provider_installation {\n  dev_overrides {\n    "${PROVIDER_SOURCE}" = "${overrides}"\n  }\n  direct {}\n}\n`);
  writeFileSync(
    join(work, "main.tf"),
    `terraform {\n  required_providers {\n    acme = { source = "${PROVIDER_SOURCE}" }\n  }\n}\n` +
      `provider "acme" {\n  server_url = "https://acme.example.test/directory"\n}\n` +
      `data "acme_server_url" "this" {}\noutput "url" {\n  value = data.acme_server_url.this.server_url\n}\n`,
  );
  const env = { ...TF_ENV, TF_CLI_CONFIG_FILE: join(work, "cli.tfrc") };
  await execa("terraform", ["apply", "-auto-approve", "-no-color"], { cwd: work, env });
  const output = await execa("terraform", ["output", "-raw", "url"], { cwd: work, env });
  expect(output.stdout).toBe("https://acme.example.test/directory");
});
