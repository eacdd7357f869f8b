// The solver of one certificate, against the lab: an exec program that really updates the
// lab's zone with nsupdate, and propagation checks that ask the lab's servers.

import type { Dns01Solver } from "../../src/acme/solver.js";
import type { PropagationOptions } from "../../src/dns/propagation.js";
import { createDnsSolver, type DnsSolverOptions } from "../../src/dns/solver.js";
import { dig, lab, nsupdate } from "../lab/index.js";
import { challengeFor, recordedCalls, recordingLogger, temporaryDirectory, uniqueLabel, writeRecordingScript, writeScript } from "./support.js";

const noAbort = new AbortController().signal;
const fixedTimings = { EXEC_PROPAGATION_TIMEOUT: "5", EXEC_POLLING_INTERVAL: "0" };

function propagation(overrides: Partial<PropagationOptions> = {}): PropagationOptions {
  return { recursiveNameservers: [lab().resolver], disableCompletePropagation: false, preCheckDelay: 0, propagationWait: 0, ...overrides };
}

/** An exec program adding (present) and deleting (cleanup) the TXT record in the lab's zone. */
async function writeNsupdateProgram(dir: string): Promise<string> {
  return writeScript(
    dir,
    "nsupdate.sh",
    `case "$1" in present) op=add ;; cleanup) op=delete ;; *) exit 0 ;; esac
printf 'server %s 53\\nzone %s.\\nupdate %s %s 1 TXT "%s"\\nsend\\n' "$LAB_AUTHORITATIVE" "$LAB_ZONE" "$op" "$2" "$3" | nsupdate -k "$LAB_TSIG_KEY"`,
  );
}

/** Pass-through config keys: the program reads the lab's coordinates from its environment. */
function labConfig(): Record<string, string> {
  return { LAB_AUTHORITATIVE: lab().authoritative, LAB_ZONE: lab().zone, LAB_TSIG_KEY: lab().tsigKeyFile };
}

async function solverFor(options: Omit<DnsSolverOptions, "logger" | "env"> & { env?: DnsSolverOptions["env"] }): Promise<Dns01Solver> {
  const result = await createDnsSolver({ env: { PATH: process.env.PATH }, logger: recordingLogger().logger, ...options });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.solver;
}

async function txtAt(name: string): Promise<string[]> {
  return (await dig(lab().authoritative, name, "TXT")).filter((answer) => answer.type === "TXT").map((answer) => answer.data);
}

it("presents through the CNAME's target, waits until the record is there, and cleans it up", async () => {
  const dir = await temporaryDirectory();
  const domain = `${uniqueLabel("cname")}.${lab().zone}`;
  const target = `${uniqueLabel("target")}.${lab().zone}.`;
  await nsupdate(lab(), [`update add _acme-challenge.${domain}. 1 CNAME ${target}`]);
  const solver = await solverFor({
    blocks: [{ provider: "exec", config: { EXEC_PATH: await writeNsupdateProgram(dir), ...fixedTimings, ...labConfig() } }],
    propagation: propagation(),
  });
  const challenge = challengeFor(domain);

  await solver.present([challenge], noAbort);
  expect(await txtAt(target)).toEqual([challenge.txtValue]);

  await solver.cleanup([challenge], noAbort);
  expect(await txtAt(target)).toEqual([]);
});

it("answers one value per name at a time", async () => {
  const dir = await temporaryDirectory();
  const solver = await solverFor({ blocks: [{ provider: "exec", config: { EXEC_PATH: await writeRecordingScript(dir) } }], propagation: propagation() });
  expect(solver.valuesPerName).toBe(1);
});

it("reports the failure of every block and challenge, and cleans up all that was attempted", async () => {
  const [dirA, dirB] = await Promise.all([temporaryDirectory(), temporaryDirectory()]);
  const failing = (dir: string) => writeRecordingScript(dir, `[ "$1" = present ] && { echo "no zone for $2" >&2; exit 3; }; exit 0`);
  const solver = await solverFor({
    blocks: [
      { provider: "exec", config: { EXEC_PATH: await failing(dirA), ...fixedTimings } },
      { provider: "exec", config: { EXEC_PATH: await failing(dirB), ...fixedTimings } },
    ],
    propagation: propagation(),
  });
  const challenges = [challengeFor(`${uniqueLabel("one")}.${lab().zone}`), challengeFor(`${uniqueLabel("two")}.${lab().zone}`)];

  const error = (await solver.present(challenges, noAbort).catch((caught: Error) => caught)) as AggregateError;
  expect(error).toBeInstanceOf(AggregateError);
  expect(error.errors).toHaveLength(4);
  expect(error.message).toMatch(/^DNS-01: 4 of 4 presentations failed/);
  for (const block of [0, 1]) {
    for (const { domain } of challenges) {
      expect(error.message).toContain(`dns_challenge[${block}] (exec): presenting _acme-challenge.${domain}. for ${domain}:`);
      expect(error.message).toContain(`no zone for _acme-challenge.${domain}.`);
    }
  }

  await solver.cleanup(challenges, noAbort);
  for (const dir of [dirA, dirB]) expect((await recordedCalls(dir)).filter((call) => call[0] === "cleanup")).toHaveLength(2);
});

it("does not clean up what was never presented", async () => {
  const dir = await temporaryDirectory();
  const solver = await solverFor({ blocks: [{ provider: "exec", config: { EXEC_PATH: await writeRecordingScript(dir), ...fixedTimings } }], propagation: propagation() });
  await solver.cleanup([challengeFor(`never.${lab().zone}`)], noAbort);
  expect(await recordedCalls(dir)).toEqual([]);
});

it("waits EXEC_SEQUENCE_INTERVAL between rounds", async () => {
  const dir = await temporaryDirectory();
  const solver = await solverFor({
    blocks: [{ provider: "exec", config: { EXEC_PATH: await writeRecordingScript(dir), EXEC_SEQUENCE_INTERVAL: "1", ...fixedTimings } }],
    // A wait instead of checks: the recording program creates no records.
    propagation: propagation({ propagationWait: 0.01 }),
  });
  const apex = challengeFor(`${uniqueLabel("apex")}.${lab().zone}`);
  await solver.present([apex], noAbort);
  const started = Date.now();
  await solver.present([{ ...apex, identifier: `*.${apex.domain}`, token: "wildcard" }], noAbort);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
});

it("returns every configuration problem instead of a solver", async () => {
  const result = await createDnsSolver({
    blocks: [
      { provider: "exec", config: {} },
      { provider: "nope", config: {} },
    ],
    propagation: propagation({ recursiveNameservers: ["resolver.example"] }),
    env: {},
    logger: recordingLogger().logger,
  });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.problems).toEqual([
    expect.objectContaining({ setting: "recursive_nameservers", summary: "Invalid recursive nameservers" }),
    expect.objectContaining({ block: 0, setting: "EXEC_PATH", summary: "EXEC_PATH is required" }),
    expect.objectContaining({ block: 1, summary: 'Unknown DNS provider "nope"' }),
  ]);
});
