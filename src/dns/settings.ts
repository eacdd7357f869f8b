// Resolving and checking the settings of dns_challenge blocks.
//
// A setting's value comes from, in order: the block's config map, the environment, then
// NAME_FILE (config, then environment) naming a file that holds the value. An empty value
// counts as unset at that place. The environment is always passed in: reading or changing
// process.env here would leak one block's settings into another's.
//
// At Terraform validate/plan time some config values are not known yet: `undefined` stands
// for such a value (an unknown key's value, or the whole map), absence of the key for a
// value that is not set. Checks that need an unknown value are skipped.

import { readFile } from "node:fs/promises";
import { MAX_WAIT_SECONDS, whyUnreadable } from "../shared/index.js";
import type { DnsProviderDescription, Environment, SettingDescription, SettingProblem } from "./description.js";
import { whyNotExecutable } from "./executable.js";
import { dnsProviders, findDnsProvider } from "./registry.js";
import { ResolvedSettings } from "./resolved-settings.js";

/** One dns_challenge block at apply time: everything is known. */
export interface DnsChallengeBlock {
  provider: string;
  config: Readonly<Record<string, string>>;
}

/** One dns_challenge block at validate/plan time: `undefined` = not known yet. */
export interface PlannedDnsChallengeBlock {
  provider: string | undefined;
  config: Readonly<Record<string, string | undefined>> | undefined;
}

export function isBlocking(problem: SettingProblem): boolean {
  return problem.severity !== "warning";
}

/** A problem of one of a certificate's dns_challenge blocks (or of its propagation settings). */
export interface DnsChallengeProblem extends SettingProblem {
  /** Index of the dns_challenge block; absent for certificate-level settings (recursive_nameservers). */
  block?: number;
}

export type ResolvedDnsChallenge =
  | { ok: true; description: DnsProviderDescription; settings: ResolvedSettings }
  | { ok: false; problems: SettingProblem[] };

/** One line for logs and errors: "<summary>: <detail>". */
export function problemMessage(problem: SettingProblem): string {
  return `${problem.summary}: ${problem.detail}`;
}

/** Everything that can be checked before all values are known. Never throws for user errors. */
export async function validateDnsChallenge(block: PlannedDnsChallengeBlock, env: Environment, names?: readonly string[]): Promise<SettingProblem[]> {
  if (block.provider === undefined) return [];
  const description = findDnsProvider(block.provider);
  if (!description) return [unknownProviderProblem(block.provider)];
  // With the whole map unknown, any setting may still come from it.
  if (block.config === undefined) return [];
  return (await inspect(description, block.config, env, names)).problems;
}

/** validateDnsChallenge for each of a certificate's blocks, problems tagged with the block's index. */
export async function validateDnsChallenges(
  blocks: readonly PlannedDnsChallengeBlock[],
  env: Environment,
  names?: readonly string[],
): Promise<DnsChallengeProblem[]> {
  const perBlock = await Promise.all(blocks.map((block) => validateDnsChallenge(block, env, names)));
  return perBlock.flatMap((problems, block) => problems.map((problem) => ({ ...problem, block })));
}

/** The provider description and parsed settings of a block, or every problem found. */
export async function resolveDnsChallenge(block: DnsChallengeBlock, env: Environment): Promise<ResolvedDnsChallenge> {
  const description = findDnsProvider(block.provider);
  if (!description) return { ok: false, problems: [unknownProviderProblem(block.provider)] };
  return resolveSettings(description, block.config, env);
}

/** resolveDnsChallenge for a description in hand (one not registered, in tests). */
export async function resolveSettings(
  description: DnsProviderDescription,
  config: Readonly<Record<string, string | undefined>>,
  env: Environment,
): Promise<ResolvedDnsChallenge> {
  const { problems, given, passThrough } = await inspect(description, config, env);
  if (problems.some(isBlocking)) return { ok: false, problems: problems.filter(isBlocking) };
  return { ok: true, description, settings: new ResolvedSettings(description.settings, given, passThrough) };
}

