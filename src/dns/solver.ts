// The Dns01Solver of one certificate: every dns_challenge block's provider answers every
// challenge (as the reference's multi-provider wrapper does), then the solver waits until
// the records are visible. Errors of every block and challenge are reported together.

import type { Dns01Challenge, Dns01Solver } from "../acme/index.js";
import type { Logger } from "../log/logger.js";
import type { Environment } from "./description.js";
import { followCnames, whyBadNameservers } from "./dns-lookup.js";
import { challengeKey, type ChallengeRecord, type DnsProvider, type PropagationTimings } from "./dns-provider.js";
import { DnsChallengeError, rejectionsOf } from "./errors.js";
import { journalDirectory, PresentedJournal } from "./journal.js";
import { dnsProviderFactories } from "./factories.js";
import { sleep } from "../shared/index.js";
import { recursiveResolvers, waitForPropagation, type PropagationOptions } from "./propagation.js";
import { resolveDnsChallenge, type DnsChallengeBlock, type DnsChallengeProblem } from "./settings.js";

export interface DnsSolverOptions {
  blocks: readonly DnsChallengeBlock[];
  propagation: PropagationOptions;
  /** The provider process's environment: settings not in a block's config come from here. */
  env: Environment;
  logger: Logger;
}

export type DnsSolverResult = { ok: true; solver: Dns01Solver } | { ok: false; problems: DnsChallengeProblem[] };

/** Resolves every block's settings and builds the solver, or returns every problem found. */
export async function createDnsSolver({ blocks, propagation, env, logger }: DnsSolverOptions): Promise<DnsSolverResult> {
  if (blocks.length === 0) throw new Error("createDnsSolver needs at least one dns_challenge block");
  const problems: DnsChallengeProblem[] = [];
  const badNameservers = propagation.recursiveNameservers && whyBadNameservers(propagation.recursiveNameservers);
  if (badNameservers) {
    problems.push({ setting: "recursive_nameservers", summary: "Invalid recursive nameservers", detail: `give IP addresses, optionally with a port (1.2.3.4:53): ${badNameservers}` });
  }
  const answerers: BlockProvider[] = [];
  for (const [index, block] of blocks.entries()) {
    const resolved = await resolveDnsChallenge(block, env);
    if (!resolved.ok) {
      problems.push(...resolved.problems.map((problem) => ({ ...problem, block: index })));
      continue;
    }
    const blockLogger = logger.child({ dns_challenge: index, dns_provider: block.provider });
    const context = { env, logger: blockLogger, resolvers: recursiveResolvers(propagation) };
    const create = dnsProviderFactories[resolved.description.name];
    if (!create) throw new Error(`the DNS provider ${resolved.description.name} is described but has no factory in factories.ts`);
    answerers.push({ label: `dns_challenge[${index}] (${block.provider})`, name: block.provider, provider: create(resolved.settings, context) });
  }
  if (problems.length > 0) return { ok: false, problems };
  const journalDir = journalDirectory(env);
  const journal = journalDir === undefined ? undefined : PresentedJournal.open(journalDir, logger);
  return { ok: true, solver: new MultiProviderSolver(answerers, propagation, logger, journal) };
}

interface BlockProvider {
  /** How errors name the block, e.g. "dns_challenge[0] (exec)". */
  label: string;
  /** The DNS provider's name, e.g. "exec". */
  name: string;
  provider: DnsProvider;
}

class MultiProviderSolver implements Dns01Solver {
  readonly valuesPerName: number;
  /** Per block, what present was run for (keyed by challengeKey), with its record name for cleanup. */
  private readonly presented: Map<string, ChallengeRecord>[];
  private roundsPresented = 0;

  constructor(
    private readonly blocks: readonly BlockProvider[],
    private readonly propagation: PropagationOptions,
    private readonly logger: Logger,
    private readonly journal: PresentedJournal | undefined,
  ) {
    this.valuesPerName = Math.min(...blocks.map(({ provider }) => provider.valuesPerName));
    this.presented = blocks.map(() => new Map());
  }

