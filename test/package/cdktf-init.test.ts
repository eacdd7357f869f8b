// The user's path in a stock `cdktf init --template=typescript` project (CommonJS,
// ts-node, Jest with ts-jest), with nothing of its configuration changed: the project is
// laid out from cdktf-cli's own template files, the packed acme-tf and cdktf are installed
// by npm, and the CDKTF guide's example files (docs/guides/cdktf.md) are added as written.
// Then what the guide says to run: tsc, the project's Jest (Testing.synth with
// toHaveResourceWithProperties, and the synth checks), `cdktf synth`, and `cdktf deploy`
// against the lab with the provider the package installs (`npx acme-tf install`): the
// certificate has its names, a second plan is empty, and `cdktf destroy` revokes it.
// (cdktf init itself is not run: it installs the latest typescript and jest, which this
// offline machine cannot; the tools are this repository's, at the template's major versions.)
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { certStatus, lab } from "../lab/index.js";
import { writeGuideFiles } from "./guide.js";
import { freshProject, linkTools, lockedVersion, npmInstall, ok, packTarball, REPOSITORY, run, scratchDir, userEnv } from "./support.js";

const environment = lab();
const TEMPLATE = join(REPOSITORY, "node_modules", "cdktf-cli", "bundle", "templates", "typescript");
const cdktfCli = join(REPOSITORY, "node_modules", ".bin", "cdktf");
let project: string;

/** The project `cdktf init --template=typescript --project-name=certificates` writes. */
function initProject(): string {
  const dir = freshProject("acme-tf-cdktf-init-", {});
  const values: Record<string, string> = { $base: "certificates", projectId: "00000000-0000-4000-8000-000000000000", sendCrashReports: "false", futureFlags: "" };
  cpSync(TEMPLATE, dir, { recursive: true, filter: (source) => !/\.hooks\.sscaff\.js$|\/help$/.test(source) });
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const path = join(dir, name);
    if (name.includes("{{}}")) renameSync(path, join(dir, name.replace("{{}}", "")));
  }
  for (const name of ["package.json", "cdktf.json", "main.ts"]) {
    const path = join(dir, name);
    writeFileSync(path, readFileSync(path, "utf8").replace(/\{\{ *(\$?\w+) *\}\}/g, (_, key: string) => values[key] ?? ""));
  }
  return dir;
}

beforeAll(async () => {
  const tarball = await packTarball();
  project = initProject();
  // The template's post hook installs cdktf and constructs@10 (its tools are linked), and
  // the guide adds acme-tf: one npm install for both.
  await npmInstall(project, [`cdktf@${lockedVersion("cdktf")}`, `constructs@${lockedVersion("constructs")}`, tarball]);
  linkTools(project, ["typescript", "jest", "ts-jest", "ts-node", "@types/jest", "@types/node"]);
  writeGuideFiles(project);
}, 300_000);

test("the guide's example type-checks under the template's tsconfig, and its Jest tests pass", async () => {
  // The template's own compiler settings (module CommonJS: `require` and node10 resolution).
  await ok(join(project, "node_modules", ".bin", "tsc"), ["--noEmit", "--incremental", "false"], project);
  const jest = await run(join(project, "node_modules", ".bin", "jest"), ["--ci"], project, userEnv());
  expect(jest.output).toMatch(/Tests:\s+2 passed, 2 total/);
  expect(jest.exitCode).toBe(0);
});

test("a type error in the app is reported against the constructs' types", async () => {
  const broken = join(project, "broken.ts");
  writeFileSync(
    broken,
    `import { App, TerraformResource, TerraformStack } from "cdktf";
import { Certificate } from "acme-tf/cdktf";
export const resource: TerraformResource = new Certificate(new TerraformStack(new App(), "s"), "c", { accountKeyPem: "k", commonName: 42 });
`,
  );
  try {
    const result = await run(join(project, "node_modules", ".bin", "tsc"), ["--noEmit", "--incremental", "false"], project);
    expect(result.exitCode).not.toBe(0);
    // The only error: the constructs extend the app's cdktf classes, and their props are typed.
    expect(result.output.trim().split("\n")).toEqual([expect.stringMatching(/^broken\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/)]);
  } finally {
    rmSync(broken);
  }
});

test("cdktf synth and cdktf deploy of the guide's example issue the certificate; cdktf destroy removes it", async () => {
  const plugins = scratchDir("acme-tf-plugins-");
  await ok("npx", ["acme-tf", "install", "--dir", plugins], project);
  const home = scratchDir("acme-tf-home-");
  const cliConfig = join(home, ".terraformrc");
  writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${plugins}"\n  }\n}\n`);
  // The guide's advice for a private CA: the lab's CA appended to what Node already trusts.
  const trusted = join(home, "ca.pem");
  writeFileSync(trusted, [process.env.NODE_EXTRA_CA_CERTS, environment.caCertPath].filter(Boolean).map((file) => readFileSync(file!, "utf8")).join("\n"));
  const domain = `cdktf-init.${environment.zone}`;
  const env = userEnv({
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    CI: "1",
    NODE_EXTRA_CA_CERTS: trusted,
    ACME_SERVER_URL: environment.acmeDirectory,
    CERT_DOMAIN: domain,
    NSUPDATE_SERVER: environment.authoritative,
    NSUPDATE_KEY_FILE: environment.tsigKeyFile,
    RECURSIVE_NAMESERVERS: environment.resolver,
  });
  const stackDir = join(project, "cdktf.out", "stacks", "certificates");

  await ok(cdktfCli, ["synth"], project, env);
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { terraform: { required_providers: Record<string, { source: string }> } };
  expect(json.terraform.required_providers.acme?.source).toBe("registry.terraform.io/acme-tf/acme");
  // Offline, cdktf's own init would ask the registry for checksums: init first (see the guide).
  await ok("terraform", ["init", "-input=false", "-no-color"], stackDir, env);
  await ok(cdktfCli, ["deploy", "certificates", "--auto-approve"], project, env);
  const outputs = JSON.parse(await ok("terraform", ["output", "-json"], stackDir, env)) as Record<string, { value: string }>;
  const names = execFileSync("openssl", ["x509", "-noout", "-ext", "subjectAltName"], { input: outputs.certificate_pem!.value, encoding: "utf8" });
  expect(names).toContain(`DNS:${domain}`);
  expect(names).toContain(`DNS:*.${domain}`);
  const plan = await run("terraform", ["plan", "-detailed-exitcode", "-input=false", "-no-color"], stackDir, env);
  expect(plan.exitCode).toBe(0);

  await ok(cdktfCli, ["destroy", "certificates", "--auto-approve"], project, env);
  expect((await ok("terraform", ["state", "list"], stackDir, env)).trim()).toBe("");
  const serial = execFileSync("openssl", ["x509", "-noout", "-serial"], { input: outputs.certificate_pem!.value, encoding: "utf8" }).trim().replace(/^serial=/, "");
  expect((await certStatus(environment.managementUrl, serial, environment.caCertPath)).Status).toBe("Revoked");
});
