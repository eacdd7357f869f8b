// Synth hooks: cdktf validations on every acme construct, failing `cdktf synth` (and
// app.synth(), Testing.synth(stack, true)) with the construct's path and the setting at
// fault, for what can be known at synth:
//   - an acme construct without an AcmeProvider in its stack (or with another provider);
//   - a relative file path in a dns_challenge config (terraform runs in the synthesized
//     stack's directory, not where the app runs), unless it is a TerraformAsset's path;
//   - an acme-dns credentials file without an account for one of the certificate's names
//     (a warning: the provider registers the missing account itself and then asks for its
//     CNAME; inline credentials without it are an error of the provider's own validation);
//   - everything the provider itself validates (src/resources: conflicting arguments,
//     invalid literals, and the DNS providers' settings through src/dns: unknown provider,
//     missing required setting, program not executable, unreadable _FILE, ...), run on the
//     synthesized arguments with tokens as unknown values, in the synth's environment.
// Tokens (and Terraform expressions "${...}") are never judged as literals.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { Annotations, App, AssetType, TerraformAsset, TerraformProvider, TerraformStack, Token, type TerraformElement } from "cdktf";
import type { IConstruct } from "constructs";
import { PROVIDER_SOURCE } from "../identity/index.js";
import { ACME_DNS_STORAGE_JSON, ACME_DNS_STORAGE_PATH, credentialsKey, findDnsProvider, parseCredentials, settingLookup } from "../dns/index.js";
import type { AttributePath, Diagnostic } from "../plugin/index.js";
import { UNKNOWN_KEY, UNKNOWN_MARK, type Checkable, type CheckItem } from "./check-types.js";
import { optionBehind } from "./dns-challenge.js";
import { runChecksSync } from "./run-checks.js";
import { synthesizeJson, type ElementSpec } from "./spec.js";

interface Registered {
  spec: ElementSpec;
  config: () => object;
}

interface Prepared {
  item: CheckItem;
  /** JSON of the item and environment: the cache key. */
  key: string;
  /** Problems found here, before the provider's validation. */
  problems: string[];
  warnings: string[];
}

const registered = new WeakMap<IConstruct, Registered>();
const verdicts = new WeakMap<IConstruct, { key: string; diagnostics: Diagnostic[] }>();

/** Register an acme construct for the synth checks. */
export function addSynthChecks(element: TerraformElement, spec: ElementSpec, config: () => object): void {
  sameLibrary(element, spec);
  registered.set(element, { spec, config });
  element.node.addValidation({ validate: () => synthProblems(element) });
}

/**
 * A construct in a stack of the other CDKTF library (cdktn's stack with acme-tf/cdktf, or
 * the reverse) is accepted by the base classes and crashes the synth far from the cause
 * (`_resetResolveDiscoveredProviderFeatureUsage is not a function`): say so at once.
 */
function sameLibrary(element: TerraformElement, spec: ElementSpec): void {
  if (element.node.scopes.some((scope) => scope instanceof TerraformStack)) return;
  throw new Error(
    `${spec.typeName} ${element.node.path}: it is not in a TerraformStack of the CDKTF library these constructs extend. ` +
      `acme-tf/cdktf extends the package "cdktf" (cdktf, or cdktn installed under that name), acme-tf/cdktn the package "cdktn": ` +
      `import the constructs from the one matching where your app imports App and TerraformStack from.`,
  );
}

function synthProblems(element: TerraformElement): string[] {
  const { spec } = registered.get(element)!;
  const missingProvider = providerProblems(element, spec);
  const prepared = prepare(element);
  const messages = [...missingProvider, ...prepared.problems];
  for (const warning of prepared.warnings) Annotations.of(element).addWarning(warning);
  for (const diagnostic of providerDiagnostics(element, prepared)) {
    const message = diagnosticMessage(element, spec, diagnostic);
    if (diagnostic.severity === "error") messages.push(message);
    else Annotations.of(element).addWarning(message);
  }
  return messages;
}

