// The package in an ESM TypeScript project ("type": "module", module nodenext): the
// constructs are imported, type-checked against the ESM declarations, compiled by tsc and
// run by node, which loads the ESM build with the app's own cdktf (one instance: the
// constructs' classes are the app's cdktf classes).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshProject, linkTools, lockedVersion, npmInstall, ok, packTarball, run } from "./support.js";

const APP = `import { App, TerraformAsset, TerraformResource, TerraformStack, Testing } from "cdktf";
import { AcmeProvider, Certificate, DnsChallenge, Registration } from "acme-tf/cdktf";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const program = join(import.meta.dirname, "update-dns.sh");
writeFileSync(program, "#!/bin/sh\\nexit 0\\n");
chmodSync(program, 0o755);

const app = new App({ outdir: join(import.meta.dirname, "..", "cdktf.out") });
const stack = new TerraformStack(app, "esm");
new AcmeProvider(stack, "acme", { serverUrl: "https://acme.example.test/directory" });
const account = new Registration(stack, "account", { emailAddress: "admin@example.test" });
const asset = new TerraformAsset(stack, "program", { path: program });
const certificate: TerraformResource = new Certificate(stack, "certificate", {
  accountKeyPem: account.accountKeyPem,
  commonName: "www.example.test",
  dnsChallenge: [DnsChallenge.exec({ path: asset.path, pollingInterval: 1 })],
});
console.log("is a cdktf resource:", certificate instanceof TerraformResource);
app.synth();

// The synth checks run in this format too: a missing program is reported with its option.
const bad = new TerraformStack(Testing.app(), "bad");
new AcmeProvider(bad, "acme", { serverUrl: "https://acme.example.test/directory" });
new Certificate(bad, "certificate", { accountKeyPem: "\${var.key}", commonName: "www.example.test", dnsChallenge: [DnsChallenge.exec({ path: "/nonexistent/update-dns" })] });
try {
  Testing.synth(bad, true);
} catch (error) {
  console.log(String(error));
}
`;

test("an ESM app type-checks, compiles and synthesizes with the constructs, the synth checks included", async () => {
  const project = freshProject("acme-tf-esm-", { name: "esm-app", version: "1.0.0", private: true, type: "module" });
  await npmInstall(project, [`cdktf@${lockedVersion("cdktf")}`, `constructs@${lockedVersion("constructs")}`, await packTarball()]);
  linkTools(project, ["typescript", "@types/node"]);
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "nodenext", target: "es2022", strict: true, outDir: "dist", rootDir: "src", types: ["node"] }, include: ["src"] }),
  );
  mkdirSync(join(project, "src"));
  writeFileSync(join(project, "src", "main.ts"), APP);

  await ok(join(project, "node_modules", ".bin", "tsc"), [], project);
  const result = await run(process.execPath, ["dist/main.js"], project);
  expect(result.output).toContain("is a cdktf resource: true");
  expect(result.output).toContain('[bad/certificate] acme_certificate dns_challenge[0].config.EXEC_PATH (option "path" of DnsChallenge.exec): EXEC_PATH: /nonexistent/update-dns does not exist');
  expect(result.exitCode).toBe(0);

  const json = JSON.parse(readFileSync(join(project, "cdktf.out", "stacks", "esm", "cdk.tf.json"), "utf8")) as {
    terraform: { required_providers: Record<string, { source: string; version: string }> };
    resource: { acme_certificate: Record<string, { dns_challenge: { provider: string; config: Record<string, string> }[] }> };
  };
  expect(json.terraform.required_providers.acme).toEqual({ source: "registry.terraform.io/acme-tf/acme", version: expect.stringMatching(/^~> 0\.\d+\.\d+$/) });
  expect(json.resource.acme_certificate.certificate!.dns_challenge[0]!.config.EXEC_PATH).toMatch(/^assets\/program\//);
});
