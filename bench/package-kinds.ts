// The provider's package kinds side by side (part of bench/startup.ts): the Node package
// (`acme-tf install`: launcher + bundle, node from PATH) and the release package of this
// machine's platform (the single executable; on Linux with its launcher). Both run the
// bundle with a code cache made on the machine (src/launch/code-cache.ts). For each:
// spawn -> handshake, peak RSS, package size, and `terraform init` + `plan` (Terraform
// hashes the whole package on every command, so size costs time there).
// A startup snapshot (SEA useSnapshot) is not among them: it would need the bundle split
// into a part that can be captured and one that opens sockets and reads the environment.
import { execa } from "execa";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerExecutableName, writeNodePackage } from "../src/cli/node-package.js";
import { terraformPlatform } from "../src/cli/platform.js";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../src/identity/index.js";
import { ProviderProcess } from "../test/harness/provider-process.js";
import { buildPlatform, buildReleasePackage } from "../scripts/release/single-executable.js";
import { median, peakRssMb, Series } from "./measure.js";

interface Kind {
  label: string;
  /** A plugin directory holding the package in the unpacked mirror layout. */
  plugins: string;
  executable: string;
}

const IDLE_MS = 500;

async function prepare(scratch: string): Promise<Kind[]> {
  const packageDir = (plugins: string) => join(plugins, PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
  const kinds: Kind[] = [];
  const node = join(scratch, "node-package");
  kinds.push({ label: "Node package (launcher + bundle)", plugins: node, executable: writeNodePackage(packageDir(node)) });
  const plugins = join(scratch, "sea");
  process.stdout.write(`  building the ${buildPlatform().name} release package...\n`);
  const files = await buildReleasePackage(buildPlatform(), packageDir(plugins));
  kinds.push({ label: "single executable (release package)", plugins, executable: files[providerExecutableName()]! });
  return kinds;
}

function sizeMb(directory: string): number {
  return readdirSync(directory).reduce((sum, name) => sum + statSync(join(directory, name)).size, 0) / 1e6;
}

async function startup(kind: Kind): Promise<{ ms: number; peakMb: number }> {
  const provider = await ProviderProcess.start({ command: { file: kind.executable, args: [] } });
  try {
    await provider.health();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { ms: provider.handshakeAt - provider.spawnedAt, peakMb: peakRssMb(provider.pid) };
  } finally {
    await provider.kill();
  }
}

/** A working directory whose filesystem mirror is the kind's plugin directory. */
function workspace(kind: Kind, scratch: string, index: number): { dir: string; env: Record<string, string> } {
  const dir = join(scratch, `tf-${index}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "cli.tfrc"), `provider_installation {\n  filesystem_mirror {\n    path = "${kind.plugins}"\n  }\n}\n`);
  writeFileSync(join(dir, "main.tf"), `terraform {\n  required_providers {\n    acme = { source = "${PROVIDER_SOURCE}" }\n  }\n}\nprovider "acme" {\n  server_url = "https://acme.example.test/directory"\n}\ndata "acme_server_url" "this" {}\n`);
  return { dir, env: { TF_CLI_CONFIG_FILE: join(dir, "cli.tfrc"), TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", NODE_OPTIONS: "" } };
}

export async function packageKindsReport(runs: number): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "acme-tf-bench-packages-"));
  try {
    console.log(`\npackage kinds (${runs} start-ups, ${Math.min(runs, 5)} terraform init + plan each; host platform ${buildPlatform().name}):`);
    const kinds = await prepare(scratch);
    const starts = kinds.map(() => [] as number[]);
    const peaks = kinds.map(() => [] as number[]);
    const terraform = kinds.map((kind) => new Series(kind.label));
    // Interleaved, so that load from other processes hits every kind alike.
    for (let run = 0; run < runs; run++) {
      for (const [i, kind] of kinds.entries()) {
        const { ms, peakMb } = await startup(kind);
        starts[i]!.push(ms);
        peaks[i]!.push(peakMb);
      }
    }
    for (let run = 0; run < Math.min(runs, 5); run++) {
      for (const [i, kind] of kinds.entries()) {
        const { dir, env } = workspace(kind, scratch, run * kinds.length + i);
        await terraform[i]!.time(async () => {
          await execa("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
          await execa("terraform", ["plan", "-input=false", "-no-color"], { cwd: dir, env });
        });
      }
    }
    const widths = [34, 22, 15, 12, 20];
    const row = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
    console.log(row(["", "spawn -> handshake ms", "peak RSS MB", "size MB", "init + plan ms"]));
    const base = median(starts[0]!)!;
    for (const [i, kind] of kinds.entries()) {
      const ms = median(starts[i]!)!;
      console.log(
        row([
          kind.label,
          `${ms.toFixed(1)} (${(ms / base).toFixed(2)}x)`,
          median(peaks[i]!)!.toFixed(1),
          sizeMb(join(kind.executable, "..")).toFixed(1),
          terraform[i]!.median === undefined ? "failed" : terraform[i]!.median!.toFixed(0),
        ]),
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
