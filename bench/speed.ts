// Provider start-up and per-certificate cost (issue 10), this build next to a previous build
// and to bare node, in one run, interleaved so that load from other processes hits every
// series alike:
//   - spawn -> handshake line and spawn -> first GetProviderSchema answered, against bare
//     `node -e` spawned with the same environment; peak RSS of the idle provider;
//   - `terraform apply` of the acme_server_url data source, against an apply without any
//     provider (outputs only) and against the previous build;
//   - one `terraform apply` of 1, 10, 100 certificates (the lab: Pebble, bind9, unbound, the
//     exec program examples/exec/nsupdate.sh): cost per extra certificate, wall and CPU;
//     with --compare-certificates N, the same per extra certificate for both builds, from
//     applies of 1 and N certificates taking turns;
//   - `terraform plan` with 200 certificates in the state, and as a baseline of Terraform's
//     own cost, a plan of as many built-in terraform_data resources holding as much text.
//
//   npm run build
//   git worktree add /tmp/acme-tf-previous <commit> && (cd /tmp/acme-tf-previous && ln -s "$PWD/node_modules" . && npm run build)
//   npx tsx bench/speed.ts --baseline /tmp/acme-tf-previous [--runs 15] [--applies 5] [--certificates 1,10,100] [--plan-state 200] [--account-key-curve P256]
//     [--compare-certificates 41 [--compare-rounds 5]]
//
// A report, not a test: it always exits 0, whether the goals are met or not.
import { execa } from "execa";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startLab } from "../test/lab/lab.js";
import { killAllProviders, ProviderProcess } from "../test/harness/provider-process.js";
import { providerBlock } from "../test/terraform/workspace.js";
import { CERTIFICATE_STACK, uniqueName } from "./lab-stack.js";
import { bareNodeStartMs, median, positiveIntegerFlag } from "./measure.js";
import { ProviderSnapshot } from "./provider-snapshot.js";

const GOALS = { handshakeVsNode: 1.5, schemaVsNode: 2, idleRssMb: 60, dataSourceVsPrevious: 0.6, perCertificateCpuMs: 20, perCertificateWallMs: 30, peakRssMb: 250, planMs: 1000 };
const IDLE_MS = 500;
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

interface Options {
  runs: number;
  applies: number;
  baseline?: string;
  certificates: number[];
  planState: number;
  /** The account key's curve in the certificates' stack (the provider's default when absent). */
  accountKeyCurve?: string;
  /** Per extra certificate against the previous build: applies of 1 and of this many certificates, interleaved. */
  compareCertificates?: number;
  compareRounds: number;
}

