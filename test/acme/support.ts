// What the engine tests share: the lab, a DNS-01 solver that writes TXT records into the
// lab's bind9 with nsupdate (as an RFC 2136 DNS provider would), and unique names.

import { randomBytes } from "node:crypto";
import { Resolver } from "node:dns/promises";
import { readFileSync } from "node:fs";
import type { Dns01Challenge, Dns01Solver } from "../../src/acme/solver.js";
import { jsonLineLogger, silentLogger, type Logger } from "../../src/log/logger.js";
import { lab, nsupdate, type LabDescription } from "../lab/index.js";

export { lab, startPebble, certStatus } from "../lab/index.js";

export function labCaPem(description: LabDescription = lab()): string {
  return readFileSync(description.caCertPath, "utf8");
}

/** A fresh name under the lab zone, so tests never share DNS records or authorizations. */
export function uniqueDomain(prefix = "t", description: LabDescription = lab()): string {
  return `${prefix}-${randomBytes(4).toString("hex")}.${description.zone}`;
}

/** Set ACME_TF_TEST_LOG=1 to see the engine's logs. */
export const testLogger: Logger = process.env.ACME_TF_TEST_LOG ? jsonLineLogger((line) => process.stderr.write(line)) : silentLogger;

export interface TestSolverOptions {
  valuesPerName?: number;
  /** present() adds the others, then fails for these identifiers. */
  failPresentFor?: string[];
  /** Publish this instead of the right TXT value (to make the CA's check fail). */
  wrongValue?: string;
}

export interface TestSolver extends Dns01Solver {
  /** Every present() call's challenges, in order: one entry a round. */
  readonly presented: Dns01Challenge[][];
  readonly cleanedUp: Dns01Challenge[][];
}

/** A solver over nsupdate against the lab's authoritative server. */
export function nsupdateSolver(options: TestSolverOptions = {}, description: LabDescription = lab()): TestSolver {
  const presented: Dns01Challenge[][] = [];
  const cleanedUp: Dns01Challenge[][] = [];
  const value = (c: Dns01Challenge) => options.wrongValue ?? c.txtValue;
  const record = (c: Dns01Challenge) => `_acme-challenge.${c.domain}.`;
  return {
    valuesPerName: options.valuesPerName ?? 2,
    presented,
    cleanedUp,
    async present(challenges) {
      presented.push([...challenges]);
      const failing = challenges.filter((c) => options.failPresentFor?.includes(c.identifier));
      const adds = challenges.filter((c) => !failing.includes(c)).map((c) => `update add ${record(c)} 1 TXT "${value(c)}"`);
      if (adds.length > 0) await nsupdate(description, adds);
      await visibleAtResolver(challenges.filter((c) => !failing.includes(c)), value, description);
      if (failing.length > 0) {
        throw new Error(failing.map((c) => `cannot create the TXT record for ${c.identifier}: provider refused`).join("; "));
      }
    },
    async cleanup(challenges) {
      cleanedUp.push([...challenges]);
      await nsupdate(description, challenges.map((c) => `update delete ${record(c)} TXT "${value(c)}"`));
    },
  };
}

/** A signal for one test: generous, so a hang fails the test instead of jest's timeout. */
export function testSignal(ms = 60_000): AbortSignal {
  return AbortSignal.timeout(ms);
}

/**
 * Waits until the lab's resolver (the one Pebble asks) answers every value: a resolver
 * may still hold the previous answer for a moment, exactly as in real life.
 */
async function visibleAtResolver(
  challenges: Dns01Challenge[],
  value: (c: Dns01Challenge) => string,
  description: LabDescription,
): Promise<void> {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  const [host, port] = description.resolver.split(":");
  resolver.setServers([`${host}:${port ?? 53}`]);
  const deadline = Date.now() + 10_000;
  for (const c of challenges) {
    const name = `_acme-challenge.${c.domain}`;
    for (;;) {
      const answers = await resolver.resolveTxt(name).catch(() => [] as string[][]);
      if (answers.some((parts) => parts.join("") === value(c))) break;
      if (Date.now() > deadline) throw new Error(`${name} TXT ${value(c)} is not visible at ${description.resolver} after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
