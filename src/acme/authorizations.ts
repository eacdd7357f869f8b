// Proving control of the order's names with DNS-01 (RFC 8555 sections 7.5 and 8.4).
//
// Challenges go to the solver in rounds: one TXT name (`_acme-challenge.<domain>`, shared
// by an apex and its wildcard) never holds more values at once than the solver allows.
// Within a round everything runs concurrently: present, tell the CA, wait. Whatever a
// round presented is always cleaned up, on success, failure or cancellation.

import { createHash } from "node:crypto";
import type { Logger } from "../log/logger.js";
import type { AcmeClient } from "./client.js";
import { AcmeAbortError, AcmeError, formatProblem } from "./errors.js";
import { asAuthorization, orderedName, type AcmeAuthorization } from "./objects.js";
import { pollUntil, type Observation } from "./poll.js";
import type { Dns01Challenge, Dns01Solver } from "./solver.js";

/** An authorization still to prove, with its dns-01 challenge. */
export interface PendingAuthorization {
  url: string;
  challengeUrl: string;
  /** The challenge is already being validated (e.g. a reused pending authorization). */
  alreadyResponded: boolean;
  /** The authorization as read before answering. */
  authorization: AcmeAuthorization;
  challenge: Dns01Challenge;
}

export interface SolveOptions {
  signal: AbortSignal;
  logger: Logger;
  /** How long one round may wait for the CA's verdict (ms). */
  validationTimeoutMs: number;
  /** How long cleanup may take, even after the main signal was aborted (ms). */
  cleanupTimeoutMs: number;
}

/** Picks the dns-01 challenge of each authorization that is not valid yet. */
export function pendingAuthorizations(client: AcmeClient, authorizations: { url: string; authz: AcmeAuthorization }[]): PendingAuthorization[] {
  const pending: PendingAuthorization[] = [];
  for (const { url, authz } of authorizations) {
    const name = orderedName(authz);
    if (authz.status === "valid") continue;
    if (authz.status !== "pending") {
      throw new AcmeError(`the CA's authorization for ${name} is ${authz.status}${describeFailure(authz)}; try again (a new order gets new authorizations)`, {
        identifier: name,
      });
    }
    const dns01 = authz.challenges.find((c) => c.type === "dns-01");
    if (!dns01 || !dns01.token) {
      const offered = authz.challenges.map((c) => c.type).join(", ") || "none";
      throw new AcmeError(`the CA offers no dns-01 challenge for ${name} (offered: ${offered})`, { identifier: name });
    }
    const keyAuthorization = client.keyAuthorization(dns01.token);
    pending.push({
      url,
      challengeUrl: dns01.url,
      alreadyResponded: dns01.status !== "pending",
      authorization: authz,
      challenge: {
        identifier: name,
        domain: authz.identifier.value,
        token: dns01.token,
        keyAuthorization,
        txtValue: createHash("sha256").update(keyAuthorization).digest("base64url"),
      },
    });
  }
  return pending;
}

/** Splits authorizations into rounds with at most `valuesPerName` challenges per TXT name. */
export function planRounds<T extends { challenge: Dns01Challenge }>(items: T[], valuesPerName: number): T[][] {
  const perName = Math.max(1, Math.floor(valuesPerName));
  const seen = new Map<string, number>();
  const rounds: T[][] = [];
  for (const item of items) {
    const name = item.challenge.domain.toLowerCase();
    const index = seen.get(name) ?? 0;
    seen.set(name, index + 1);
    (rounds[Math.floor(index / perName)] ??= []).push(item);
  }
  return rounds;
}

/**
 * Proves every pending authorization. Resolves when all are valid, with the cleanup of
 * the last round still running in `cleanedUp` (it never rejects: failures are logged),
 * so the caller can finalize meanwhile and await it before returning. Earlier rounds
 * are cleaned up before the next is presented (they may share TXT names). On failure
 * the cleanup is awaited before the error is thrown.
 */
export async function solveAuthorizations(
  client: AcmeClient,
  pending: PendingAuthorization[],
  solver: Dns01Solver,
  options: SolveOptions,
): Promise<{ cleanedUp: Promise<void> }> {
  const rounds = planRounds(pending, solver.valuesPerName);
  let cleanedUp = Promise.resolve();
  for (const [index, round] of rounds.entries()) {
    await cleanedUp;
    options.logger.debug("presenting DNS-01 challenges", {
      round: index + 1,
      rounds: rounds.length,
      identifiers: round.map((p) => p.challenge.identifier),
    });
    ({ cleanedUp } = await solveRound(client, round, solver, options));
  }
  return { cleanedUp };
}