function parseArgs(argv: string[]): Options {
  const at = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const counts = (at("--certificates") ?? "1,10,100").split(",").map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1) || counts[0] !== 1) throw new Error("--certificates wants a list of counts starting with 1, e.g. 1,10,100");
  return {
    runs: positiveIntegerFlag(argv, "--runs", 15),
    applies: positiveIntegerFlag(argv, "--applies", 5),
    ...(at("--baseline") ? { baseline: at("--baseline")! } : {}),
    certificates: counts,
    planState: positiveIntegerFlag(argv, "--plan-state", 200),
    ...(at("--account-key-curve") ? { accountKeyCurve: at("--account-key-curve")! } : {}),
    ...(at("--compare-certificates") ? { compareCertificates: positiveIntegerFlag(argv, "--compare-certificates", 41) } : {}),
    compareRounds: positiveIntegerFlag(argv, "--compare-rounds", 5),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------
// Start-up

interface StartRun {
  handshakeMs: number;
  schemaMs: number;
  idlePeakMb: number;
}

/** Spawn as Terraform does, then the first GetProviderSchema (the first RPC of every launch). */
async function startOnce(executable: string, env: Record<string, string>): Promise<StartRun> {
  const provider = await ProviderProcess.start({ command: { file: executable, args: [] }, env });
  try {
    const handshakeMs = provider.handshakeAt - provider.spawnedAt;
    await provider.rpc("GetProviderSchema");
    const schemaMs = performance.now() - provider.spawnedAt;
    await sleep(IDLE_MS);
    const status = readFileSync(`/proc/${provider.pid}/status`, "utf8");
    const idlePeakMb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
    await provider.shutdown();
    return { handshakeMs, schemaMs, idlePeakMb };
  } finally {
    await provider.kill();
  }
}


// ---------------------------------------------------------------------------------------
// terraform

const TERRAFORM_ENV = { TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };

interface Measured {
  wallMs: number;
  /** terraform and every process it waited for (the providers), user + system. */
  cpuMs: number;
  /**
   * The whole machine's busy CPU over the run (/proc/stat): terraform, providers, the exec
   * programs, CA and DNS servers - and anything else running, so a quiet machine is needed.
   * The programs are not in cpuMs: the providers' helper shell that runs them outlives the
   * provider by a moment, so nobody waits for it.
   */
  machineCpuMs: number;
  /** The lab's CA and DNS servers (Pebble, bind9, unbound), from /proc. */
  serversCpuMs: number;
  /** The providers alone (their own accounting at exit), user + system, and their largest peak RSS. */
  providerCpuMs: number;
  providerPeakMb: number;
}

/**
 * A terraform command under /usr/bin/time (CPU of terraform and its children), with a
 * preloaded script in every node it starts that appends that process's own CPU time and
 * peak RSS at exit: the providers' share, apart from terraform's.
 */
class Terraform {
  private readonly accounting = mkdtempSync(join(tmpdir(), "acme-tf-bench-accounting-"));
  private readonly preload = join(this.accounting, "account.cjs");

  constructor() {
    writeFileSync(
      this.preload,
      `process.on("exit", () => { const u = process.resourceUsage(); require("node:fs").appendFileSync(process.env.ACME_TF_BENCH_ACCOUNTING, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, peakMb: u.maxRSS / 1024 }) + "\\n"); });\n`,
    );
  }

  async run(dir: string, env: Record<string, string>, args: string[]): Promise<Measured> {
    const times = join(this.accounting, "time");
    const providers = join(this.accounting, `providers-${Date.now()}`);
    writeFileSync(providers, "");
    const started = performance.now();
    const busyBefore = machineBusyMs();
    const serversBefore = serversCpuMs();
    const result = await execa("/usr/bin/time", ["-o", times, "-f", "%U %S", "terraform", ...args], {
      cwd: dir,
      env: { ...TERRAFORM_ENV, ...env, NODE_OPTIONS: `--require ${this.preload}`, ACME_TF_BENCH_ACCOUNTING: providers },
      reject: false,
      stdin: "ignore",
      all: true,
      timeout: 1_800_000,
    });
    const wallMs = performance.now() - started;
    const machineCpuMs = machineBusyMs() - busyBefore;
    const serversUsedMs = serversCpuMs() - serversBefore;
    if (result.exitCode !== 0) throw new Error(`terraform ${args.join(" ")} exited ${result.exitCode}:\n${result.all}`);
    const [user, system] = readFileSync(times, "utf8").trim().split(/\s+/).slice(-2).map(Number);
    const accounted = readFileSync(providers, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as { cpuMs: number; peakMb: number });
    return {
      wallMs,
      cpuMs: (user! + system!) * 1000,
      machineCpuMs,
      serversCpuMs: serversUsedMs,
      providerCpuMs: accounted.reduce((sum, p) => sum + p.cpuMs, 0),
      providerPeakMb: Math.max(0, ...accounted.map((p) => p.peakMb)),
    };
  }

  remove(): void {
    rmSync(this.accounting, { recursive: true, force: true });
  }
}

/** CPU time all cores spent busy since boot (the "cpu" line of /proc/stat, in USER_HZ = 1/100 s). */
function machineBusyMs(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * 10;
}

const LAB_SERVERS = new Set(["pebble", "named", "unbound"]);

/** CPU time (user + system) of the running lab servers, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function serversCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const stat = (() => {
      try {
        return readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        return ""; // gone meanwhile
      }
    })();
    const command = /\((.*)\)/.exec(stat)?.[1];
    if (!command || !LAB_SERVERS.has(command)) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  }
  return ticks * 10;
}

/** A working directory holding `main.tf`, initialised against `snapshot` (or none). */
async function workspace(terraform: Terraform, env: Record<string, string>, mainTf: string, snapshot?: ProviderSnapshot): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), "acme-tf-bench-workspace-"));
  writeFileSync(join(dir, "main.tf"), mainTf);
  const fullEnv = { ...env, ...(snapshot ? { TF_CLI_CONFIG_FILE: snapshot.cliConfig } : {}) };
  await terraform.run(dir, fullEnv, ["init", "-input=false", "-no-color"]);
  return { dir, env: fullEnv };
}

const APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"];
const PLAN = ["plan", "-input=false", "-no-color"];

/** The text attributes of every acme_certificate in a state, each cut to half (terraform_data stores its input twice: input and output). */
function certificateTexts(stateFile: string): Record<string, string>[] {
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as { resources: { type: string; instances: { attributes: Record<string, unknown> }[] }[] };
  return state.resources
    .filter((resource) => resource.type === "acme_certificate")
    .flatMap((resource) => resource.instances)
    .map(({ attributes }) => Object.fromEntries(Object.entries(attributes).flatMap(([name, value]) => (typeof value === "string" ? [[name, value.slice(0, value.length >> 1)]] : []))));
}

/**
 * terraform_data per certificate: with CERTIFICATE_STACK's for_each over the certificates'
 * names (Terraform evaluates it again for every instance, so its size counts), and with count.
 */
const TERRAFORM_DATA_STACKS = {
  "the stack's for_each": `variable "certificates" { type = list(list(string)) }
variable "items" { type = list(map(string)) }
resource "terraform_data" "item" {
  for_each = { for index, names in var.certificates : tostring(index) => names }
  input    = var.items[tonumber(each.key)]
}
`,
  count: `variable "certificates" { type = list(list(string)) }
variable "items" { type = list(map(string)) }
resource "terraform_data" "item" {
  count = length(var.items)
  input = var.items[count.index]
}
`,
};

// ---------------------------------------------------------------------------------------
// Report

const fmt = (value: number | undefined, digits = 1) => (value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits));
const verdict = (value: number | undefined, goal: number) => (value === undefined ? "-" : value <= goal ? "met" : "NOT MET");

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