  async present(challenges: Dns01Challenge[], signal: AbortSignal): Promise<void> {
    if (this.roundsPresented++ > 0) await this.waitBetweenRounds(signal);
    await this.cleanUpAfterKilledRuns(challenges, signal);
    const resolvers = recursiveResolvers(this.propagation);
    const records = await Promise.all(
      challenges.map(async (challenge) => ({
        challenge,
        fqdn: await followCnames(resolvers, `_acme-challenge.${challenge.domain}.`, signal, this.logger),
      })),
    );

    // Where each value must become visible: the CNAME chain's end, unless a provider knows better.
    const expected = new Map<string, { fqdn: string; value: string }>();
    const attempts = this.blocks.flatMap(({ label, name, provider }, block) =>
      records.map(async (record) => {
        // Recorded before running: a program that failed halfway (or was killed with the
        // provider) may have created the record.
        this.presented[block]!.set(challengeKey(record.challenge), record);
        this.journal?.add({ block, provider: name, record });
        try {
          const fqdn = (await provider.present(record, signal)) || record.fqdn;
          expected.set(`${fqdn.toLowerCase()} ${record.challenge.txtValue}`, { fqdn, value: record.challenge.txtValue });
        } catch (error) {
          signal.throwIfAborted();
          throw new Error(`${label}: presenting ${record.fqdn} for ${record.challenge.identifier}: ${(error as Error).message}`, { cause: error });
        }
      }),
    );
    const failures = rejectionsOf(await Promise.allSettled(attempts));
    signal.throwIfAborted();
    if (failures.length > 0) throw new DnsChallengeError(`DNS-01: ${failures.length} of ${attempts.length} presentations failed`, failures);

    await waitForPropagation([...expected.values()], await this.timings(signal), this.propagation, signal, this.logger);
  }

  async cleanup(challenges: Dns01Challenge[], signal: AbortSignal): Promise<void> {
    await Promise.all(
      this.blocks.flatMap(({ label, name, provider }, block) =>
        challenges.map(async (challenge) => {
          const record = this.presented[block]!.get(challengeKey(challenge));
          if (!record) return;
          this.presented[block]!.delete(challengeKey(challenge));
          try {
            await provider.cleanup(record, signal);
            this.journal?.remove({ block, provider: name, record });
          } catch (error) {
            // Left in the journal: a later run tries again.
            // The certificate does not depend on it: say so loudly, but do not fail.
            this.logger.warn(`${label}: cleaning up ${record.fqdn} failed; the TXT record may remain`, { reason: (error as Error).message });
          }
        }),
      ),
    );
  }

  /**
   * Cleans up what a provider process killed outright (no cleanup of its own) presented for
   * these domains through the same block and DNS provider, before presenting anew.
   */
  private async cleanUpAfterKilledRuns(challenges: Dns01Challenge[], signal: AbortSignal): Promise<void> {
    if (!this.journal) return;
    const domains = new Set(challenges.map((challenge) => challenge.domain.toLowerCase()));
    const leftovers = this.journal.takeLeftovers(
      (entry) => this.blocks[entry.block]?.name === entry.provider && domains.has(entry.record.challenge.domain.toLowerCase()),
    );
    await Promise.all(
      leftovers.map(async (entry) => {
        const { label, provider } = this.blocks[entry.block]!;
        this.logger.info(`${label}: cleaning up ${entry.record.fqdn}, presented by a provider run that was killed before it could`, {
          fqdn: entry.record.fqdn,
          identifier: entry.record.challenge.identifier,
        });
        try {
          await provider.cleanup(entry.record, signal);
          this.journal!.remove(entry);
        } catch (error) {
          signal.throwIfAborted();
          this.logger.warn(`${label}: cleaning up ${entry.record.fqdn} left by a killed run failed; the TXT record may remain`, { reason: (error as Error).message });
        }
      }),
    );
  }

  /** The longest timeout and interval of all blocks, as the reference's wrapper does. */
  private async timings(signal: AbortSignal): Promise<PropagationTimings> {
    const all = await Promise.all(this.blocks.map(({ provider }) => provider.propagationTimings(signal)));
    return {
      timeoutSeconds: Math.max(...all.map((timings) => timings.timeoutSeconds)),
      intervalSeconds: Math.max(...all.map((timings) => timings.intervalSeconds)),
    };
  }

  private async waitBetweenRounds(signal: AbortSignal): Promise<void> {
    const seconds = Math.max(...this.blocks.map(({ provider }) => provider.sequenceIntervalSeconds ?? 0));
    if (seconds <= 0) return;
    this.logger.debug("dns: waiting between rounds of challenges", { seconds });
    await sleep(seconds * 1000, signal);
  }
}
