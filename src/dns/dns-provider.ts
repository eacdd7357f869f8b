// A DNS provider at run time: what the solver asks of the provider a dns_challenge block
// names, and how a provider is made from the block's resolved settings.

import type { Dns01Challenge } from "../acme/index.js";
import type { Logger } from "../log/logger.js";
import type { Environment } from "./description.js";
import type { ResolvedSettings } from "./resolved-settings.js";

/** A DNS-01 challenge together with where its TXT record really lives. */
export interface ChallengeRecord {
  readonly challenge: Dns01Challenge;
  /** `_acme-challenge.<domain>.` after following CNAMEs, with the trailing dot. */
  readonly fqdn: string;
}

/** What tells challenges apart: one per identifier and token. */
export function challengeKey(challenge: Dns01Challenge): string {
  return `${challenge.identifier} ${challenge.token}`;
}

export interface PropagationTimings {
  timeoutSeconds: number;
  intervalSeconds: number;
}

/** A provider at run time, created from one dns_challenge block's resolved settings. */
export interface DnsProvider {
  /** How many TXT values one name can hold at once through this provider. */
  readonly valuesPerName: number;
  /** Seconds to wait between rounds of challenges; absent or 0 = no wait. */
  readonly sequenceIntervalSeconds?: number;
  /** How long to wait for the records to propagate, and how often to check. */
  propagationTimings(signal: AbortSignal): Promise<PropagationTimings>;
  /**
   * Makes the TXT record exist. May resolve with the record's real name (trailing dot) when
   * the provider knows it better than the CNAME chain seen before presenting (acme-dns
   * writes to its account's `fulldomain`); propagation is then checked there.
   */
  present(record: ChallengeRecord, signal: AbortSignal): Promise<void | string>;
  cleanup(record: ChallengeRecord, signal: AbortSignal): Promise<void>;
}

export interface ProviderContext {
  /** The provider process's environment, which programs run by the provider inherit. */
  env: Environment;
  logger: Logger;
  /** The resolvers of the certificate's DNS checks ("ip" or "ip:port"); absent: the system's. */
  resolvers?: readonly string[];
}

/** Makes the provider of one dns_challenge block from its resolved settings. */
export type DnsProviderFactory = (settings: ResolvedSettings, context: ProviderContext) => DnsProvider;
