// Synth benchmark of the CDKTF constructs: a stack with N certificates (default 100), each
// with an exec dns_challenge, synthesized
//   - in process: app.synth() with the synth checks (the first one starts the validation
//     worker and loads the provider's validation code), again with every check cached,
//     and with skipValidation (the constructs alone);
//   - by the CLI: `cdktf synth` running this file as the app (what users wait for).
//
//   npm run build && npx tsx bench/synth.ts [--certificates 100] [--runs 3] [--no-cli]
//
// It uses the built package (acme-tf/cdktf -> dist/), as an app would. A report, not a
// test: it always exits 0.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, TerraformStack } from "cdktf";
import { AcmeProvider, Certificate, DnsChallenge, Registration } from "acme-tf/cdktf";
import { median, positiveIntegerFlag } from "./measure.js";

const PROGRAM = fileURLToPath(new URL("../examples/exec/nsupdate.sh", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

function buildApp(certificates: number, options: { outdir?: string; skipValidation?: boolean } = {}): App {
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), skipValidation: options.skipValidation ?? false });
  const stack = new TerraformStack(app, "bench");
  new AcmeProvider(stack, "acme", { serverUrl: "https://acme.example.test/directory" });
  const account = new Registration(stack, "account", { emailAddress: "hostmaster@example.test" });
  for (let index = 0; index < certificates; index++) {
    new Certificate(stack, `certificate-${index}`, {
      accountKeyPem: account.accountKeyPem,
      commonName: `host-${index}.example.test`,
      subjectAlternativeNames: [`*.host-${index}.example.test`],
      keyType: "P256",
      dnsChallenge: [DnsChallenge.exec({ path: PROGRAM, pollingInterval: 1, extraEnv: { NSUPDATE_SERVER: "192.0.2.53" } })],
    });
  }
  return app;
}

function time(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function main(): void {
  const certificates = positiveIntegerFlag(process.argv, "--certificates", 100);
  if (process.env.ACME_TF_BENCH_APP) {
    // Run by `cdktf synth` as the app.
    buildApp(certificates).synth();
    return;
  }
  const runs = positiveIntegerFlag(process.argv, "--runs", 3);
  const scratch = mkdtempSync(join(tmpdir(), "acme-tf-bench-synth-"));
  try {
    const line = (label: string, ms: number | undefined) => process.stdout.write(`${label.padEnd(58)} ${(ms ?? NaN).toFixed(0).padStart(6)} ms\n`);
    process.stdout.write(`stack of ${certificates} certificates (+ provider, registration), ${runs} runs each, median\n`);

    const first: number[] = [];
    const cached: number[] = [];
    const unchecked: number[] = [];
    const construct: number[] = [];
    for (let run = 0; run < runs; run++) {
      let app!: App;
      construct.push(time(() => (app = buildApp(certificates, { outdir: join(scratch, `first-${run}`) }))));
      first.push(time(() => app.synth()));
      cached.push(time(() => app.synth()));
      const plain = buildApp(certificates, { outdir: join(scratch, `plain-${run}`), skipValidation: true });
      unchecked.push(time(() => plain.synth()));
    }
    line("constructing the stack", median(construct));
    line("app.synth() with synth checks (worker + provider validation)", median(first));
    line("app.synth() again (checks cached)", median(cached));
    line("app.synth() with skipValidation", median(unchecked));

    if (!process.argv.includes("--no-cli")) {
      const cli: number[] = [];
      for (let run = 0; run < runs; run++) {
        const outdir = join(scratch, `cli-${run}`);
        const env: NodeJS.ProcessEnv = { ...process.env, ACME_TF_BENCH_APP: "1", CHECKPOINT_DISABLE: "1", CI: "1" };
        delete env.NODE_OPTIONS;
        cli.push(
          time(() =>
            execFileSync(join(REPO_ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--app", `npx tsx bench/synth.ts --certificates ${certificates}`, "--output", outdir], {
              cwd: REPO_ROOT,
              env,
              stdio: "ignore",
            }),
          ),
        );
      }
      line("cdktf synth (CLI, app run through npx tsx)", median(cli));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