function unknownProviderProblem(name: string): SettingProblem {
  return {
    summary: `Unknown DNS provider "${name}"`,
    detail: `the provider of a dns_challenge block must be one of: ${dnsProviders.map((provider) => provider.name).join(", ")}`,
  };
}

interface Inspection {
  problems: SettingProblem[];
  /** Known values of the settings that are set, by name. */
  given: Map<string, string>;
  passThrough: Record<string, string>;
}

async function inspect(
  description: DnsProviderDescription,
  config: Readonly<Record<string, string | undefined>>,
  env: Environment,
  names?: readonly string[],
): Promise<Inspection> {
  const inspection: Inspection = {
    problems: unknownKeyProblems(description, Object.keys(config)),
    given: new Map(),
    passThrough: passThroughConfig(description, config),
  };
  const undecided = new Set<string>();
  const sources = new Map<string, string>();
  for (const setting of description.settings) {
    const lookup = await lookUp(setting.name, config, env);
    if (lookup.state === "unknown") undecided.add(setting.name);
    else if (lookup.state === "problem") {
      inspection.problems.push(lookup.problem);
      undecided.add(setting.name);
    } else if (lookup.state === "absent") {
      if (setting.required) inspection.problems.push(missingProblem(setting.name));
    } else {
      const problem = await valueProblem(setting, lookup.text, lookup.source, env);
      if (problem) {
        inspection.problems.push(problem);
        undecided.add(setting.name);
      } else {
        inspection.given.set(setting.name, lookup.text);
        sources.set(setting.name, lookup.source);
      }
    }
  }
  if (description.validate) {
    const sourceOf = (name: string) => sources.get(name) ?? "the default";
    inspection.problems.push(...(await description.validate({ known: inspection.given, undecided, sourceOf, env, ...(names ? { names } : {}) })));
  }
  return inspection;
}

function isKnownKey(description: DnsProviderDescription, key: string): boolean {
  return description.settings.some((setting) => key === setting.name || key === fileVariable(setting.name));
}

function unknownKeyProblems(description: DnsProviderDescription, keys: string[]): SettingProblem[] {
  const prefix = description.passThroughConfig?.reservedPrefix;
  const known = description.settings.map((setting) => setting.name).join(", ");
  // Where the other keys go (exec: the program's environment), the docs' sentence as plain text.
  const passedOn = description.passThroughConfig ? `. ${description.passThroughConfig.help.replaceAll("`", "")}` : "";
  return keys
    .filter((key) => !isKnownKey(description, key) && (prefix === undefined || key.startsWith(prefix)))
    .map((key) => ({
      setting: key,
      summary: `${key} is not a setting of the ${description.name} DNS provider`,
      detail: `known settings: ${known} (each also as NAME_FILE)${passedOn}`,
    }));
}

function passThroughConfig(description: DnsProviderDescription, config: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const prefix = description.passThroughConfig?.reservedPrefix;
  if (prefix === undefined) return {};
  const entries = Object.entries(config).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith(prefix) && !isKnownKey(description, entry[0]),
  );
  return Object.fromEntries(entries);
}

function fileVariable(name: string): string {
  return `${name}_FILE`;
}

/**
 * Where a setting's value is, in the lookup order (config, environment, then NAME_FILE in
 * config, then in the environment), without reading any file: the CDKTF synth checks
 * follow the same order synchronously.
 */
export type SettingLookup =
  | { state: "absent" }
  | { state: "unknown" }
  | { state: "value"; text: string; from: "config" | "environment" }
  /** The value is in the file `path`, named by NAME_FILE (`key`). */
  | { state: "file"; path: string; key: string; from: "config" | "environment" };

