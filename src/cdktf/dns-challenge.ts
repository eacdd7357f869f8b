// Typed dns_challenge blocks. The option names and the settings they set are derived from
// the DNS provider descriptions (src/dns): option `pollingInterval` of `DnsChallenge.exec`
// is the setting EXEC_POLLING_INTERVAL because the exec description has that setting, so a
// setting added to a description is accepted here at once (the typed option interfaces
// below are checked against the descriptions by a test).
import { Fn, Token } from "cdktf";
import { dnsProviders, findDnsProvider, type DnsProviderDescription, type SettingDescription } from "../dns/index.js";
import { camelCase } from "../shared/index.js";
import type { CertificateDnsChallenge } from "./generated.js";

/** One dns_challenge block as the certificate synthesizes it (the raw form): `{ provider, config }`. */
export type DnsChallengeConfig = CertificateDnsChallenge;

/**
 * Where a setting comes from when it is not a value in the config map: a file named by
 * `NAME_FILE`, or the environment of terraform (the provider's process).
 */
export class SettingSource {
  private constructor(
    readonly from: "file" | "environment",
    readonly path?: string,
  ) {}

  /** The setting is read from this file at apply (`NAME_FILE`); a token is fine. */
  static file(path: string): SettingSource {
    return new SettingSource("file", path);
  }

  /**
   * The setting is left out of the config: the provider reads `NAME` (or `NAME_FILE`)
   * from its environment. Synth checks look in the environment of the synth.
   */
  static environment(): SettingSource {
    return new SettingSource("environment");
  }
}

/** A setting's value: itself (a literal or a token), or where to read it. */
export type Setting<T> = T | SettingSource;

export interface ExecChallengeOptions {
  /** EXEC_PATH: the program, an absolute path, a TerraformAsset's `path`, or a name found in PATH. */
  readonly path: Setting<string>;
  /** EXEC_MODE: `RAW` to pass the domain, token and key authorization instead of the record's name and value. */
  readonly mode?: Setting<"RAW">;
  /** EXEC_POLLING_INTERVAL: seconds between DNS propagation checks. */
  readonly pollingInterval?: Setting<number>;
  /** EXEC_PROPAGATION_TIMEOUT: seconds to wait at most for propagation, and for one run of the program. */
  readonly propagationTimeout?: Setting<number>;
  /** EXEC_SEQUENCE_INTERVAL: seconds between two rounds of challenges (a domain and its wildcard). */
  readonly sequenceInterval?: Setting<number>;
  /** More environment variables for the program (keys not starting with `EXEC_`), e.g. its credentials. */
  readonly extraEnv?: { readonly [name: string]: string };
}

/** One account of the acme-dns credentials JSON, as /register returns it. */
export interface AcmeDnsAccountCredentials {
  readonly username: string;
  readonly password: string;
  readonly fulldomain: string;
  readonly subdomain: string;
  readonly allowfrom?: string[];
}

interface AcmeDnsCommonOptions {
  /** ACME_DNS_API_BASE: the acme-dns server's API base URL, e.g. `https://auth.example.com`. */
  readonly apiBase: Setting<string>;
  /** ACME_DNS_ALLOWLIST: the networks (CIDR) allowed to update accounts the provider registers; a list or comma-separated. */
  readonly allowlist?: Setting<string | string[]>;
  /** ACME_DNS_HTTP_TIMEOUT: seconds one request to the acme-dns API may take. */
  readonly httpTimeout?: Setting<number>;
  /** ACME_DNS_POLLING_INTERVAL: seconds between checks of the CNAME and of DNS propagation. */
  readonly pollingInterval?: Setting<number>;
  /** ACME_DNS_PROPAGATION_TIMEOUT: seconds to wait at most for the CNAME to show, and for propagation. */
  readonly propagationTimeout?: Setting<number>;
}

interface NoStorage {
  readonly storagePath?: undefined;
  readonly storageJson?: undefined;
  readonly credentials?: undefined;
}

/**
 * Where the credentials are: one of a file (`storagePath`), JSON text (`storageJson`, e.g.
 * `AcmeDnsRegistration.credentialsJson`) or an object keyed by domain (`credentials`), or
 * none of them to leave it to terraform's environment.
 */
export type AcmeDnsStorageOptions =
  | (Omit<NoStorage, "storagePath"> & {
      /** ACME_DNS_STORAGE_PATH: the credentials file; accounts registered for missing domains are added to it. */
      readonly storagePath: Setting<string>;
    })
  | (Omit<NoStorage, "storageJson"> & {
      /** ACME_DNS_STORAGE_JSON: the credentials JSON (read-only). */
      readonly storageJson: Setting<string>;
    })
  | (Omit<NoStorage, "credentials"> & {
      /** ACME_DNS_STORAGE_JSON given as an object keyed by bare domain (tokens allowed: encoded by Terraform). */
      readonly credentials: { readonly [domain: string]: AcmeDnsAccountCredentials };
    })
  | NoStorage;

export type AcmeDnsChallengeOptions = AcmeDnsCommonOptions & AcmeDnsStorageOptions;

/** A typed option and the setting it stands for. */
export interface SettingOption {
  readonly option: string;
  readonly setting: SettingDescription;
}

/** The option through which pass-through config keys are given (providers with passThroughConfig). */
export const PASS_THROUGH_OPTION = "extraEnv";

