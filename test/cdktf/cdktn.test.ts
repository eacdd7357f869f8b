// The constructs with cdktn (CDK Terrain, the maintained fork of cdktf): an app depends on
// cdktn under the name cdktf (`"cdktf": "npm:cdktn@^0.24"`), so acme-tf/cdktf's classes
// extend cdktn's. Here a sandbox project is laid out that way (the built package copied
// in, `cdktf` pointing at cdktn), and a cdktn app is synthesized: same JSON, same synth
// checks, and terraform validates it with the installed provider. Mixing the two libraries
// (a cdktf construct in a cdktn stack) is not supported by cdktn itself.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { TerraformWorkspace } from "../terraform/workspace.js";
import { expectValidForProvider, type SynthesizedJson } from "./support.js";

const repository = new URL("../../", import.meta.url).pathname;
const program = join(repository, "examples", "exec", "nsupdate.sh");
let sandbox: string;
let workspace: TerraformWorkspace;

beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), "acme-tf-cdktn-"));
  const modules = join(sandbox, "node_modules");
  mkdirSync(join(modules, "acme-tf"), { recursive: true });
  cpSync(join(repository, "dist"), join(modules, "acme-tf", "dist"), { recursive: true });
  cpSync(join(repository, "package.json"), join(modules, "acme-tf", "package.json"));
  for (const name of readdirSync(join(repository, "node_modules"))) {
    if (name === "cdktf" || name.startsWith(".")) continue;
    symlinkSync(join(repository, "node_modules", name), join(modules, name));
  }
  symlinkSync(join(repository, "node_modules", "cdktn"), join(modules, "cdktf"));
  writeFileSync(join(sandbox, "package.json"), JSON.stringify({ name: "cdktn-app", private: true, type: "module", dependencies: { cdktf: "npm:cdktn@^0.24", "acme-tf": "*" } }));
  workspace = new TerraformWorkspace();
});

afterAll(() => {
  rmSync(sandbox, { recursive: true, force: true });
  workspace?.remove();
});

async function runApp(source: string): Promise<{ exitCode: number; output: string }> {
  writeFileSync(join(sandbox, "main.mjs"), source);
  const result = await execa(process.execPath, ["main.mjs"], { cwd: sandbox, reject: false, all: true, env: { NODE_OPTIONS: "", CDKTF_OUTDIR: join(sandbox, "cdktf.out") } });
  return { exitCode: result.exitCode ?? -1, output: String(result.all) };
}

test("a cdktn app synthesizes the constructs, and terraform validates the result", async () => {
  const { exitCode, output } = await runApp(`
import { App, TerraformOutput, TerraformStack } from "cdktn";
import { AcmeProvider, Certificate, DnsChallenge, Registration } from "acme-tf/cdktf";
import { createRequire } from "node:module";
const app = new App();
const stack = new TerraformStack(app, "certificates");
new AcmeProvider(stack, "acme", { serverUrl: "https://acme.example.test/directory" });
const account = new Registration(stack, "account", { emailAddress: "admin@example.test" });
const certificate = new Certificate(stack, "certificate", {
  accountKeyPem: account.accountKeyPem,
  commonName: "www.example.test",
  dnsChallenge: [DnsChallenge.exec({ path: ${JSON.stringify(program)}, pollingInterval: 1 })],
});
new TerraformOutput(stack, "certificate_pem", { value: certificate.certificatePem });
app.synth();
const cdktf = createRequire(import.meta.url).resolve("cdktf");
console.log("cdktf is", cdktf.includes("/cdktn/") ? "cdktn" : cdktf);
`);
  expect(output).toContain("cdktf is cdktn");
  expect(exitCode).toBe(0);
  const json = JSON.parse(readFileSync(join(sandbox, "cdktf.out", "stacks", "certificates", "cdk.tf.json"), "utf8")) as SynthesizedJson & { "//": { metadata: { version: string } } };
  expect(json["//"].metadata.version).toMatch(/^0\.2[4-9]\./); // cdktn's version, not cdktf's 0.21
  expect(json.terraform?.required_providers?.acme?.source).toBe("registry.terraform.io/acme-tf/acme");
  expect(json.output?.certificate_pem?.value).toBe("${acme_certificate.certificate.certificate_pem}");
  await expectValidForProvider(json);

  workspace.write("cdk.tf.json", JSON.stringify(json));
  await workspace.init();
  expect((await workspace.ok(["validate", "-no-color"])).stdout).toMatch(/Success! The configuration is valid/);
});

test("the synth checks run under cdktn too", async () => {
  const { exitCode, output } = await runApp(`
import { App, TerraformStack } from "cdktn";
import { Certificate, DnsChallenge } from "acme-tf/cdktf";
const app = new App();
const stack = new TerraformStack(app, "bad");
new Certificate(stack, "certificate", { accountKeyPem: "\${var.key}", commonName: "www.example.test", dnsChallenge: [DnsChallenge.exec({ path: "/nonexistent/update-dns" })] });
app.synth();
`);
  expect(exitCode).not.toBe(0);
  expect(output).toContain('[bad/certificate] acme_certificate needs an AcmeProvider in stack "bad"');
  expect(output).toContain('[bad/certificate] acme_certificate dns_challenge[0].config.EXEC_PATH (option "path" of DnsChallenge.exec): EXEC_PATH: /nonexistent/update-dns does not exist');
});
