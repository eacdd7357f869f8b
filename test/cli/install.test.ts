// The install paths the README promises: `acme-tf install` into a plugin directory that
// `terraform init` reads, and the launcher working through a symlink (dev_overrides).
import { execa } from "execa";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/plugin/handshake.js";
import { PROVIDER_SOURCE, terraformPlatform } from "../../src/cli/install.js";

const REPO = new URL("../../", import.meta.url).pathname;
const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
const scratch = mkdtempSync(join(tmpdir(), "acme-tf-install-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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

test("acme-tf install places an executable provider in the implied local mirror layout, and says how to use it", async () => {
  const dir = join(scratch, "plugins");
  const result = await execa("node", [join(REPO, "bin/acme-tf"), "install", "--dir", dir], { env: { NODE_OPTIONS: "" } });
  const executable = join(dir, PROVIDER_SOURCE, version, terraformPlatform(), `terraform-provider-acme_v${version}`);
  expect(result.stdout).toContain(`Installed acme provider ${version} as ${executable}`);
  expect(result.stdout).toContain(`source  = "${PROVIDER_SOURCE}"`);
  accessSync(executable, constants.X_OK);
  // No PLUGIN_CLIENT_CERT here: served without TLS, so the certificate field is empty.
  expect(await handshakeLine(executable)).toMatch(/^1\|6\|unix\|\/.+\.sock\|grpc\|$/);

  // Run by hand (no magic cookie): the plugin message, exit 1.
  const byHand = await execa(executable, [], { reject: false, env: { NODE_OPTIONS: "" } });
  expect(byHand.exitCode).toBe(1);
  expect(byHand.stderr).toMatch(/This binary is a plugin/);
  expect(byHand.stdout).toBe("");
});

test("acme-tf without a known command prints its usage and exits 2", async () => {
  const result = await execa("node", [join(REPO, "bin/acme-tf"), "instal"], { reject: false, env: { NODE_OPTIONS: "" } });
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toMatch(/unknown command "instal"[\s\S]*Usage: acme-tf install \[--dir DIR\]/);
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
  const env = { TF_CLI_CONFIG_FILE: join(work, "cli.tfrc"), TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", NODE_OPTIONS: "" };
  await execa("terraform", ["apply", "-auto-approve", "-no-color"], { cwd: work, env });
  const output = await execa("terraform", ["output", "-raw", "url"], { cwd: work, env });
  expect(output.stdout).toBe("https://acme.example.test/directory");
});
