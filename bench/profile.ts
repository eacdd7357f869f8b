// Where the CPU goes in one apply of N certificates and in a plan with them in the state:
// `perf record` of every provider process terraform starts (and of what they start: the
// helper shell, the exec programs), with the provider's JavaScript named through node's
// --perf-basic-prof. On-CPU samples, kernel included: V8's own profiler (--cpu-prof)
// samples wall time, so on a busy machine it blames whatever call was running when the
// provider lost the CPU, and it does not see the kernel's share (a fork's page tables).
// The figures of bench/speed.ts say how much; this says where. With --terraform, terraform
// itself is recorded in the plan too, its functions named from the binary's own table
// (bench/go-symbols.ts), and grouped by what the plan was doing.
//
//   npm run build
//   npx tsx bench/profile.ts [--certificates 100] [--top 30] [--keep] [--terraform]
//
// Needs `perf` (Debian: linux-perf) and root or kernel.perf_event_paranoid <= 1. --keep
// leaves the perf.data files and prints where they are. A report, not a test: it always exits 0.
import { execa } from "execa";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startLab } from "../test/lab/lab.js";
import { killAllProviders } from "../test/harness/provider-process.js";
import { CERTIFICATE_STACK, uniqueName } from "./lab-stack.js";
import { GoSymbols } from "./go-symbols.js";
import { gist, positiveIntegerFlag } from "./measure.js";
import { ProviderSnapshot } from "./provider-snapshot.js";

const SAMPLES_PER_SECOND = 999;

/** `perf report` lines (percent, name) of one recording, sorted by `sort`. */
async function report(file: string, sort: string, count: number, children = false): Promise<string> {
  const { stdout } = await execa("perf", ["report", "-i", file, "--stdio", "-g", "none", "--sort", sort, children ? "--children" : "--no-children", "--percent-limit", "0.3"], { reject: false });
  const bundle = /\S*\/(provider\.cjs|start\.cjs)/g;
  return stdout
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("#"))
    // With callees, the runtime's own frames (event loop, V8 entry, microtasks) top every list: show the JavaScript.
    .filter((line) => !children || line.includes("JS:"))
    .slice(0, count)
    .map((line) => line.replace(bundle, "$1").slice(0, 150))
    .join("\n");
}

/** Samples in a recording, as CPU milliseconds. */
async function cpuMs(file: string): Promise<number> {
  const { stdout } = await execa("perf", ["report", "-i", file, "--stdio", "--sort", "comm", "-n", "-g", "none", "--no-children"], { reject: false });
  // "  52.03%   11183  node": percent, samples, process name.
  const samples = stdout.split("\n").filter((line) => /^\s+[\d.]+%\s+\d+\s/.test(line)).reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[1]), 0);
  return (samples * 1000) / SAMPLES_PER_SECOND;
}

/** Where terraform's plan went, grouped by the first of these frames found from the leaf up. */
const TERRAFORM_PHASES: [string, string[]][] = [
  ["for_each evaluated again for every instance", ["terraform.evaluateForEachExpression"]],
  ["state: read + UpgradeResourceState", ["readResourceInstanceState"]],
  ["state: encode after each step", ["writeResourceInstanceStateImpl"]],
  ["state: deep copies", ["DeepCopy"]],
  ["state file read/write", ["statemgr.", "statefile."]],
  ["refresh (ReadResource and its checks)", ["NodeAbstractResourceInstance).refresh"]],
  ["plan (config, PlanResourceChange, checks)", ["NodeAbstractResourceInstance).plan"]],
  ["render the plan", ["OperationHuman).Plan"]],
  ["start providers (go-plugin, mTLS)", ["hashicorp/go-plugin"]],
  ["graph build", ["BasicGraphBuilder).Build", "DynamicExpand"]],
  ["garbage collector (background)", ["runtime.gcBgMarkWorker"]],
];

