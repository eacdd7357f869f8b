// Helpers for the CDKTF tests: stacks with the provider, synthesized JSON, synth-check
// failures as lines, and the provider's own validation run on synthesized JSON.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformStack, Testing, type App } from "cdktf";
import { AcmeProvider } from "../../src/cdktf/index.js";
import type { Diagnostic } from "../../src/plugin/diagnostics.js";
import type { Block } from "../../src/plugin/schema.js";
import { UNKNOWN, type TfObject, type TfValue } from "../../src/plugin/values.js";
import type { Validate } from "../../src/provider/resource-type.js";
import { acmeProvider } from "../../src/resources/index.js";

export const SERVER_URL = "https://acme.example.test/directory";

export function newApp(): App {
  return Testing.app();
}

/** A stack with an AcmeProvider, in a fresh test app. */
export function stackWithProvider(id = "stack"): TerraformStack {
  const stack = new TerraformStack(newApp(), id);
  new AcmeProvider(stack, "acme", { serverUrl: SERVER_URL });
  return stack;
}

export interface SynthesizedJson {
  terraform?: { required_providers?: Record<string, { source?: string; version?: string }> };
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean }>;
}

export function synthJson(stack: TerraformStack, runValidations = false): SynthesizedJson {
  return JSON.parse(Testing.synth(stack, runValidations)) as SynthesizedJson;
}

/** The synth-check failures of a stack, one per line without the cdktf preamble; [] when synth passes. */
export function synthFailures(stack: TerraformStack): string[] {
  try {
    Testing.synth(stack, true);
    return [];
  } catch (error) {
    return (error as Error).message
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("["));
  }
}

/** An executable script in a fresh temporary directory. */
export function executableScript(body = "exit 0"): string {
  const dir = mkdtempSync(join(tmpdir(), "acme-tf-cdktf-"));
  const path = join(dir, "update-dns.sh");
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

// ---- the provider's own validation on synthesized JSON -----------------------------------

/** A JSON value as Terraform would decode it: "${...}" references are unknown until apply. */
function tfValue(value: unknown): TfValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value.includes("${") ? UNKNOWN : value;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(tfValue);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, tfValue(item)]));
}

function tfObject(block: Block, json: Record<string, unknown>): TfObject {
  const object: TfObject = {};
  for (const name of Object.keys(block.attributes)) object[name] = tfValue(json[name]);
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const given = json[name];
    object[name] = Array.isArray(given) ? given.map((item) => tfObject(nested.block, item as Record<string, unknown>)) : [];
  }
  return object;
}

export interface Judged {
  address: string;
  diagnostics: Diagnostic[];
  /** Arguments the JSON has that the schema does not know. */
  unknownArguments: string[];
}

const META = new Set(["//", "depends_on", "count", "for_each", "provider", "lifecycle", "provisioner", "connection", "alias"]);

/**
 * Every acme provider block, resource and data source of a synthesized stack, judged by
 * the provider's own validate functions (what `terraform validate` would ask it).
 */
export async function validateWithProvider(json: SynthesizedJson, env: NodeJS.ProcessEnv = process.env): Promise<Judged[]> {
  const provider = acmeProvider(env);
  const judged: Judged[] = [];
  const judge = async (address: string, schema: { block: Block }, validate: Validate | undefined, body: Record<string, unknown>) => {
    const known = new Set([...Object.keys(schema.block.attributes), ...Object.keys(schema.block.blocks ?? {})]);
    const unknownArguments = Object.keys(body).filter((key) => !META.has(key) && !known.has(key));
    judged.push({ address, unknownArguments, diagnostics: (await validate?.(tfObject(schema.block, body), env)) ?? [] });
  };
  for (const body of json.provider?.acme ?? []) await judge("provider.acme", provider.schema, provider.validate, body);
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    const resource = provider.resources.find((candidate) => candidate.name === type);
    if (!resource) continue;
    for (const [name, body] of Object.entries(byName)) await judge(`${type}.${name}`, resource.schema, resource.validate, body);
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    const dataSource = provider.dataSources.find((candidate) => candidate.name === type);
    if (!dataSource) continue;
    for (const [name, body] of Object.entries(byName)) await judge(`data.${type}.${name}`, dataSource.schema, dataSource.validate, body);
  }
  return judged;
}

/** validateWithProvider, expecting no error and no unknown argument anywhere. */
export async function expectValidForProvider(json: SynthesizedJson): Promise<void> {
  const judged = await validateWithProvider(json);
  expect(judged.length).toBeGreaterThan(0);
  const problems = judged.filter((item) => item.unknownArguments.length > 0 || item.diagnostics.some((d) => d.severity === "error"));
  expect(problems).toEqual([]);
}
