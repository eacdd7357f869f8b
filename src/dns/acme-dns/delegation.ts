// The delegation acme-dns relies on: `_acme-challenge.<domain> CNAME <fulldomain>`, which
// the user creates in their own zone. Checked through the certificate's resolvers before
// the TXT value is sent, so that a missing or wrong record is reported as the exact record
// to create, instead of as a CA's "incorrect TXT record" minutes later.

import type { Logger } from "../../log/logger.js";
import { isNoData, MAX_CNAME_HOPS, withoutDot, withResolver } from "../dns-lookup.js";
import { sleep } from "../../shared/index.js";

export type Delegation =
  | { state: "ok" }
  /** `_acme-challenge.<domain>` has no CNAME. */
  | { state: "missing" }
  /** The chain does not reach the fulldomain; `chain` starts at `_acme-challenge.<domain>`. */
  | { state: "wrong"; chain: string[] }
  /** The resolvers did not answer. */
  | { state: "unresolved"; reason: string };

/** The record the user must create, in zone-file form. */
export function cnameRecord(domain: string, fulldomain: string): string {
  return `_acme-challenge.${domain}. CNAME ${fulldomain}.`;
}

/** Follows `_acme-challenge.<domain>`'s CNAMEs through `servers` and says whether they reach `fulldomain`. */
export async function checkDelegation(servers: readonly string[], domain: string, fulldomain: string, signal: AbortSignal): Promise<Delegation> {
  const target = withoutDot(fulldomain);
  return withResolver(servers, signal, async (resolver) => {
    const chain = [`_acme-challenge.${withoutDot(domain)}`];
    for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      const current = chain[chain.length - 1]!;
      let next: string | undefined;
      try {
        next = (await resolver.resolveCname(current))[0];
      } catch (error) {
        signal.throwIfAborted();
        if (!isNoData(error)) return { state: "unresolved", reason: `${current}: ${(error as Error).message}` };
      }
      if (next === undefined) return chain.length === 1 ? { state: "missing" } : { state: "wrong", chain };
      next = withoutDot(next);
      if (next === target) return { state: "ok" };
      if (chain.includes(next)) return { state: "wrong", chain: [...chain, next] };
      chain.push(next);
    }
    return { state: "wrong", chain };
  });
}

export interface DelegationWait {
  servers: readonly string[];
  domain: string;
  fulldomain: string;
  timeoutSeconds: number;
  intervalSeconds: number;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Resolves once the CNAME is in place; checks again at the interval until the timeout (a
 * record just created may not be visible everywhere yet), then rejects with the record
 * to create.
 */
export async function waitForDelegation({ servers, domain, fulldomain, timeoutSeconds, intervalSeconds, signal, logger }: DelegationWait): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const delegation = await checkDelegation(servers, domain, fulldomain, signal);
    if (delegation.state === "ok") return;
    const remainingSeconds = (deadline - Date.now()) / 1000;
    if (remainingSeconds <= 0) throw new Error(delegationProblem(delegation, domain, fulldomain, servers, timeoutSeconds));
    logger.info("acme-dns: waiting for the _acme-challenge CNAME", { domain, state: delegation.state, expected: cnameRecord(domain, fulldomain) });
    await sleep(Math.min(Math.max(intervalSeconds, 0.2), remainingSeconds) * 1000, signal);
  }
}

function delegationProblem(delegation: Exclude<Delegation, { state: "ok" }>, domain: string, fulldomain: string, servers: readonly string[], timeoutSeconds: number): string {
  const record = cnameRecord(domain, fulldomain);
  const checked = `(checked through ${servers.join(", ") || "no resolvers"} for ${timeoutSeconds} s; a resolver may still remember the record's absence for the zone's negative TTL)`;
  switch (delegation.state) {
    case "missing":
      return `the CNAME that delegates ${domain}'s challenges to acme-dns is missing. Create this record in the zone of ${domain}:\n  ${record}\n${checked}`;
    case "wrong":
      return `_acme-challenge.${domain} does not lead to the acme-dns account (${delegation.chain.join(" -> ")}), so the CA would not find its TXT record. Replace it with this record:\n  ${record}\n${checked}`;
    case "unresolved":
      return `cannot check the CNAME of _acme-challenge.${domain} (${delegation.reason}). It must be:\n  ${record}\n${checked}`;
  }
}
