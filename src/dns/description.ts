// What a DNS provider is, described once: its settings and their checks. Settings
// resolution, validation, the generated documentation and the typed CDKTF config read these
// descriptions; the prose of a provider's page is its <name>.md beside its description, and
// its run-time code is separate (dns-provider.ts, <name>/runtime.ts), so that what only
// describes loads none of it.

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
  /**
   * Whole seconds, at most MAX_WAIT_SECONDS; `minimum` (default 0) keeps e.g. a polling
   * interval from being 0.
   */
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

/** A user error in a dns_challenge block, ready to become a Terraform diagnostic. */
export interface SettingProblem {
  /** The setting (or config key) at fault; absent for the provider name. */
  setting?: string;
  summary: string;
  detail: string;
  /** "warning": usable, but the user should know (shown by Terraform, never blocking). */
  severity?: "warning";
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
  /** The certificate's names, when all are known: checks of per-domain settings use them. */
  names?: readonly string[];
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
  /**
   * Checks beyond each setting's kind: values' content (a JSON document, a file it names)
   * and settings that go together. Run at validate/plan time and before apply. Problems
   * must never echo secret values.
   */
  validate?(settings: SettingsToCheck): Promise<SettingProblem[]>;
}
