import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
// What every benchmark here needs: a --runs style flag, medians, and a series of timed
// runs that records failures instead of stopping the report.

/** The value of `--flag N` (a positive integer), or the fallback when the flag is absent. */
export function positiveIntegerFlag(argv: readonly string[], flag: string, fallback: number): number {
  const at = argv.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} wants a positive integer, got ${argv[at + 1]}`);
  return value;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Wall times in ms of the successful runs, and what failed. */
export class Series {
  readonly times: number[] = [];
  readonly failures: string[] = [];
  constructor(readonly label: string) {}

  async time(run: () => Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await run();
      this.times.push(performance.now() - started);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      this.failures.push(message);
      process.stdout.write(`    ${this.label}: run failed: ${gist(message)}\n`);
    }
  }

  get min(): number | undefined {
    return this.times.length === 0 ? undefined : Math.min(...this.times);
  }

  get median(): number | undefined {
    return median(this.times);
  }
}

/** The lines of a failure that say what went wrong (terraform's "Error:" lines), else its end. */
export function gist(text: string): string {
  const lines = text.trim().split("\n");
  const errors = lines.filter((line) => /\berror\b/i.test(line)).slice(0, 4);
  return (errors.length > 0 ? errors : lines.slice(-6)).map((line) => line.trim()).join("\n      ");
}

/** Peak resident set (VmHWM) of a live process, in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** Bare node start-up, spawn -> first stdout line: the floor under any Node provider. `env` adds to this process's environment. */
export async function bareNodeStartMs(env: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", 'process.stdout.write("x\\n")'], { stdio: ["ignore", "pipe", "ignore"], env: { ...withoutNodeOptions(), ...env } });
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  const ms = performance.now() - started;
  await new Promise((resolve) => child.once("exit", resolve));
  return ms;
}

/** This process's environment without NODE_OPTIONS (jest's or the shell's flags would skew timings). */
export function withoutNodeOptions(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}
