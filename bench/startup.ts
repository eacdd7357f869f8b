// Start-up benchmark of the provider as Terraform launches it (3-4 times per apply):
//   - spawn of bin/terraform-provider-acme -> handshake line on stdout
//   - peak RSS (VmHWM) of the idle provider after the handshake and a health check
//   - Shutdown RPC -> process exit
// plus, for context, bare `node -e 0` and a breakdown of what the pre-handshake path costs,
// and each package kind side by side (bench/package-kinds.ts: Node package, single executables).
//
//   npm run build && npx tsx bench/startup.ts [--runs 20] [--no-breakdown] [--no-package-kinds]
//
// A report, not a test: it always exits 0, whether the goals are met or not.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { BUILT_ENTRY, killAllProviders, ProviderProcess, REPO_ROOT, type StartOptions } from "../test/harness/provider-process.js";
import { bareNodeStartMs, peakRssMb, positiveIntegerFlag, withoutNodeOptions } from "./measure.js";
import { packageKindsReport } from "./package-kinds.js";

const GOALS = { startupMs: 150, rssMb: 120, shutdownMs: 100 };
/** Time left to the provider after the handshake, so its post-handshake loading counts in the peak. */
const IDLE_MS = 500;

function parseArgs(argv: string[]) {
  return { runs: positiveIntegerFlag(argv, "--runs", 20), breakdown: !argv.includes("--no-breakdown"), packageKinds: !argv.includes("--no-package-kinds") };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: p90 of 20 runs is the 18th value.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  startupMs: number;
  peakMb: number;
  shutdownMs: number;
  shutdownAnswered: boolean;
}

async function measureOnce(options: StartOptions = {}): Promise<Run> {
  const provider = await ProviderProcess.start(options);
  try {
    const startupMs = provider.handshakeAt - provider.spawnedAt;
    // The launcher execs node: this pid must be node's, or the memory read is the shell's.
    const comm = readFileSync(`/proc/${provider.pid}/comm`, "utf8").trim();
    if (!comm.startsWith("node")) throw new Error(`pid ${provider.pid} is ${comm}, not node: does the launcher exec?`);
    await provider.health(); // connected, as Terraform is right after the handshake
    await sleep(IDLE_MS);
    const peakMb = peakRssMb(provider.pid);
    const shutdown = await provider.shutdown();
    return { startupMs, peakMb, shutdownMs: shutdown.latencyMs, shutdownAnswered: shutdown.answered };
  } finally {
    await provider.kill();
  }
}


/**
 * The steps serve() takes before writing its handshake, timed one by one in a fresh
 * node process (module caches cold, as at every launch). Times are ms since the
 * process started (performance.now()), so the first line is node's own bootstrap.
 */
function breakdown(): Record<string, number> {
  const dist = (path: string) => pathToFileURL(`${REPO_ROOT}dist/${path}`).href;
  const script = `
    const marks = { "node bootstrap (until user code)": performance.now() };
    let last = performance.now();
    const step = (name) => { const now = performance.now(); marks[name] = now - last; last = now; };
    await import(${JSON.stringify(dist("log/logger.js"))}); await import(${JSON.stringify(dist("plugin/handshake.js"))});
    step("import logger + handshake");
    const { GrpcServer } = await import(${JSON.stringify(dist("plugin/grpc-server.js"))});
    step("import grpc-server (node:http2, generated protocol codecs)");
    await import(${JSON.stringify(dist("plugin/protocol-adapter.js"))}); await import(${JSON.stringify(dist("plugin/serve.js"))});
    step("import protocol-adapter + serve");
    const tls = await import(${JSON.stringify(dist("plugin/tls.js"))});
    const cert = tls.createServerCertificate();
    step("key pair + certificate");
    const server = new GrpcServer({ tls: { ...cert, clientCertificatePem: cert.certificatePem }, maxMessageBytes: 1 << 20, onProblem() {} });
    server.addService("tfplugin6.Provider", {});
    const fs = await import("node:fs"); const os = await import("node:os");
    const dir = fs.mkdtempSync(os.tmpdir() + "/acme-tf-bench-");
    await server.listen(dir + "/s.sock");
    step("TLS context + listen on the unix socket");
    const [{ FrameworkProvider }, { acmeProvider }] = await Promise.all([import(${JSON.stringify(dist("provider/provider.js"))}), import(${JSON.stringify(dist("resources/index.js"))})]);
    new FrameworkProvider(acmeProvider({}), { debug() {}, trace() {}, info() {}, warn() {}, error() {}, child() { return this; } });
    step("(after handshake) load provider + resources");
    fs.rmSync(dir, { recursive: true, force: true });
    process.stdout.write(JSON.stringify(marks));
    process.exit(0);
  `;
  // As the launcher starts it: NODE_EXTRA_CA_CERTS is read by the provider, not by node.
  const env = withoutNodeOptions();
  delete env.NODE_EXTRA_CA_CERTS;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO_ROOT, env, encoding: "utf8" });
  return JSON.parse(out) as Record<string, number>;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
}