/** terraform's own samples (not its children's): CPU by phase, functions self and with callees. */
async function terraformReport(file: string, count: number): Promise<string> {
  const executable = (await execa("sh", ["-c", "command -v terraform"])).stdout.trim();
  const symbols = GoSymbols.read(executable);
  const { stdout } = await execa("perf", ["script", "-i", file, "--comm", "terraform", "-F", "comm,ip,dso"], { reject: false, maxBuffer: 1 << 30 });
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const phases = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let samples = 0;
  // One sample: its stack, leaf first, one "<address> (<dso>)" line per frame; a blank line ends it.
  for (const block of stdout.split(/\n\s*\n/)) {
    const frames = block
      .split("\n")
      .filter((line) => /^\s/.test(line))
      .map((line) => {
        const [address = "0", ...rest] = line.trim().split(/\s+/);
        const dso = rest.join(" ");
        return dso.includes("terraform") ? symbols.name(parseInt(address, 16) + symbols.loadBase) : dso.includes("kernel") ? "[kernel]" : `[${dso}]`;
      });
    if (frames.length === 0) continue;
    samples++;
    add(self, frames[0]!);
    for (const name of new Set(frames)) add(inclusive, name);
    const phase = frames.map((frame) => TERRAFORM_PHASES.find(([, patterns]) => patterns.some((p) => frame.includes(p)))).find(Boolean);
    add(phases, phase?.[0] ?? "other");
  }
  const ms = (n: number) => ((n * 1000) / SAMPLES_PER_SECOND).toFixed(0).padStart(6);
  const percent = (n: number) => `${((100 * n) / samples).toFixed(1).padStart(5)}%`;
  const top = (map: Map<string, number>, n: number, keep: (name: string) => boolean = () => true) =>
    [...map].filter(([name]) => keep(name)).sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, n]) => `${percent(n)} ${ms(n)} ms  ${name}`).join("\n");
  return (
    `terraform itself: ${ms(samples).trim()} ms of CPU\n\nby phase\n${top(phases, phases.size)}\n` +
    `\nby function, self\n${top(self, count)}\n` +
    `\nterraform's functions, with callees\n${top(inclusive, count, (name) => name.includes("hashicorp/terraform/internal") || name.includes("zclconf"))}\n`
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const count = positiveIntegerFlag(argv, "--certificates", 100);
  const shown = positiveIntegerFlag(argv, "--top", 30);
  const keep = argv.includes("--keep");
  const withTerraform = argv.includes("--terraform");
  const snapshot = ProviderSnapshot.create();
  const lab = await startLab();
  const dir = mkdtempSync(join(tmpdir(), "acme-tf-bench-profile-"));
  // What a user here has: the system bundle in NODE_EXTRA_CA_CERTS, with the private CA appended.
  const caBundle = join(dir, "ca-bundle.pem");
  writeFileSync(caBundle, `${readFileSync(process.env.NODE_EXTRA_CA_CERTS || "/etc/ssl/certs/ca-certificates.crt", "utf8")}\n${readFileSync(lab.caCertPath, "utf8")}`);
  const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: snapshot.cliConfig, NODE_EXTRA_CA_CERTS: caBundle };
  const maps = new Set(readdirSync("/tmp").filter((name) => /^perf-\d+\.map$/.test(name)));
  try {
    writeFileSync(join(dir, "main.tf"), CERTIFICATE_STACK(lab));
    writeFileSync(join(dir, "terraform.tfvars.json"), JSON.stringify({ certificates: Array.from({ length: count }, () => [uniqueName("profile", lab)]), full_check: false }));
    await execa("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
    for (const [phase, args] of [
      ["apply", ["apply", "-auto-approve", "-input=false", "-no-color"]],
      ["plan", ["plan", "-input=false", "-no-color"]],
    ] as const) {
      // The installed provider's launcher runs ACME_TF_NODE instead of node.
      const node = join(dir, `node-${phase}`);
      writeFileSync(node, `#!/bin/sh\nexec perf record -q -F ${SAMPLES_PER_SECOND} -g -o ${dir}/${phase}.perf.$$ -- ${process.execPath} --perf-basic-prof "$@"\n`, { mode: 0o755 });
      const started = performance.now();
      const terraformPerf = join(dir, `${phase}.terraform.perf`);
      const recordTerraform = withTerraform && phase === "plan";
      const [file, ...rest] = recordTerraform ? ["perf", "record", "-q", "-F", String(SAMPLES_PER_SECOND), "-g", "-o", terraformPerf, "--", "terraform", ...args] : ["terraform", ...args];
      await execa(file!, rest, { cwd: dir, env: { ...env, ACME_TF_NODE: node }, stdin: "ignore" });
      const wallMs = performance.now() - started;
      const recordings = readdirSync(dir).filter((name) => name.startsWith(`${phase}.perf.`)).map((name) => join(dir, name));
      // Terraform starts the provider several times; the busiest start did the work.
      const busiest = recordings.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
      const total = await cpuMs(busiest);
      process.stdout.write(
        `\n==> terraform ${phase}, ${count} certificates: ${wallMs.toFixed(0)} ms wall, ${recordings.length} provider starts; ` +
          `the busiest: ${total.toFixed(0)} ms of CPU with what it ran (${(total / count).toFixed(1)} ms per certificate); load average ${loadavg()[0]!.toFixed(2)}\n` +
          `\nby process (% of that CPU)\n${await report(busiest, "comm", 8)}\n` +
          `\nby function, self\n${await report(busiest, "comm,sym", shown)}\n` +
          `\nJavaScript functions, with callees\n${await report(busiest, "comm,sym", shown, true)}\n`,
      );
      if (recordTerraform) process.stdout.write(`\n==> terraform ${phase}: terraform's own CPU\n${await terraformReport(terraformPerf, shown)}\n`);
    }
    if (keep) process.stdout.write(`\nrecordings: ${dir}\n`);
  } catch (cause) {
    process.stdout.write(`\nprofile stopped early: ${gist(cause instanceof Error ? cause.message : String(cause))}\n`);
  } finally {
    if (!keep) {
      rmSync(dir, { recursive: true, force: true });
      for (const name of readdirSync("/tmp").filter((file) => /^perf-\d+\.map$/.test(file) && !maps.has(file))) rmSync(join("/tmp", name), { force: true });
    }
    await killAllProviders();
    await lab.stop();
    snapshot.remove();
  }
}

await main();
