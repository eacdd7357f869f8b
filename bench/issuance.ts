// Issuance benchmark, side by side with lego (Debian's) in the same run, against the same
// lab: one Pebble, one bind9 taking RFC 2136 updates, one unbound resolver, and the same
// exec program (examples/exec/nsupdate.sh) for both clients, polling every second.
//
//   (a) one name:        the engine alone (in-process) and `terraform apply` vs `lego run`
//   (b) apex + wildcard:  `terraform apply` vs `lego run` with lego's defaults (60 s sequence)
//   (c) 20 certificates:  one `terraform apply` (parallelism 10) vs 20 sequential `lego run`
//
//   npm run build && npx tsx bench/issuance.ts [--runs 5] [--wildcard-lego-runs 1] [--many-runs 2]
//
// A report, not a test: it always exits 0, whether the goals are met or not. Every run
// uses names of its own, so no client ever finds an authorization already valid.
// Terraform runs a copy of dist/ taken at the start, so a rebuild meanwhile changes nothing.
import { execa } from "execa";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createAccount } from "../src/acme/accounts.js";
import { issueCertificate } from "../src/acme/certificates.js";
import { generateAccountKey } from "../src/acme/keys.js";
import { createDnsSolver } from "../src/dns/runtime.js";
import { silentLogger } from "../src/log/logger.js";
import { startLab, type RunningLab } from "../test/lab/lab.js";
import { providerBlock, TerraformWorkspace } from "../test/terraform/workspace.js";
import { positiveIntegerFlag, Series } from "./measure.js";
import { ProviderSnapshot } from "./provider-snapshot.js";
import { CERTIFICATE_STACK, execSettings, uniqueName } from "./lab-stack.js";

const GOALS = { engine: 0.2, apply: 0.5, wildcard: 0.1 };
const MANY = 20;

interface Options {
  runs: number;
  /** lego's apex + wildcard run sleeps 60 s between the two challenges. */
  wildcardLegoRuns: number;
  /** Each run of (c) costs 20 lego runs. */
  manyRuns: number;
}

function parseArgs(argv: string[]): Options {
  const runs = positiveIntegerFlag(argv, "--runs", 5);
  return {
    runs,
    wildcardLegoRuns: positiveIntegerFlag(argv, "--wildcard-lego-runs", 1),
    manyRuns: positiveIntegerFlag(argv, "--many-runs", Math.min(runs, 2)),
  };
}

// ---------------------------------------------------------------------------------------
// Measurements

// ---------------------------------------------------------------------------------------
// lego

class Lego {
  constructor(
    private readonly lab: RunningLab,
    readonly available: boolean,
  ) {}