export function settingLookup(name: string, config: Readonly<Record<string, string | undefined>>, env: Environment): SettingLookup {
  const fromConfig = configValue(config, name);
  if (fromConfig !== null) return fromConfig === undefined ? { state: "unknown" } : { state: "value", text: fromConfig, from: "config" };
  const fromEnv = envValue(env, name);
  if (fromEnv !== undefined) return { state: "value", text: fromEnv, from: "environment" };

  const key = fileVariable(name);
  const fileInConfig = configValue(config, key);
  if (fileInConfig === undefined) return { state: "unknown" };
  if (fileInConfig !== null) return { state: "file", path: fileInConfig, key, from: "config" };
  const fileInEnv = envValue(env, key);
  return fileInEnv === undefined ? { state: "absent" } : { state: "file", path: fileInEnv, key, from: "environment" };
}

type Lookup =
  | { state: "absent" }
  | { state: "unknown" }
  | { state: "problem"; problem: SettingProblem }
  | { state: "known"; text: string; source: string };

async function lookUp(name: string, config: Readonly<Record<string, string | undefined>>, env: Environment): Promise<Lookup> {
  const lookup = settingLookup(name, config, env);
  switch (lookup.state) {
    case "absent":
    case "unknown":
      return lookup;
    case "value":
      return { state: "known", text: lookup.text, source: lookup.from === "config" ? "the dns_challenge config" : `the ${name} environment variable` };
    case "file":
      try {
        const text = (await readFile(lookup.path, "utf8")).replace(/\r?\n$/, "");
        // An empty file counts as unset, as an empty value does anywhere else.
        if (text === "") return { state: "absent" };
        return { state: "known", text, source: `the file ${lookup.path} named by ${lookup.key}` };
      } catch (error) {
        return { state: "problem", problem: { setting: lookup.key, summary: `${lookup.key}: cannot read ${lookup.path}`, detail: whyUnreadable(error) } };
      }
  }
}

/** A config value; undefined when not known yet, null when unset (absent or empty). */
function configValue(config: Readonly<Record<string, string | undefined>>, key: string): string | undefined | null {
  if (!Object.hasOwn(config, key)) return null;
  const value = config[key];
  return value === "" ? null : value;
}

/** An environment variable's value; undefined when unset or empty. */
function envValue(env: Environment, key: string): string | undefined {
  return env[key] || undefined;
}

function missingProblem(name: string): SettingProblem {
  return {
    setting: name,
    summary: `${name} is required`,
    detail: `set it in the dns_challenge config or the ${name} environment variable (or ${fileVariable(name)})`,
  };
}

async function valueProblem(setting: SettingDescription, text: string, source: string, env: Environment): Promise<SettingProblem | undefined> {
  const shown = setting.secret ? "the value" : `"${text}"`;
  const problem = (summary: string, detail: string): SettingProblem => ({ setting: setting.name, summary: `${setting.name}: ${summary}`, detail: `${detail} (the value comes from ${source})` });
  switch (setting.kind) {
    case "string":
      return undefined;
    case "duration-seconds": {
      if (!/^\d+$/.test(text)) return problem(`${shown} is not a whole number of seconds`, "write a duration as whole seconds, e.g. 60");
      const minimum = setting.minimum ?? 0;
      if (Number(text) < minimum) return problem(`${shown} is too short`, `use at least ${minimum} second${minimum === 1 ? "" : "s"}`);
      return Number(text) <= MAX_WAIT_SECONDS ? undefined : problem(`${shown} is too long`, `use at most ${MAX_WAIT_SECONDS} seconds (one day)`);
    }
    case "enum":
      return setting.values.includes(text)
        ? undefined
        : problem(`${shown} is not a valid value`, `use one of ${setting.values.join(", ")} (case-sensitive), or leave it unset`);
    case "path": {
      const reason = setting.executable ? await whyNotExecutable(text, env.PATH) : undefined;
      return reason === undefined ? undefined : problem(setting.secret ? "the program cannot be run" : reason, "it must name an executable file, or a program found in PATH");
    }
  }
}