/** `EXEC_POLLING_INTERVAL` of exec -> `pollingInterval`: the provider's prefix dropped, camelCase. */
export function optionName(provider: DnsProviderDescription, setting: string): string {
  const prefix = `${provider.name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_`;
  return camelCase(setting.startsWith(prefix) ? setting.slice(prefix.length) : setting);
}

/** Every option of a provider's typed challenge, derived from its description. */
export function settingOptions(provider: DnsProviderDescription): SettingOption[] {
  return provider.settings.map((setting) => ({ option: optionName(provider, setting.name), setting }));
}

/** How a typed challenge was made, for synth messages that name the option. */
interface Origin {
  factory: string;
  options: readonly SettingOption[];
  /** The option a setting was given through when it is not the derived one (an alias). */
  aliases: ReadonlyMap<string, string>;
}

const origins = new WeakMap<object, Origin>();

/** The typed option (`path` of DnsChallenge.exec) behind a config key, when there is one. */
export function optionBehind(challenge: unknown, configKey: string): string | undefined {
  const origin = typeof challenge === "object" && challenge !== null ? origins.get(challenge) : undefined;
  if (!origin) return undefined;
  for (const { option, setting } of origin.options) {
    const given = origin.aliases.get(option) ?? option;
    if (configKey === setting.name) return `option "${given}" of ${origin.factory}`;
    if (configKey === `${setting.name}_FILE`) return `option "${given}" of ${origin.factory} (SettingSource.file)`;
  }
  return origin.factory;
}

function containsToken(value: unknown): boolean {
  if (Token.isUnresolved(value)) return true;
  if (Array.isArray(value)) return value.some(containsToken);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsToken);
  return false;
}

function settingText(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Token.isUnresolved(value) ? Token.asString(value) : String(value);
  if (typeof value === "boolean") return String(value);
  if (Token.isUnresolved(value)) return Token.asString(value);
  throw new TypeError(`${where}: expected a string or a number, got ${JSON.stringify(value)}`);
}

/**
 * A dns_challenge block for a described provider from typed options: each option sets the
 * setting derived from the description, SettingSource.file sets NAME_FILE, and
 * SettingSource.environment leaves the setting to terraform's environment.
 */
export function typedDnsChallenge(
  providerName: string,
  options: Readonly<Record<string, unknown>>,
  factory = `DnsChallenge.of("${providerName}")`,
  aliases: ReadonlyMap<string, string> = new Map(),
): DnsChallengeConfig {
  const provider = findDnsProvider(providerName);
  if (!provider) throw new Error(`${factory}: unknown DNS provider "${providerName}"; known: ${dnsProviders.map((p) => p.name).join(", ")}`);
  const known = settingOptions(provider);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === PASS_THROUGH_OPTION && provider.passThroughConfig) {
      for (const [name, item] of Object.entries(value as Record<string, unknown>)) config[name] = settingText(item, `${factory} ${key}.${name}`);
      continue;
    }
    const match = known.find((candidate) => candidate.option === key);
    if (!match) {
      const names = [...known.map((candidate) => candidate.option), ...(provider.passThroughConfig ? [PASS_THROUGH_OPTION] : [])];
      throw new Error(`${factory}: unknown option "${key}"; the ${provider.name} DNS provider's options are ${names.join(", ")}`);
    }
    if (value instanceof SettingSource) {
      if (value.from === "file") config[`${match.setting.name}_FILE`] = settingText(value.path, `${factory} ${key}`);
      continue;
    }
    config[match.setting.name] = settingText(value, `${factory} ${key}`);
  }
  const challenge: DnsChallengeConfig = { provider: provider.name, config };
  origins.set(challenge, { factory, options: known, aliases });
  return challenge;
}

/** dns_challenge blocks: typed per DNS provider, or raw. */
export class DnsChallenge {
  /** The exec provider: your program publishes the TXT records. */
  static exec(options: ExecChallengeOptions): DnsChallengeConfig {
    return typedDnsChallenge("exec", options as unknown as Record<string, unknown>, "DnsChallenge.exec");
  }

  /**
   * The acme-dns provider: challenges go to an acme-dns server, to which each domain's
   * `_acme-challenge` CNAME points (see AcmeDnsRegistration).
   */
  static acmeDns(options: AcmeDnsChallengeOptions): DnsChallengeConfig {
    const { credentials, allowlist, ...rest } = options;
    const derived: Record<string, unknown> = { ...rest };
    const aliases = new Map<string, string>();
    if (credentials !== undefined) {
      derived.storageJson = Token.isUnresolved(credentials) || containsToken(credentials) ? Fn.jsonencode(credentials) : JSON.stringify(credentials);
      aliases.set("storageJson", "credentials");
    }
    if (Array.isArray(allowlist)) derived.allowlist = Token.isUnresolved(allowlist) || containsToken(allowlist) ? Fn.join(",", allowlist) : allowlist.join(",");
    else if (allowlist !== undefined) derived.allowlist = allowlist;
    return typedDnsChallenge("acme-dns", derived, "DnsChallenge.acmeDns", aliases);
  }

  /**
   * Any described provider, with options derived from its description (untyped): e.g.
   * `DnsChallenge.of("exec", { path: "/usr/local/bin/update-dns" })`.
   */
  static of(provider: string, options: Readonly<Record<string, unknown>>): DnsChallengeConfig {
    return typedDnsChallenge(provider, options);
  }

  /** The raw form: the provider's name and its config map, as in HCL. Checked at synth all the same. */
  static raw(provider: string, config?: { readonly [key: string]: string }): DnsChallengeConfig {
    return config === undefined ? { provider } : { provider, config };
  }
}