  /**
   * One `lego run` for these names. A fresh --path registers a new account (as a first
   * run does); a given one reuses the account of earlier runs.
   */
  async run(names: string[], options: { path?: string; env?: Record<string, string> } = {}): Promise<void> {
    if (!this.available) throw new Error("lego is not installed (apt-get install lego)");
    const path = options.path ?? mkdtempSync(join(tmpdir(), "acme-tf-bench-lego-"));
    try {
      const args = ["--server", this.lab.acmeDirectory, "--accept-tos", "--email", "x@acme-tf.test"];
      args.push("--dns", "exec", "--dns.resolvers", this.lab.resolver, "--dns.disable-cp");
      for (const name of names) args.push("--domains", name);
      args.push("--path", path, "run");
      const result = await execa("lego", args, {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", LEGO_CA_CERTIFICATES: this.lab.caCertPath, ...execSettings(this.lab), ...options.env },
        extendEnv: false,
        reject: false,
        stdin: "ignore",
        all: true,
        timeout: 600_000,
      });
      if (result.exitCode !== 0) throw new Error(`lego exited ${result.exitCode}:\n${result.all}`);
      const certificate = join(path, "certificates", `${names[0]!.replace("*", "_")}.crt`);
      if (!existsSync(certificate)) throw new Error(`lego exited 0 but wrote no ${certificate}:\n${result.all}`);
    } finally {
      if (!options.path) rmSync(path, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------
// The engine alone, in this process

class Engine {
  private constructor(
    private readonly lab: RunningLab,
    private readonly accountKeyPem: string,
    private readonly caCertPem: string,
  ) {}

  /** With an account registered beforehand, as the certificate resource finds it. */
  static async create(lab: RunningLab): Promise<Engine> {
    const accountKeyPem = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    const caCertPem = readFileSync(lab.caCertPath, "utf8");
    await createAccount({ directoryUrl: lab.acmeDirectory, accountKeyPem, caCertPem, signal: AbortSignal.timeout(30_000), logger: silentLogger });
    return new Engine(lab, accountKeyPem, caCertPem);
  }

  async issue(names: string[], fullCheck: boolean): Promise<void> {
    const solver = await createDnsSolver({
      blocks: [{ provider: "exec", config: execSettings(this.lab) }],
      propagation: { recursiveNameservers: [this.lab.resolver], disableCompletePropagation: !fullCheck, preCheckDelay: 0, propagationWait: 0 },
      env: { PATH: process.env.PATH },
      logger: silentLogger,
    });
    if (!solver.ok) throw new Error(`dns_challenge: ${solver.problems.map((p) => `${p.summary}: ${p.detail}`).join("; ")}`);
    await issueCertificate({
      directoryUrl: this.lab.acmeDirectory,
      accountKeyPem: this.accountKeyPem,
      caCertPem: this.caCertPem,
      names,
      keyType: "P256", // lego's default key type (ec256)
      solver: solver.solver,
      signal: AbortSignal.timeout(120_000),
      logger: silentLogger,
    });
  }
}

// ---------------------------------------------------------------------------------------
// terraform apply, from an initialised workspace

class Stack {
  private constructor(private readonly workspace: TerraformWorkspace) {}

  static async create(lab: RunningLab, provider: ProviderSnapshot): Promise<Stack> {
    const workspace = provider.workspace({ NODE_EXTRA_CA_CERTS: lab.caCertPath });
    workspace.write("main.tf", CERTIFICATE_STACK(lab));
    await workspace.init();
    return new Stack(workspace);
  }

  /** The timed part: `terraform apply` creating an account and these certificates. */
  async apply(certificates: string[][], fullCheck: boolean): Promise<void> {
    this.workspace.write("terraform.tfvars.json", JSON.stringify({ certificates, full_check: fullCheck }));
    await this.workspace.apply();
  }

  /** Untimed: forget what the last apply created, so the next one starts from nothing. */
  forget(): void {
    for (const file of ["terraform.tfstate", "terraform.tfstate.backup"]) rmSync(join(this.workspace.dir, file), { force: true });
  }

  remove(): void {
    this.workspace.remove();
  }
}

/**
 * What every apply pays before any ACME work: terraform itself and the provider started
 * four times (schema, validate, plan, apply), here for the acme_server_url data source.
 */
class Floor {
  private constructor(private readonly workspace: TerraformWorkspace) {}

  static async create(lab: RunningLab, provider: ProviderSnapshot): Promise<Floor> {
    const workspace = provider.workspace({ NODE_EXTRA_CA_CERTS: lab.caCertPath });
    workspace.write("main.tf", `${providerBlock(lab.acmeDirectory)}\ndata "acme_server_url" "server" {}\n`);
    await workspace.init();
    return new Floor(workspace);
  }

  async apply(): Promise<void> {
    await this.workspace.apply();
  }

  remove(): void {
    this.workspace.remove();
  }
}

// ---------------------------------------------------------------------------------------
// Report

interface Comparison {
  scenario: string;
  ours: Series;
  /** Absent: a figure for context, with no lego counterpart. */
  lego?: Series;
  goal?: number;
  /** Compare with lego's fastest run instead of its median (lego's times are bimodal). */
  againstFastest?: boolean;
}

const seconds = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(2));

function range(series: Series): string {
  if (series.times.length === 0) return "-";
  return `${seconds(Math.min(...series.times))}-${seconds(Math.max(...series.times))}`;
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function report(comparisons: Comparison[]): string {
  const header = ["Scenario", "acme-tf median s (min-max, n)", "lego median s (min-max, n)", "Ratio", "Goal"];
  const lines = [row(header), row(header.map(() => "---"))];
  for (const { scenario, ours, lego, goal, againstFastest } of comparisons) {
    const theirs = againstFastest ? lego?.min : lego?.median;
    const ratio = ours.median !== undefined && theirs !== undefined ? ours.median / theirs : undefined;
    let verdict = goal === undefined ? "report" : ratio === undefined ? `<= ${goal}x: no data` : `<= ${goal}x: ${ratio <= goal ? "met" : "NOT met"}`;
    if (!lego) verdict = "context";
    lines.push(
      row([
        scenario,
        `${seconds(ours.median)} (${range(ours)}, ${ours.times.length})`,
        !lego ? "-" : againstFastest ? `fastest: ${seconds(lego.min)}` : `${seconds(lego.median)} (${range(lego)}, ${lego.times.length})`,
        ratio === undefined ? "-" : `${ratio.toFixed(3)}x`,
        verdict,
      ]),
    );
  }
  const failures = comparisons.flatMap(({ ours, lego }) => (lego ? [ours, lego] : [ours])).filter((series) => series.failures.length > 0);
  for (const series of [...new Set(failures)]) lines.push(`\n${series.label}: ${series.failures.length} failed run(s)`);
  return lines.join("\n");
}

/** Other work on the machine slows the CPU-bound side (node, terraform) more than lego's sleeps. */
function loadAverage(): string {
  return `load average ${loadavg().map((load) => load.toFixed(2)).join(" ")}`;
}

function legoInstalled(): boolean {
  try {
    execFileSync("lego", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function machine(): string {
  const version = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0]!.trim();
    } catch {
      return "not found";
    }
  };
  const lego = version("dpkg-query", ["-W", "-f", "${Version}", "lego"]);
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), ${loadAverage()}`,
    `node ${process.version}, ${version("terraform", ["version"])}, lego ${lego} (Debian), pebble ${version("dpkg-query", ["-W", "-f", "${Version}", "pebble"])} (Debian)`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------

function step(text: string): void {
  process.stdout.write(`\n==> ${text}\n`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(new URL("../dist/cli/acme-tf.js", import.meta.url))) {
    process.stdout.write("dist/ is missing: run `npm run build` first.\n");
    return;
  }
  process.stdout.write(`${machine()}\nruns: ${options.runs} (apex + wildcard with lego: ${options.wildcardLegoRuns}; ${MANY} certificates: ${options.manyRuns})\n`);
  const provider = ProviderSnapshot.create();
  step("Starting the lab (Pebble, bind9, unbound)");
  const lab = await startLab();
  const lego = new Lego(lab, legoInstalled());
  if (!lego.available) process.stdout.write("lego is not installed (apt-get install lego): its columns stay empty\n");
  let stack: Stack | undefined;
  let floor: Floor | undefined;
  const comparisons: Comparison[] = [];
  try {
    const engine = await Engine.create(lab);
    stack = await Stack.create(lab, provider);
    floor = await Floor.create(lab, provider);
    // JIT, module loading and the first TLS connection, paid once by a long-lived process.
    await engine.issue([uniqueName("warm", lab)], false);

    step(`(a) one name, ${options.runs} runs`);
    const single = {
      engine: new Series("engine, disable_complete_propagation"),
      engineFull: new Series("engine, full propagation check"),
      apply: new Series("terraform apply, disable_complete_propagation"),
      applyFull: new Series("terraform apply, full propagation check"),
      lego: new Series("lego run (one name)"),
      floor: new Series("terraform apply, data source only"),
    };
    for (let run = 0; run < options.runs; run++) {
      await single.engine.time(() => engine.issue([uniqueName("engine", lab)], false));
      await single.engineFull.time(() => engine.issue([uniqueName("engine-full", lab)], true));
      await single.lego.time(() => lego.run([uniqueName("lego", lab)]));
      await single.apply.time(() => stack!.apply([[uniqueName("apply", lab)]], false));
      stack.forget();
      await single.applyFull.time(() => stack!.apply([[uniqueName("apply-full", lab)]], true));
      stack.forget();
      await single.floor.time(() => floor!.apply());
      process.stdout.write(`    run ${run + 1}/${options.runs} done\n`);
    }
    comparisons.push(
      { scenario: "(a) one name: engine alone", ours: single.engine, lego: single.lego, goal: GOALS.engine },
      { scenario: "(a) one name: engine alone, full propagation check", ours: single.engineFull, lego: single.lego },
      { scenario: "(a) one name: terraform apply (registration + certificate)", ours: single.apply, lego: single.lego, goal: GOALS.apply },
      { scenario: "(a) one name: terraform apply, full propagation check", ours: single.applyFull, lego: single.lego },
      { scenario: "(a) one name: engine alone vs lego's fastest run", ours: single.engine, lego: single.lego, againstFastest: true },
      { scenario: "(a) one name: terraform apply vs lego's fastest run", ours: single.apply, lego: single.lego, againstFastest: true },
      { scenario: "(a) floor: terraform apply of the acme_server_url data source alone (4 provider start-ups)", ours: single.floor },
    );

    step(`(b) apex + wildcard: ${options.runs} applies, ${options.wildcardLegoRuns} lego run(s) with its defaults (EXEC_SEQUENCE_INTERVAL 60 s)`);
    const wildcard = {
      apply: new Series("terraform apply, apex + wildcard"),
      applyFull: new Series("terraform apply, apex + wildcard, full check"),
      lego: new Series("lego run, apex + wildcard"),
    };
    const apexAndWildcard = (prefix: string) => {
      const apex = uniqueName(prefix, lab);
      return [apex, `*.${apex}`];
    };
    for (let run = 0; run < Math.max(options.runs, options.wildcardLegoRuns); run++) {
      if (run < options.wildcardLegoRuns) {
        process.stdout.write("    lego run (about a minute: it sleeps 60 s between the two challenges)\n");
        await wildcard.lego.time(() => lego.run(apexAndWildcard("lego-wild")));
      }
      if (run < options.runs) {
        await wildcard.apply.time(() => stack!.apply([apexAndWildcard("apply-wild")], false));
        stack.forget();
        await wildcard.applyFull.time(() => stack!.apply([apexAndWildcard("apply-wild-full")], true));
        stack.forget();
      }
    }
    comparisons.push(
      { scenario: "(b) apex + wildcard: terraform apply vs lego defaults", ours: wildcard.apply, lego: wildcard.lego, goal: GOALS.wildcard },
      { scenario: "(b) apex + wildcard: terraform apply, full propagation check", ours: wildcard.applyFull, lego: wildcard.lego },
    );

    step(`(c) ${MANY} certificates: ${options.manyRuns} run(s) of one apply vs ${MANY} sequential lego runs`);
    const many = {
      apply: new Series(`terraform apply, ${MANY} certificates`),
      applyFull: new Series(`terraform apply, ${MANY} certificates, full check`),
      lego: new Series(`${MANY} sequential lego runs`),
    };
    const names = (prefix: string) => Array.from({ length: MANY }, () => [uniqueName(prefix, lab)]);
    for (let run = 0; run < options.manyRuns; run++) {
      await many.apply.time(() => stack!.apply(names("many"), false));
      stack.forget();
      await many.applyFull.time(() => stack!.apply(names("many-full"), true));
      stack.forget();
      // One account for the 20 runs, as a user running lego again and again has.
      const path = mkdtempSync(join(tmpdir(), "acme-tf-bench-lego-"));
      try {
        await many.lego.time(async () => {
          for (const [name] of names("lego-many")) await lego.run([name!], { path });
        });
      } finally {
        rmSync(path, { recursive: true, force: true });
      }
      process.stdout.write(`    run ${run + 1}/${options.manyRuns} done\n`);
    }
    comparisons.push(
      { scenario: `(c) ${MANY} certificates: one terraform apply (parallelism 10) vs ${MANY} lego runs`, ours: many.apply, lego: many.lego },
      { scenario: `(c) ${MANY} certificates: one terraform apply, full propagation check`, ours: many.applyFull, lego: many.lego },
    );
  } catch (cause) {
    process.stdout.write(`\nbenchmark stopped early: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  } finally {
    stack?.remove();
    floor?.remove();
    provider.remove();
    await lab.stop();
  }

  step(`Results (wall time; ratio = acme-tf median / lego median, or lego's fastest run where said; ${loadAverage()} at the end)`);
  process.stdout.write(`${report(comparisons)}\n`);
}

main()
  .catch((cause: unknown) => process.stdout.write(`benchmark failed: ${cause instanceof Error ? cause.message : String(cause)}\n`))
  .finally(() => process.exit(0));