// ---- the provider construct ------------------------------------------------------------

export function isAcmeProvider(construct: unknown): boolean {
  return (
    TerraformProvider.isTerraformProvider(construct) &&
    construct.terraformResourceType === "acme" &&
    (construct.terraformProviderSource === PROVIDER_SOURCE || construct.terraformProviderSource === PROVIDER_SOURCE.replace(/^registry\.terraform\.io\//, ""))
  );
}

function providerProblems(element: TerraformElement, spec: ElementSpec): string[] {
  if (spec.kind === "provider") return [];
  const explicit = (element as TerraformElement & { provider?: TerraformProvider }).provider;
  if (explicit) {
    return isAcmeProvider(explicit)
      ? []
      : [`${spec.typeName}: its provider ${explicit.node.path} is a "${explicit.terraformResourceType}" provider; use an AcmeProvider (source ${PROVIDER_SOURCE}).`];
  }
  const stack = TerraformStack.of(element);
  if (stack.node.findAll().some(isAcmeProvider)) return [];
  return [
    `${spec.typeName} needs an AcmeProvider in stack "${stack.node.id}": add new AcmeProvider(this, "acme", { serverUrl }) from acme-tf/cdktf. ` +
      `Without it Terraform would look for the provider hashicorp/acme, which does not exist.`,
  ];
}

// ---- what is known at synth -------------------------------------------------------------

/** A synthesized value as the validation sees it: tokens and expressions unknown. */
function checkable(value: unknown): Checkable {
  if (value === undefined || value === null) return null;
  if (Token.isUnresolved(value)) return UNKNOWN_MARK;
  if (typeof value === "string") return value.includes("${") || value.includes("%{") ? UNKNOWN_MARK : value;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(checkable);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).map(([key, item]) => [key, checkable(item)]));
  }
  return UNKNOWN_MARK;
}

function isKnownString(value: Checkable | undefined): value is string {
  return typeof value === "string";
}

function prepare(element: TerraformElement): Prepared {
  const { spec, config } = registered.get(element)!;
  const values = config() as Record<string, unknown>;
  const attributes = checkable(synthesizeJson(spec, values)) as { [key: string]: Checkable };
  const problems: string[] = [];
  const warnings: string[] = [];
  const challenges = attributes.dns_challenge;
  if (Array.isArray(challenges)) {
    const given = Array.isArray(values.dnsChallenge) ? (values.dnsChallenge as unknown[]) : [];
    const names = certificateNames(attributes);
    challenges.forEach((challenge, index) => {
      if (typeof challenge !== "object" || challenge === null || Array.isArray(challenge)) return;
      problems.push(...pathSettingProblems(element, spec, challenge, index, given[index]));
      if (names) {
        const found = credentialsProblems(spec, challenge, index, given[index], names);
        if (found) warnings.push(found);
      }
    });
  }
  const item: CheckItem = { kind: spec.kind, typeName: spec.typeName, config: attributes };
  return { item, key: JSON.stringify([item, process.env]), problems, warnings };
}

/** The certificate's names when all are known at synth (not with a CSR, whose names are inside it). */
function certificateNames(attributes: { [key: string]: Checkable }): string[] | undefined {
  if (attributes.certificate_request_pem !== null && attributes.certificate_request_pem !== undefined) return undefined;
  const names: string[] = [];
  for (const value of [attributes.common_name, ...(Array.isArray(attributes.subject_alternative_names) ? attributes.subject_alternative_names : [attributes.subject_alternative_names])]) {
    if (value === null || value === undefined) continue;
    if (!isKnownString(value)) return undefined;
    names.push(value);
  }
  return names;
}