/** One round; resolves with its (started) cleanup once the CA has validated everything. */
async function solveRound(
  client: AcmeClient,
  round: PendingAuthorization[],
  solver: Dns01Solver,
  options: SolveOptions,
): Promise<{ cleanedUp: Promise<void> }> {
  const challenges = round.map((p) => p.challenge);
  const started = Date.now();
  const cleanup = async () => {
    // Not the caller's signal: a cancelled run must still take its records away.
    const cleanupSignal = AbortSignal.timeout(options.cleanupTimeoutMs);
    try {
      await solver.cleanup(challenges, cleanupSignal);
      options.logger.debug("DNS-01 challenges cleaned up", { identifiers: challenges.map((c) => c.identifier) });
    } catch (error) {
      options.logger.warn("cleaning up DNS-01 challenges failed", {
        identifiers: challenges.map((c) => c.identifier),
        error: messageOf(error),
      });
    }
  };
  try {
    try {
      await solver.present(challenges, options.signal);
    } catch (error) {
      if (options.signal.aborted) throw new AcmeAbortError("presenting DNS-01 challenges", options.signal.reason);
      const names = challenges.map((c) => c.identifier).join(", ");
      throw new AcmeError(`presenting the DNS-01 challenge for ${names} failed: ${messageOf(error)}`, {
        identifier: challenges[0]?.identifier,
        cause: error,
      });
    }
    options.logger.debug("DNS-01 challenges presented", { ms: Date.now() - started });
    const deadline = Date.now() + options.validationTimeoutMs;
    const results = await Promise.allSettled(round.map((p) => validate(client, p, deadline, options.signal)));
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (failures.length > 0 && options.signal.aborted) throw new AcmeAbortError("waiting for the CA to validate", options.signal.reason);
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      const first = failures.find((f): f is AcmeError => f instanceof AcmeError);
      throw new AcmeError(failures.map(messageOf).join("; "), { identifier: first?.identifier, problem: first?.problem });
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  options.logger.debug("authorizations valid", { identifiers: challenges.map((c) => c.identifier), ms: Date.now() - started });
  return { cleanedUp: cleanup() };
}

/** Tells the CA the challenge is ready, then waits for the authorization's verdict. */
async function validate(client: AcmeClient, pending: PendingAuthorization, deadline: number, signal: AbortSignal): Promise<void> {
  const name = pending.challenge.identifier;
  let first: Observation<AcmeAuthorization> | undefined;
  if (!pending.alreadyResponded) {
    const answer = await client.post(pending.challengeUrl, {}, { signal, what: `answering the DNS-01 challenge for ${name}` });
    // CAs validate after answering (RFC 8555 section 7.5.1): a read at once finds the
    // authorization pending, a signed request for nothing. Read it after the first wait,
    // unless the challenge's answer already says how it ended.
    const status = (answer.data as { status?: unknown } | undefined)?.status;
    if (status !== "valid" && status !== "invalid") first = { value: pending.authorization, retryAfterMs: answer.retryAfterMs };
  }
  const what = `reading the authorization for ${name}`;
  const authz = await pollUntil(
    async () => {
      const response = await client.postAsGet(pending.url, { signal, what });
      return { value: asAuthorization(response.data, what), retryAfterMs: response.retryAfterMs };
    },
    (a) => a.status !== "pending",
    { signal, deadline, first, what: `the CA to validate ${name}`, describe: (a) => `status ${a.status}` },
  );
  if (authz.status !== "valid") {
    const failure = authz.challenges.find((c) => c.type === "dns-01" && c.error)?.error;
    throw new AcmeError(`the CA could not validate ${name}: ${failure ? formatProblem(failure) : `authorization ${authz.status}`}`, {
      identifier: name,
      problem: failure,
    });
  }
}

/**
 * Deactivates authorizations (RFC 8555 section 7.5.2) so they cannot be reused, best
 * effort: `onlyPending` after a failure (as lego does), all after success when asked.
 */
export async function deactivateAuthorizations(
  client: AcmeClient,
  urls: string[],
  options: { signal: AbortSignal; logger: Logger; onlyPending: boolean },
): Promise<void> {
  await Promise.all(
    urls.map(async (url) => {
      try {
        if (options.onlyPending) {
          const current = asAuthorization((await client.postAsGet(url, { signal: options.signal, what: "reading an authorization" })).data, url);
          if (current.status !== "pending") return;
        }
        await client.post(url, { status: "deactivated" }, { signal: options.signal, what: "deactivating an authorization" });
      } catch (error) {
        options.logger.warn("deactivating an authorization failed", { url, error: messageOf(error) });
      }
    }),
  );
}

function describeFailure(authz: AcmeAuthorization): string {
  const failure = authz.challenges.find((c) => c.error)?.error;
  return failure ? ` (${formatProblem(failure)})` : "";
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
