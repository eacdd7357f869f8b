// What a DNS provider is, described once. Settings resolution, validation, the generated
// documentation and (later) typed CDKTF config all read these descriptions, so adding a
// provider means writing one folder with a description and its runtime code.

import type { Dns01Challenge } from "../acme/solver.js";
import type { Logger } from "../log/logger.js";
import type { ResolvedSettings } from "./resolved-settings.js";
import type { SettingProblem } from "./settings.js";

/** The provider process's environment, as the caller hands it over (process.env's shape). */
export type Environment = Readonly<Record<string, string | undefined>>;

interface SettingCommon {
  /** The environment variable name, also the key in a dns_challenge block's `config`. */
  name: string;
  required: boolean;
  /** Secret values never appear in messages or logs. */
  secret: boolean;
  /** "base" and "additional" are the two tables of the documentation page. */
  group: "base" | "additional";
  /** One markdown sentence or two, shown in the docs tables. */
  help: string;
}

export type SettingDescription =
  | (SettingCommon & { kind: "string"; default?: string })
  /** A file; `executable` ones are checked at validation time, looked up in PATH when bare. */
  | (SettingCommon & { kind: "path"; executable: boolean; default?: string })
  | (SettingCommon & { kind: "enum"; values: readonly string[]; default?: string })
  /** Whole seconds; `minimum` (default 0) keeps e.g. a polling interval from being 0. */
  | (SettingCommon & { kind: "duration-seconds"; default?: number; minimum?: number });

export type SettingKind = SettingDescription["kind"];

/**
 * Config keys a provider accepts besides its settings, handed to its runtime as they are
 * (exec passes them to the user's program, which may need credentials of its own).
 * Keys starting with `reservedPrefix` are still rejected as unknown: they are typos.
 */
export interface PassThroughConfig {
  reservedPrefix: string;
  /** Markdown for the docs: what happens to such keys. */
  help: string;
}

/** One markdown section of the provider's documentation page, after the settings tables. */
export interface DocSection {
  title: string;
  markdown: string;
}

/** A DNS-01 challenge together with where its TXT record really lives. */
export interface ChallengeRecord {
  readonly challenge: Dns01Challenge;
  /** `_acme-challenge.<domain>.` after following CNAMEs, with the trailing dot. */
  readonly fqdn: string;
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

/** What a provider's own checks (`validate`) see of one dns_challenge block. */
export interface SettingsToCheck {
  /** The known values of the settings that are set and passed their kind's checks, by name. */
  known: ReadonlyMap<string, string>;
  /** Settings whose value is not known yet (plan time) or failed a check: checks involving them are skipped. */
  undecided: ReadonlySet<string>;
  /** Where a known value comes from, for messages, e.g. "the dns_challenge config". */
  sourceOf(name: string): string;
  env: Environment;
}

export interface DnsProviderDescription {
  /** The `provider` value of a dns_challenge block, e.g. "exec". */
  name: string;
  /** What the provider talks to, e.g. "External program". */
  displayName: string;
  /** One markdown sentence for the docs page's front matter and introduction. */
  summary: string;
  settings: readonly SettingDescription[];
  passThroughConfig?: PassThroughConfig;
  /** The body of the `dns_challenge` block in the docs' example (indented by the generator). */
  exampleHcl: string;
  docSections: readonly DocSection[];
  /**
   * Checks beyond each setting's kind: values' content (a JSON document, a file it names)
   * and settings that go together. Run at validate/plan time and before apply. Problems
   * must never echo secret values.
   */
  validate?(settings: SettingsToCheck): Promise<SettingProblem[]>;
  create(settings: ResolvedSettings, context: ProviderContext): DnsProvider;
}