/** A setting as the provider looks it up: config, environment, then NAME_FILE (config, environment). */
function lookUpSetting(config: { [key: string]: Checkable }, name: string): { text: string; key: string; file?: string } | "unknown" | undefined {
  // The provider's lookup order, on the config as dns reads it: unset keys left out, tokens unknown.
  const known: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined && value !== null && value !== "") known[key] = isKnownString(value) ? value : undefined;
  }
  const lookup = settingLookup(name, known, process.env);
  switch (lookup.state) {
    case "absent":
      return undefined;
    case "unknown":
      return "unknown";
    case "value":
      return { text: lookup.text, key: lookup.from === "config" ? name : `${name} (environment)` };
    case "file":
      try {
        return { text: readFileSync(lookup.path, "utf8"), key: lookup.from === "config" ? lookup.key : `${lookup.key} (environment)`, file: lookup.path };
      } catch {
        return "unknown"; // the provider's validation reports unreadable files
      }
  }
}

/**
 * An acme-dns block whose credentials file (known at synth) lacks an account for one of the
 * certificate's names: a warning, since the provider registers it at apply.
 */
function credentialsProblems(
  spec: ElementSpec,
  challenge: { [key: string]: Checkable },
  index: number,
  given: unknown,
  names: readonly string[],
): string | undefined {
  const config = challenge.config;
  if (challenge.provider !== "acme-dns" || typeof config !== "object" || config === null || Array.isArray(config) || config[UNKNOWN_KEY] === true) return undefined;
  const json = lookUpSetting(config, ACME_DNS_STORAGE_JSON);
  const path = lookUpSetting(config, ACME_DNS_STORAGE_PATH);
  // Inline JSON (or both): the provider's own validation reports the missing domains, as an error.
  if (json !== undefined || path === undefined || path === "unknown") return undefined;
  let source: { text: string; key: string; file: string };
  try {
    source = { text: readFileSync(path.text, "utf8"), key: path.key, file: path.text };
  } catch {
    return undefined; // the provider's validation reports a missing file
  }
  const parsed = parseCredentials(source.text);
  if (!parsed.ok) return undefined; // reported, without secrets, by the provider's validation
  const missing = [...new Set(names.map(credentialsKey))].filter((domain) => !parsed.credentials.accounts.has(domain));
  if (missing.length === 0) return undefined;
  const settingKey = source.key.split(" ")[0]!;
  const fromEnvironment = source.key.includes("environment");
  const where = fromEnvironment ? `dns_challenge[${index}] ${settingKey} (from the environment)` : settingPath(["dns_challenge", index, "config", { key: settingKey }], given);
  const accounts = [...parsed.credentials.accounts.keys()];
  const list = missing.map((domain) => `"${domain}"`).join(", ");
  const known = `it has accounts for ${accounts.length ? accounts.map((domain) => `"${domain}"`).join(", ") : "no domain"}`;
  return (
    `${spec.typeName} ${where}: the acme-dns credentials file ${source.file} has no account for ${list} (${known}). ` +
    `At apply the provider registers one, saves it there and stops until you create its _acme-challenge CNAME; register it ahead with an AcmeDnsRegistration to issue in one deploy.`
  );
}

/**
 * File paths of a dns_challenge config (settings of kind path, and every NAME_FILE) are
 * read by terraform from the synthesized stack's directory: a TerraformAsset's path is
 * checked at its source, an absolute path as it is, any other relative path is an error.
 * Rewrites the config in place so that the provider's validation checks the right file.
 */
function pathSettingProblems(element: TerraformElement, spec: ElementSpec, challenge: { [key: string]: Checkable }, index: number, given: unknown): string[] {
  const provider = isKnownString(challenge.provider) ? findDnsProvider(challenge.provider) : undefined;
  const config = challenge.config;
  if (!provider || typeof config !== "object" || config === null || Array.isArray(config) || config[UNKNOWN_KEY] === true) return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!isKnownString(value) || value === "") continue;
    const setting = provider.settings.find((candidate) => candidate.name === key);
    const isFile = key.endsWith("_FILE") && provider.settings.some((candidate) => `${candidate.name}_FILE` === key);
    if (!isFile && setting?.kind !== "path") continue;
    const program = !isFile && setting?.kind === "path" && setting.executable;
    if (isAbsolute(value) || (program && !value.includes("/"))) continue;
    const located = locate(element, value);
    if (located.path !== undefined) {
      config[key] = located.path;
      continue;
    }
    config[key] = UNKNOWN_MARK;
    const where = settingPath(["dns_challenge", index, "config", { key }], given);
    problems.push(
      `${spec.typeName} ${where}: "${value}" is a relative path, and terraform reads it from the synthesized stack's directory (${located.stackDirectory}), where there is no such file. ` +
        `Use an absolute path (e.g. path.resolve(...)) or the path of a TerraformAsset.`,
    );
  }
  return problems;
}

