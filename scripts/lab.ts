// Runs a lab until SIGINT/SIGTERM, for the demo, benchmarks and manual poking:
//   npx tsx scripts/lab.ts [--ip-base 127.0.54] [--dir /tmp/lab]
// Prints the LabDescription as ONE JSON line on stdout once every service is ready;
// progress and errors go to stderr.
//
// To stop it from another program, signal the tsx process (tsx passes signals on to
// this script) or the whole process group: `npx` itself does not pass SIGTERM on, so
// killing the npx pid orphans the lab (its services would then live until this exits).

import { startLab, type StartLabOptions } from "../test/lab/lab.js";

function parseArgs(argv: string[]): StartLabOptions {
  const opts: StartLabOptions = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--ip-base" && value) opts.ipBase = value;
    else if (flag === "--dir" && value) opts.dir = value;
    else throw new Error(`usage: scripts/lab.ts [--ip-base 127.0.54] [--dir DIR] (bad argument: ${flag})`);
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  // Listen before starting: a Ctrl-C during start-up then still stops the lab cleanly
  // (removing its directory) instead of killing us half-way.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const started = Date.now();
  const { stop, ...description } = await startLab(opts);
  process.stdout.write(`${JSON.stringify(description)}\n`);
  process.stderr.write(`lab ready in ${Date.now() - started} ms, files in ${description.dir}; Ctrl-C stops it\n`);
  const signal = await stopRequested;
  await stop();
  process.stderr.write(`lab stopped (${signal})\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
