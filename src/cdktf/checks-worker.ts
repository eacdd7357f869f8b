// The provider's own validation, run for synth checks: each construct's synthesized
// arguments become the object Terraform would send to ValidateResourceConfig (absent
// arguments null, tokens unknown), and the provider's validate functions judge it.
// Loaded in a worker thread by run-checks.ts, since validation is asynchronous and cdktf's
// validations are not: the constructs themselves never load the provider's code.
import { acmeProvider } from "../resources/index.js";
import { error, UNKNOWN, type Block, type Diagnostic, type TfObject, type TfValue } from "../plugin/index.js";
import type { Validate } from "../provider/index.js";
import { UNKNOWN_KEY, type Checkable, type CheckRequest } from "./check-types.js";

export async function runChecks(request: CheckRequest): Promise<Diagnostic[][]> {
  const provider = acmeProvider(request.env);
  return Promise.all(
    request.items.map(async (item) => {
      let target: { schema: { block: Block }; validate?: Validate } | undefined;
      if (item.kind === "provider") target = provider;
      else target = (item.kind === "resource" ? provider.resources : provider.dataSources).find((type) => type.name === item.typeName);
      if (!target) return [error(`Unknown ${item.kind} ${item.typeName}`, `The acme provider has no ${item.kind} named ${item.typeName}.`)];
      try {
        return (await target.validate?.(blockValue(target.schema.block, item.config), request.env)) ?? [];
      } catch (cause) {
        return [error("Validation failed", cause instanceof Error ? cause.message : String(cause))];
      }
    }),
  );
}

function isUnknownMark(value: Checkable | undefined): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value[UNKNOWN_KEY] === true;
}

/** A block's object as Terraform decodes it: every attribute present, absent ones null. */
function blockValue(block: Block, value: { [key: string]: Checkable }): TfObject {
  const object: TfObject = {};
  for (const name of Object.keys(block.attributes)) object[name] = plainValue(value[name]);
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const given = value[name];
    if (isUnknownMark(given)) object[name] = UNKNOWN;
    else if (Array.isArray(given)) {
      object[name] = given.map((item) => (isUnknownMark(item) || typeof item !== "object" || item === null || Array.isArray(item) ? UNKNOWN : blockValue(nested.block, item)));
    } else object[name] = nested.nesting === "single" ? null : [];
  }
  return object;
}

function plainValue(value: Checkable | undefined): TfValue {
  if (value === undefined || value === null) return null;
  if (isUnknownMark(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainValue(item)]));
  return value;
}
