// The planning rules Terraform enforces on every provider, in one place:
// - a planned value may differ from the configuration only where the attribute is
//   computed and the configuration left it null;
// - what apply will decide must be planned as unknown, not null;
// - replacement is requested only for arguments whose value actually changes.
import { UNKNOWN, valuesEqual, type Block, type TfObject, type TfValue } from "../plugin/index.js";

/** Fill optional+computed attributes left null in the configuration with their defaults. */
export function applyDefaults(block: Block, proposed: TfObject, config: TfObject, defaults: Record<string, TfValue>): TfObject {
  const planned = { ...proposed };
  for (const [name, value] of Object.entries(defaults)) {
    const attribute = block.attributes[name];
    if (!attribute?.computed) throw new Error(`default for ${name}: only computed attributes can have provider defaults`);
    if (config[name] === null) planned[name] = value;
  }
  return planned;
}

/** Mark computed attributes the configuration does not set as unknown: apply decides them. */
export function markComputedUnknown(block: Block, planned: TfObject, config: TfObject, keep: ReadonlySet<string> = new Set()): TfObject {
  const out = { ...planned };
  for (const [name, attribute] of Object.entries(block.attributes)) {
    if (attribute.computed && config[name] === null && !keep.has(name)) out[name] = UNKNOWN;
  }
  return out;
}

/** The arguments among `names` whose planned value differs from the prior state. */
export function changedArguments(names: string[], prior: TfObject, planned: TfObject): string[] {
  return names.filter((name) => !valuesEqual(prior[name] ?? null, planned[name] ?? null));
}