async function main(): Promise<void> {
  const { runs, breakdown: wantBreakdown, packageKinds } = parseArgs(process.argv.slice(2));
  console.log(`acme-tf provider start-up benchmark: ${runs} runs, node ${process.version}, launcher ${REPO_ROOT}bin/terraform-provider-acme`);

  await measureOnce(); // warm the page cache; not counted
  // Interleaved, so that load from other processes on the machine hits every series alike:
  // the launcher as Terraform runs it, node on provider.js without the launcher's sh, and
  // bare node (the floor under any Node provider).
  const results: Run[] = [];
  const direct: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) {
    results.push(await measureOnce());
    direct.push((await measureOnce({ command: { file: process.execPath, args: [BUILT_ENTRY] } })).startupMs);
    baseline.push(await bareNodeStartMs());
  }

  const startup = results.map((r) => r.startupMs);
  const peak = results.map((r) => r.peakMb);
  const shutdown = results.map((r) => r.shutdownMs);
  const verdict = (value: number, goal: number) => (value <= goal ? "PASS" : "MISS");
  const widths = [34, 9, 9, 9, 7];
  const lines = [
    row(["", "median", "p90", "goal", ""], widths),
    row(["spawn -> handshake line (ms)", quantile(startup, 0.5).toFixed(1), quantile(startup, 0.9).toFixed(1), `<= ${GOALS.startupMs}`, verdict(quantile(startup, 0.5), GOALS.startupMs)], widths),
    row([`peak RSS, idle ${IDLE_MS} ms after (MB)`, quantile(peak, 0.5).toFixed(1), quantile(peak, 0.9).toFixed(1), `<= ${GOALS.rssMb}`, verdict(Math.max(...peak), GOALS.rssMb)], widths),
    row(["Shutdown RPC -> exit (ms)", quantile(shutdown, 0.5).toFixed(1), quantile(shutdown, 0.9).toFixed(1), `<= ${GOALS.shutdownMs}`, verdict(quantile(shutdown, 0.5), GOALS.shutdownMs)], widths),
    row(["(node provider.js without launcher)", quantile(direct, 0.5).toFixed(1), quantile(direct, 0.9).toFixed(1), "", "info"], widths),
    row(["(node -e, spawn -> first line, ms)", quantile(baseline, 0.5).toFixed(1), quantile(baseline, 0.9).toFixed(1), "", "info"], widths),
  ];
  console.log();
  console.log(lines.join("\n"));
  console.log(`\nverdicts: start-up and shutdown by median, RSS by the worst run (${Math.max(...peak).toFixed(1)} MB).`);
  if (results.some((r) => !r.shutdownAnswered)) {
    console.log(`note: the Shutdown RPC's answer was lost in ${results.filter((r) => !r.shutdownAnswered).length}/${runs} runs (the provider exits first); latency is measured from the request, an upper bound.`);
  }

  if (wantBreakdown) {
    const steps = breakdown();
    console.log("\nwhere start-up time goes (one fresh node process, ms per step):");
    for (const [name, ms] of Object.entries(steps)) console.log(`  ${ms.toFixed(1).padStart(7)}  ${name}`);
    const beforeHandshake = Object.entries(steps)
      .filter(([name]) => !name.startsWith("(after"))
      .reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`  ${beforeHandshake.toFixed(1).padStart(7)}  total before the handshake (excluding process spawn and the launcher's sh)`);
  }
  if (packageKinds) await packageKindsReport(runs);
}

main()
  .catch((cause: unknown) => {
    console.error(`benchmark failed to run: ${cause instanceof Error ? cause.message : String(cause)}`);
  })
  .finally(async () => {
    await killAllProviders();
    // A report, not a test: never fail the process on a miss (or on a broken run).
    process.exit(0);
  });
