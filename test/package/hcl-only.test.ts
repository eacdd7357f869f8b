// The package in an HCL-only project: `npm install acme-tf` brings nothing else (no cdktf,
// no constructs: they are optional peers; no runtime dependencies: the provider is one
// bundle), its command answers --version and help, and the provider it installs issues a
// certificate with terraform from examples/exec, against the lab, with no node_modules
// beside it.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lab } from "../lab/index.js";
import { freshProject, installedPackages, npmInstall, ok, packTarball, REPOSITORY, scratchDir, userEnv } from "./support.js";

const environment = lab();

test("npm install acme-tf installs acme-tf alone, and its provider applies and destroys examples/exec", async () => {
  const project = freshProject("acme-tf-hcl-", { name: "certificates", version: "1.0.0", private: true });
  await npmInstall(project, [await packTarball()]);
  expect(installedPackages(project)).toEqual(["acme-tf"]);

  const version = (JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")) as { version: string }).version;
  expect(await ok("npx", ["acme-tf", "--version"], project)).toContain(`acme-tf ${version} (provider registry.terraform.io/acme-tf/acme)`);
  expect(await ok("npx", ["acme-tf", "help", "install"], project)).toContain("--dir");
  const plugins = scratchDir("acme-tf-plugins-");
  expect(await ok("npx", ["acme-tf", "install", "--dir", plugins], project)).toMatch(/Installed acme provider 0\.\d+\.\d+/);
  const stack = join(project, "stack");
  cpSync(join(REPOSITORY, "examples", "exec"), stack, { recursive: true });
  const cliConfig = join(project, ".terraformrc");
  writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${plugins}"\n  }\n}\n`);
  const env = userEnv({
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    // Trusted besides what Node already trusts (the machine's NODE_EXTRA_CA_CERTS is not dropped).
    LEGO_CA_CERTIFICATES: environment.caCertPath,
    TF_VAR_server_url: environment.acmeDirectory,
    TF_VAR_domain: `hcl-only.${environment.zone}`,
    TF_VAR_nsupdate_server: environment.authoritative,
    TF_VAR_tsig_key_file: environment.tsigKeyFile,
    TF_VAR_recursive_nameservers: JSON.stringify([environment.resolver]),
  });
  await ok("terraform", ["init", "-input=false", "-no-color"], stack, env);
  await ok("terraform", ["apply", "-auto-approve", "-input=false", "-no-color"], stack, env);
  const outputs = JSON.parse(await ok("terraform", ["output", "-json"], stack, env)) as Record<string, { value: string }>;
  expect(outputs.certificate_pem?.value).toContain("-----BEGIN CERTIFICATE-----");
  await ok("terraform", ["destroy", "-auto-approve", "-input=false", "-no-color"], stack, env);
});
