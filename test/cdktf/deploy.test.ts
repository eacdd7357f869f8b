// End to end: the example CDKTF app's acme-dns stack (cdktf.json at the repository root,
// examples/cdktf) is synthesized by the cdktf CLI with the lab's values, and deployed with
// `cdktf deploy`, which drives the real terraform CLI with this provider installed in a
// filesystem mirror, against Pebble, bind9 and unbound and the acme-dns stand-in. The
// certificate is checked with openssl, and `cdktf destroy` must leave nothing. (The exec
// path is deployed from the packed package, in a cdktf init project: test/package.)
//
// Offline, `cdktf deploy` would run `terraform providers lock`, which asks the registry;
// a `terraform init` in the stack's directory first (the mirror answers it) writes the lock
// file, and cdktf then goes straight to the apply.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { startAcmeDnsServer, type AcmeDnsServer } from "../acme-dns-server/server.js";
import { dig, fetchPebbleRoots, lab } from "../lab/index.js";
import { TerraformWorkspace } from "../terraform/workspace.js";

const environment = lab();
const repository = new URL("../../", import.meta.url).pathname;
const cdktfBin = join(repository, "node_modules", ".bin", "cdktf");
const removals: (() => void)[] = [];
afterAll(() => removals.forEach((remove) => remove()));

/** A scratch workspace only for its CLI config: the filesystem mirror holding this provider. */
function cliConfigFile(): string {
  const ws = new TerraformWorkspace();
  removals.push(() => ws.remove());
  return join(ws.dir, ".terraformrc");
}

function baseEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== "NODE_OPTIONS") env[key] = value;
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfigFile(),
    NODE_EXTRA_CA_CERTS: environment.caCertPath,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    CI: "1",
    ACME_SERVER_URL: environment.acmeDirectory,
    NSUPDATE_SERVER: environment.authoritative,
    NSUPDATE_KEY_FILE: environment.tsigKeyFile,
    RECURSIVE_NAMESERVERS: environment.resolver,
    ...extra,
  };
}

async function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  const result = await execa(command, args, { cwd, env, extendEnv: false, reject: false, stdin: "ignore", all: true, timeout: 300_000 });
  if (result.exitCode !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.exitCode}\n${result.all}`);
  return String(result.stdout);
}

function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  removals.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** openssl verify of the leaf against Pebble's root, the chain as untrusted intermediates. */
async function verify(certificatePem: string, issuerPem: string): Promise<string> {
  const dir = scratchDir("acme-tf-cdktf-verify-");
  const roots = await fetchPebbleRoots(environment.managementUrl, environment.caCertPath);
  writeFileSync(join(dir, "cert.pem"), certificatePem);
  writeFileSync(join(dir, "chain.pem"), issuerPem);
  writeFileSync(join(dir, "root.pem"), roots.root);
  return execFileSync("openssl", ["verify", "-CAfile", join(dir, "root.pem"), "-untrusted", join(dir, "chain.pem"), join(dir, "cert.pem")], { encoding: "utf8" });
}

interface Deployment {
  outdir: string;
  stackDir: string;
  env: Record<string, string>;
  cdktf(args: string[]): Promise<string>;
  terraform(args: string[]): Promise<string>;
}

function deployment(stack: string, extraEnv: Record<string, string>): Deployment {
  const outdir = scratchDir("acme-tf-cdktf-out-");
  // The state files go with the rest, not into the repository (cdktf's default: the synth's directory).
  const env = baseEnv({ STATE_DIR: outdir, ...extraEnv });
  const stackDir = join(outdir, "stacks", stack);
  return {
    outdir,
    stackDir,
    env,
    cdktf: (args) => run(cdktfBin, [...args, "--output", outdir], repository, env),
    terraform: (args) => run("terraform", args, stackDir, env),
  };
}

async function outputs(d: Deployment): Promise<Record<string, { value: unknown }>> {
  return JSON.parse(await d.terraform(["output", "-json"])) as Record<string, { value: unknown }>;
}

describe("the acme-dns example", () => {
  let server: AcmeDnsServer;
  beforeAll(async () => {
    // Port 53 of the lab's acme-dns address is shared with the other acme-dns tests: wait for it.
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        server = await startAcmeDnsServer({ domain: environment.acmeDnsZone!, dnsAddress: environment.acmeDnsAddress!, dnsPort: 53 });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  });
  afterAll(() => server?.stop());

  test("registration, CNAME and certificate in one cdktf deploy", async () => {
    const domain = `cdktf-acme-dns.${environment.zone}`;
    const d = deployment("acme-dns", {
      CERT_DOMAIN: `cdktf-unused.${environment.zone}`,
      ACME_DNS_URL: server.apiBase,
      ACME_DNS_ALLOWFROM: "127.0.0.0/8",
      ACME_DNS_DOMAIN: domain,
      NSUPDATE_ZONE: environment.zone,
    });
    await d.cdktf(["synth"]);
    await d.terraform(["init", "-input=false", "-no-color"]);
    await d.cdktf(["deploy", "acme-dns", "--auto-approve"]);

    const values = await outputs(d);
    const record = String(values.cname_record!.value);
    const fulldomain = record.replace(/^.* CNAME /, "");
    expect(record).toBe(`_acme-challenge.${domain}. CNAME ${fulldomain}`);
    expect((await dig(environment.authoritative, `_acme-challenge.${domain}.`, "CNAME")).map((answer) => answer.data)).toEqual([fulldomain]);
    expect(await verify(String(values.certificate_pem!.value), String(values.issuer_pem!.value))).toMatch(/cert\.pem: OK/);
    expect(server.requests.filter((request) => request.path === "/update").length).toBe(2);

    await d.cdktf(["destroy", "acme-dns", "--auto-approve"]);
    expect((await d.terraform(["state", "list"])).trim()).toBe("");
    expect(await dig(environment.authoritative, `_acme-challenge.${domain}.`, "CNAME")).toEqual([]);
  });
});