function locate(element: TerraformElement, relative: string): { path?: string; stackDirectory: string } {
  const stack = TerraformStack.of(element);
  for (const asset of stack.node.findAll().filter((construct): construct is TerraformAsset => construct instanceof TerraformAsset)) {
    const source = resolve((asset as unknown as { sourcePath: string }).sourcePath);
    if (relative === asset.path) return { path: source, stackDirectory: "" };
    if (asset.type === AssetType.DIRECTORY && relative.startsWith(`${asset.path}/`)) return { path: join(source, relative.slice(asset.path.length + 1)), stackDirectory: "" };
  }
  let outdir = "cdktf.out";
  try {
    outdir = App.of(element).outdir;
  } catch {
    // A stack outside an App (unit tests): the CLI's default.
  }
  const stackDirectory = join(outdir, "stacks", stack.node.id);
  const there = resolve(stackDirectory, relative);
  return existsSync(there) ? { path: there, stackDirectory } : { stackDirectory };
}

// ---- the provider's own validation, batched over the app ---------------------------------

function providerDiagnostics(element: TerraformElement, prepared: Prepared): Diagnostic[] {
  const cached = verdicts.get(element);
  if (cached?.key === prepared.key) return cached.diagnostics;
  const stale = element.node.root.node
    .findAll()
    .filter((construct) => registered.has(construct))
    .map((construct) => ({ construct, prepared: construct === element ? prepared : prepare(construct as TerraformElement) }))
    .filter(({ construct, prepared: candidate }) => verdicts.get(construct)?.key !== candidate.key);
  if (!stale.some(({ construct }) => construct === element)) stale.push({ construct: element, prepared });
  const results = runChecksSync({ env: { ...process.env }, items: stale.map(({ prepared: candidate }) => candidate.item) });
  stale.forEach(({ construct, prepared: candidate }, index) => verdicts.set(construct, { key: candidate.key, diagnostics: results[index] ?? [] }));
  return verdicts.get(element)!.diagnostics;
}

// ---- messages ---------------------------------------------------------------------------

function pathText(path: AttributePath): string {
  return path
    .map((step, index) => {
      if (typeof step === "number") return `[${step}]`;
      if (typeof step === "string") return index === 0 ? step : `.${step}`;
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.key) ? `.${step.key}` : `[${JSON.stringify(step.key)}]`;
    })
    .join("");
}

/** `dns_challenge[0].config.EXEC_PATH (option "path" of DnsChallenge.exec)`. */
function settingPath(path: AttributePath, challenge: unknown): string {
  const text = pathText(path);
  const key = path[3];
  const option = path[0] === "dns_challenge" && typeof key === "object" ? optionBehind(challenge, key.key) : undefined;
  return option ? `${text} (${option})` : text;
}

function diagnosticMessage(element: TerraformElement, spec: ElementSpec, diagnostic: Diagnostic): string {
  const path = diagnostic.path ?? [];
  let where = "";
  if (path.length > 0) {
    const { config } = registered.get(element)!;
    const challenges = (config() as { dnsChallenge?: unknown }).dnsChallenge;
    const challenge = path[0] === "dns_challenge" && typeof path[1] === "number" && Array.isArray(challenges) ? challenges[path[1]] : undefined;
    where = ` ${settingPath(path, challenge)}`;
  }
  return `${spec.typeName}${where}: ${diagnostic.summary}${diagnostic.detail ? `: ${diagnostic.detail}` : ""}`;
}
