// The package with cdktn (CDK Terrain, the maintained fork of cdktf), in the two layouts
// an app can have, each installed by npm without --legacy-peer-deps:
//   - cdktn under its own name (what `cdktn init` makes): the app imports "cdktn" and the
//     constructs from "acme-tf/cdktn", which extend cdktn's classes; npm must not add cdktf;
//   - cdktn installed under the name cdktf ("cdktf": "npm:cdktn@..."): the app and
//     "acme-tf/cdktf" both import "cdktf", which is cdktn.
// Either way one copy of the library is loaded, the synth checks run, and terraform
// validates the synthesized stack with the installed provider.
// The cdktn CLI (cdktn-cli) needs Node >= 22.19: its test runs only on such a Node (this
// project's machines have Node 20, where it is skipped); the apps here are run by node and
// ts-node as `cdktn synth` would run them.
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformWorkspace } from "../terraform/workspace.js";
import { freshProject, installedPackages, linkTools, lockedVersion, npmInstall, ok, packTarball, run } from "./support.js";

const CDKTN = lockedVersion("cdktn");
const CONSTRUCTS = lockedVersion("constructs");
let tarball: string;
const workspaces: TerraformWorkspace[] = [];

beforeAll(async () => {
  tarball = await packTarball();
});
afterAll(() => workspaces.forEach((workspace) => workspace.remove()));

/** A stack with a certificate whose exec program is a TerraformAsset, and one missing its provider. */
function app(library: string, constructs: string): string {
  return `import * as path from "path";
import { writeFileSync, chmodSync } from "fs";
import { App, TerraformAsset, TerraformOutput, TerraformResource, TerraformStack, Testing } from "${library}";
import { AcmeProvider, Certificate, DnsChallenge, Registration } from "${constructs}";

const program = path.join(__dirname, "update-dns.sh");
writeFileSync(program, "#!/bin/sh\\nexit 0\\n");
chmodSync(program, 0o755);

const app = new App({ outdir: path.join(__dirname, "cdktf.out") });
const stack = new TerraformStack(app, "certificates");
new AcmeProvider(stack, "acme", { serverUrl: "https://acme.example.test/directory" });
const account = new Registration(stack, "account", { emailAddress: "admin@example.test" });
const asset = new TerraformAsset(stack, "program", { path: program });
const certificate: TerraformResource = new Certificate(stack, "certificate", {
  accountKeyPem: account.accountKeyPem,
  commonName: "www.example.test",
  dnsChallenge: [DnsChallenge.exec({ path: asset.path, pollingInterval: 1 })],
});
new TerraformOutput(stack, "certificate_pem", { value: (certificate as Certificate).certificatePem });
console.log("extends the app's library:", certificate instanceof TerraformResource);
app.synth();

const bad = new TerraformStack(Testing.app(), "bad");
new Certificate(bad, "certificate", { accountKeyPem: "\${var.key}", commonName: "www.example.test", dnsChallenge: [DnsChallenge.exec({ path: "/nonexistent/update-dns" })] });
try {
  Testing.synth(bad, true);
} catch (error) {
  console.log(String(error));
}
`;
}

/** The cdktf-init-shaped compiler settings (CommonJS, node10 resolution) that cdktn init keeps. */
const TSCONFIG = JSON.stringify({ compilerOptions: { module: "CommonJS", target: "ES2018", lib: ["es2018"], strict: true, skipLibCheck: true, types: ["node"] }, include: ["*.ts"] });

async function synthesizeAndValidate(project: string): Promise<void> {
  writeFileSync(join(project, "tsconfig.json"), TSCONFIG);
  await ok(join(project, "node_modules", ".bin", "tsc"), ["--noEmit"], project);
  const result = await run(join(project, "node_modules", ".bin", "ts-node"), ["main.ts"], project);
  expect(result.output).toContain("extends the app's library: true");
  expect(result.output).toContain('[bad/certificate] acme_certificate needs an AcmeProvider in stack "bad"');
  expect(result.output).toContain('[bad/certificate] acme_certificate dns_challenge[0].config.EXEC_PATH (option "path" of DnsChallenge.exec): EXEC_PATH: /nonexistent/update-dns does not exist');
  expect(result.exitCode).toBe(0);

  const stackDir = join(project, "cdktf.out", "stacks", "certificates");
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { "//": { metadata: { version: string } }; terraform: { required_providers: Record<string, { source: string }> } };
  expect(json["//"].metadata.version).toBe(CDKTN); // synthesized by cdktn, whichever name it has
  expect(json.terraform.required_providers.acme?.source).toBe("registry.terraform.io/acme-tf/acme");
  const workspace = new TerraformWorkspace();
  workspaces.push(workspace);
  workspace.write("cdk.tf.json", JSON.stringify(json));
  cpSync(join(stackDir, "assets"), join(workspace.dir, "assets"), { recursive: true });
  await workspace.init();
  expect((await workspace.ok(["validate", "-no-color"])).stdout).toMatch(/Success! The configuration is valid/);
}

test("cdktn under its own name: acme-tf/cdktn extends it, and npm adds no cdktf", async () => {
  const project = freshProject("acme-tf-cdktn-", { name: "cdktn-app", version: "1.0.0", private: true });
  await npmInstall(project, [`cdktn@${CDKTN}`, `constructs@${CONSTRUCTS}`, tarball]);
  expect(installedPackages(project)).not.toContain("cdktf");
  linkTools(project, ["typescript", "ts-node", "@types/node"]);
  writeFileSync(join(project, "main.ts"), app("cdktn", "acme-tf/cdktn"));
  await synthesizeAndValidate(project);
});

test('cdktn installed as "cdktf" (npm:cdktn@...): acme-tf/cdktf extends it, with no peer conflict', async () => {
  const project = freshProject("acme-tf-cdktn-alias-", { name: "cdktn-alias-app", version: "1.0.0", private: true });
  await npmInstall(project, [`cdktf@npm:cdktn@${CDKTN}`, `constructs@${CONSTRUCTS}`, tarball]);
  expect((JSON.parse(readFileSync(join(project, "node_modules", "cdktf", "package.json"), "utf8")) as { name: string }).name).toBe("cdktn");
  expect(installedPackages(project)).not.toContain("cdktn");
  linkTools(project, ["typescript", "ts-node", "@types/node"]);
  writeFileSync(join(project, "main.ts"), app("cdktf", "acme-tf/cdktf"));
  await synthesizeAndValidate(project);
});

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const cliNode = major > 22 || (major === 22 && minor >= 19);
(cliNode ? test : test.skip)("cdktn synth with the cdktn CLI (cdktn-cli needs Node >= 22.19; skipped on older Node)", async () => {
  const project = freshProject("acme-tf-cdktn-cli-", { name: "cdktn-cli-app", version: "1.0.0", private: true });
  await npmInstall(project, [`cdktn@${CDKTN}`, `cdktn-cli@${CDKTN}`, `constructs@${CONSTRUCTS}`, tarball]);
  linkTools(project, ["typescript", "ts-node", "@types/node"]);
  writeFileSync(join(project, "main.ts"), app("cdktn", "acme-tf/cdktn").replace(/\nconst bad[\s\S]*$/, "\n"));
  writeFileSync(join(project, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", terraformProviders: [], terraformModules: [], context: {} }));
  await ok(join(project, "node_modules", ".bin", "cdktn"), ["synth"], project);
  expect(existsSync(join(project, "cdktf.out", "stacks", "certificates", "cdk.tf.json"))).toBe(true);
});