const loadAverage = () => loadavg().map((load) => load.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const terraformVersion = (await execa("terraform", ["version"])).stdout.split("\n")[0];
  process.stdout.write(
    `date ${new Date().toISOString()}; ${cpus().length} cores (${cpus()[0]?.model.trim()}); load average ${loadAverage()} at the start\n` +
      `node ${process.version}; ${terraformVersion}; previous build: ${options.baseline ?? "(none: --baseline DIR)"}\n`,
  );
  const current = ProviderSnapshot.create();
  const previous = options.baseline ? ProviderSnapshot.create(options.baseline) : undefined;
  const terraform = new Terraform();
  process.stdout.write("starting the lab (Pebble, bind9, unbound)\n");
  const lab = await startLab();
  const scratch = mkdtempSync(join(tmpdir(), "acme-tf-bench-speed-"));
  // What a user here has: the system bundle in NODE_EXTRA_CA_CERTS, with the private CA appended.
  const caBundle = join(scratch, "ca-bundle.pem");
  writeFileSync(caBundle, `${readFileSync(process.env.NODE_EXTRA_CA_CERTS || SYSTEM_BUNDLE, "utf8")}\n${readFileSync(lab.caCertPath, "utf8")}`);
  const env = { NODE_EXTRA_CA_CERTS: caBundle };
  const lines: string[] = [];
  const say = (text: string) => {
    lines.push(text);
    process.stdout.write(`${text}\n`);
  };

  try {
    // Start-up.
    process.stdout.write(`\n==> start-up: ${options.runs} runs of each, interleaved\n`);
    await startOnce(current.executable, env); // page cache; not counted
    const builds = [{ name: "this build", snapshot: current }, ...(previous ? [{ name: "previous build", snapshot: previous }] : [])];
    const starts = new Map(builds.map((build) => [build.name, [] as StartRun[]]));
    const bare: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      for (const build of builds) starts.get(build.name)!.push(await startOnce(build.snapshot.executable, env));
      bare.push(await bareNodeStartMs(env));
    }
    const nodeMs = median(bare)!;
    const startRows = [["", "handshake ms", "vs node -e", "first schema ms", "vs node -e", "idle peak RSS MB"]];
    for (const build of builds) {
      const runs = starts.get(build.name)!;
      const handshake = median(runs.map((r) => r.handshakeMs))!;
      const schema = median(runs.map((r) => r.schemaMs))!;
      startRows.push([build.name, fmt(handshake), `${fmt(handshake / nodeMs, 2)}x`, fmt(schema), `${fmt(schema / nodeMs, 2)}x`, fmt(Math.max(...runs.map((r) => r.idlePeakMb)))]);
    }
    startRows.push(["bare node -e (same environment)", fmt(nodeMs), "1.00x", "", "", ""]);
    const mine = starts.get("this build")!;
    say(`\nStart-up (medians of ${options.runs}; RSS: the worst run)\n${table(startRows)}`);
    say(
      `goals: handshake <= ${GOALS.handshakeVsNode}x node: ${verdict(median(mine.map((r) => r.handshakeMs))! / nodeMs, GOALS.handshakeVsNode)}; ` +
        `first schema <= ${GOALS.schemaVsNode}x: ${verdict(median(mine.map((r) => r.schemaMs))! / nodeMs, GOALS.schemaVsNode)}; ` +
        `idle peak RSS <= ${GOALS.idleRssMb} MB: ${verdict(Math.max(...mine.map((r) => r.idlePeakMb)), GOALS.idleRssMb)}`,
    );

    // The data source apply.
    process.stdout.write(`\n==> terraform apply of the acme_server_url data source: ${options.applies} runs of each, interleaved\n`);
    const dataSource = `${providerBlock(lab.acmeDirectory)}\ndata "acme_server_url" "this" {}\n\noutput "server_url" {\n  value = data.acme_server_url.this.server_url\n}\n`;
    const applies = [
      { name: "this build", space: await workspace(terraform, env, dataSource, current), times: [] as number[] },
      ...(previous ? [{ name: "previous build", space: await workspace(terraform, env, dataSource, previous), times: [] as number[] }] : []),
      { name: "no provider (outputs only)", space: await workspace(terraform, env, `output "greeting" {\n  value = "hello"\n}\n`), times: [] as number[] },
    ];
    for (let run = 0; run < options.applies; run++) {
      for (const apply of applies) apply.times.push((await terraform.run(apply.space.dir, apply.space.env, APPLY)).wallMs);
    }
    const applyRows = [["", "median ms", "min ms", "vs previous"]];
    const previousMedian = previous ? median(applies[1]!.times)! : undefined;
    for (const apply of applies) {
      const value = median(apply.times)!;
      applyRows.push([apply.name, fmt(value, 0), fmt(Math.min(...apply.times), 0), previousMedian ? `${fmt(value / previousMedian, 2)}x` : "-"]);
    }
    const ratio = previousMedian ? median(applies[0]!.times)! / previousMedian : undefined;
    say(`\nterraform apply, data source alone (${options.applies} runs)\n${table(applyRows)}`);
    say(`goal: <= ${GOALS.dataSourceVsPrevious}x the previous build: ${verdict(ratio, GOALS.dataSourceVsPrevious)}`);
    for (const apply of applies) rmSync(apply.space.dir, { recursive: true, force: true });

    // Certificates.
    process.stdout.write(`\n==> one terraform apply of ${options.certificates.join(", ")} certificates (this build)\n`);
    const stack = await workspace(terraform, env, CERTIFICATE_STACK(lab, options.accountKeyCurve), current);
    // Every apply starts from an empty state: an account and `count` new certificates.
    const applyFresh = async (space: { dir: string; env: Record<string, string> }, count: number) => {
      for (const file of ["terraform.tfstate", "terraform.tfstate.backup"]) rmSync(join(space.dir, file), { force: true });
      const certificates = Array.from({ length: count }, () => [uniqueName("speed", lab)]);
      writeFileSync(join(space.dir, "terraform.tfvars.json"), JSON.stringify({ certificates, full_check: false }));
      return terraform.run(space.dir, space.env, APPLY);
    };
    const byCount: { count: number; measured: Measured }[] = [];
    for (const count of options.certificates) {
      process.stdout.write(`    ${count} certificate(s), load average ${loadAverage()}\n`);
      byCount.push({ count, measured: await applyFresh(stack, count) });
    }
    const one = byCount[0]!.measured;
    // Where the machine's CPU went: terraform, the providers, the lab's servers, and the rest
    // (exec programs, the providers' helper shells, the kernel's share of their work).
    const split = (m: Measured) => ({
      wall: m.wallMs,
      machine: m.machineCpuMs,
      terraform: m.cpuMs - m.providerCpuMs,
      providers: m.providerCpuMs,
      servers: m.serversCpuMs,
      programs: m.machineCpuMs - m.cpuMs - m.serversCpuMs,
    });
    const columns = ["wall", "machine", "terraform", "providers", "servers", "programs"] as const;
    const header = ["wall ms", "machine CPU ms", "terraform", "providers", "CA + DNS servers", "exec programs, rest"];
    const certificateRows = [["certificates", ...header, "provider peak RSS MB"]];
    const extraRows = [["per extra certificate", ...header]];
    for (const { count, measured } of byCount) {
      const now = split(measured);
      const base = split(one);
      certificateRows.push([String(count), ...columns.map((column) => fmt(now[column], 0)), fmt(measured.providerPeakMb)]);
      if (count > 1) extraRows.push([`1 -> ${count}`, ...columns.map((column) => fmt((now[column] - base[column]) / (count - 1)))]);
    }
    say(`\nOne terraform apply of N certificates (registration + N certificates, parallelism 10; one run each; CPU in ms)\n${table(certificateRows)}\n\n${table(extraRows)}`);
    const last = byCount[byCount.length - 1]!;
    if (last.count > 1) {
      const per = (value: number, base: number) => (value - base) / (last.count - 1);
      say(
        `goals at ${last.count}: per extra certificate <= ${GOALS.perCertificateCpuMs} ms CPU (providers): ${verdict(per(last.measured.providerCpuMs, one.providerCpuMs), GOALS.perCertificateCpuMs)}, ` +
          `(the whole machine: terraform, programs, CA, DNS): ${verdict(per(last.measured.machineCpuMs, one.machineCpuMs), GOALS.perCertificateCpuMs)}; <= ${GOALS.perCertificateWallMs} ms wall: ${verdict(per(last.measured.wallMs, one.wallMs), GOALS.perCertificateWallMs)}; ` +
          `provider peak RSS <= ${GOALS.peakRssMb} MB: ${verdict(Math.max(...byCount.map((c) => c.measured.providerPeakMb)), GOALS.peakRssMb)}`,
      );
    }

    // Per extra certificate against the previous build: single applies swing by +-15%, so
    // both builds take turns, each a fresh apply of 1 and of N certificates per round.
    if (previous && options.compareCertificates) {
      const count = options.compareCertificates;
      process.stdout.write(`\n==> per extra certificate, this build and the previous one: ${options.compareRounds} rounds of 1 and ${count} certificates, interleaved\n`);
      const sides = [
        { name: "this build", space: stack, cpu: [] as number[], wall: [] as number[], peak: [] as number[] },
        { name: "previous build", space: await workspace(terraform, env, CERTIFICATE_STACK(lab, options.accountKeyCurve), previous), cpu: [] as number[], wall: [] as number[], peak: [] as number[] },
      ];
      for (let round = 0; round < options.compareRounds; round++) {
        for (const side of sides) {
          const one = await applyFresh(side.space, 1);
          const many = await applyFresh(side.space, count);
          side.cpu.push((many.providerCpuMs - one.providerCpuMs) / (count - 1));
          side.wall.push((many.wallMs - one.wallMs) / (count - 1));
          side.peak.push(many.providerPeakMb);
        }
      }
      const rows = [["", "provider CPU ms (median)", "min-max", "wall ms (median)", "provider peak RSS MB (median)"]];
      for (const side of sides) {
        rows.push([side.name, fmt(median(side.cpu)), `${fmt(Math.min(...side.cpu))}-${fmt(Math.max(...side.cpu))}`, fmt(median(side.wall)), fmt(median(side.peak))]);
      }
      say(`\nPer extra certificate, 1 -> ${count} in one apply, this build and the previous one (${options.compareRounds} rounds, interleaved)\n${table(rows)}`);
      rmSync(sides[1]!.space.dir, { recursive: true, force: true });
    }

    // Plan with certificates in the state.
    process.stdout.write(`\n==> terraform plan with ${options.planState} certificates in the state\n`);
    await applyFresh(stack, options.planState);
    const plans: Measured[] = [];
    for (let run = 0; run < 3; run++) plans.push(await terraform.run(stack.dir, stack.env, PLAN));
    const planMs = median(plans.map((p) => p.wallMs))!;
    say(`\nterraform plan, ${options.planState} certificates in the state (3 runs): median ${fmt(planMs, 0)} ms wall, ${fmt(median(plans.map((p) => p.cpuMs)), 0)} ms CPU (terraform and providers), ${fmt(median(plans.map((p) => p.machineCpuMs)), 0)} ms machine CPU, ${fmt(median(plans.map((p) => p.providerCpuMs)), 0)} ms CPU (providers)`);
    say(`goal: <= ${GOALS.planMs} ms: ${verdict(planMs, GOALS.planMs)}`);
    // Terraform's own share: as many terraform_data resources (built in: no plugin, no
    // schema of ours) holding as much text as the certificates' state, planned the same way.
    const texts = certificateTexts(join(stack.dir, "terraform.tfstate"));
    const { certificates } = JSON.parse(readFileSync(join(stack.dir, "terraform.tfvars.json"), "utf8")) as { certificates: string[][] };
    for (const [label, mainTf] of Object.entries(TERRAFORM_DATA_STACKS)) {
      const baseline = await workspace(terraform, env, mainTf);
      writeFileSync(join(baseline.dir, "terraform.tfvars.json"), JSON.stringify({ certificates, items: texts }));
      await terraform.run(baseline.dir, baseline.env, APPLY);
      const runs: Measured[] = [];
      for (let run = 0; run < 3; run++) runs.push(await terraform.run(baseline.dir, baseline.env, PLAN));
      say(`  baseline, ${texts.length} terraform_data with ${label}: median ${fmt(median(runs.map((r) => r.wallMs)), 0)} ms wall, ${fmt(median(runs.map((r) => r.cpuMs)), 0)} ms CPU (terraform alone)`);
      rmSync(baseline.dir, { recursive: true, force: true });
    }
    rmSync(stack.dir, { recursive: true, force: true });
  } catch (cause) {
    process.stdout.write(`\nbenchmark stopped early: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  } finally {
    await killAllProviders();
    await lab.stop();
    terraform.remove();
    current.remove();
    previous?.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`\n==> Summary (load average ${loadAverage()} at the end)\n${lines.join("\n")}\n`);
}

main()
  .catch((cause: unknown) => process.stdout.write(`benchmark failed: ${cause instanceof Error ? cause.message : String(cause)}\n`))
  .finally(() => process.exit(0));
