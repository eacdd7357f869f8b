// Stored state from older schema versions: a resource declares upgraders, one per older
// version, and UpgradeResourceState runs them in sequence before reading the result with
// the current schema. Terraform calls this for every resource on every run, so state at
// the current version costs one decode and nothing else.
import { decodeJsonState, error, WireFormatError, type Block, type Diagnostic, type JsonState, type TfObject } from "../plugin/index.js";

export type { JsonState };

/**
 * Turns state stored at one schema version into state at the next, as plain JSON (the
 * form Terraform stores it in): rename, convert or drop attributes; attributes the next
 * version adds may be left out (they read as null). Numbers too large for a float64 arrive
 * as decimal strings. Throw an Error to refuse: its message is shown to the user.
 */
export type StateUpgrader = (state: JsonState) => JsonState;

/** upgraders[v] upgrades state stored at version v to version v + 1. */
export type StateUpgraders = Readonly<Record<number, StateUpgrader>>;

/** The versions `current` needs upgraders for and `upgraders` lacks (a declaration error). */
export function missingUpgraders(current: number, upgraders: StateUpgraders): number[] {
  return Array.from({ length: current }, (_, version) => version).filter((version) => !upgraders[version]);
}

/**
 * State stored by `version` as a value of the current schema, or diagnostics saying why it
 * cannot be: a version newer than this provider's, an upgrader refusing, or values that do
 * not fit the schema. Never throws.
 */
export function upgradeState(
  resource: { name: string; block: Block; version: number; upgraders: StateUpgraders },
  version: number,
  stored: JsonState,
): { state: TfObject | null; diagnostics: Diagnostic[] } {
  const fail = (summary: string, detail: string) => ({ state: null, diagnostics: [error(summary, detail)] });
  const { name, version: current } = resource;
  if (!Number.isInteger(version) || version < 0) {
    return fail("Unreadable state", `The state of this ${name} has schema version ${version}, which no provider writes. Restore the state from a backup.`);
  }
  if (version > current) {
    return fail(
      "State written by a newer provider",
      `This ${name} was stored by a provider with schema version ${version}; this one understands up to ${current}. Upgrade the acme provider.`,
    );
  }
  let state = stored;
  for (let from = version; from < current; from++) {
    const upgrader = resource.upgraders[from];
    if (!upgrader) return fail("Cannot upgrade state", `This provider has no upgrade for ${name} state from schema version ${from}.`);
    try {
      state = upgrader(state);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      return fail("Cannot upgrade state", `The state of this ${name} (schema version ${from}) cannot be upgraded to version ${from + 1}: ${message}`);
    }
  }
  try {
    return { state: decodeJsonState(resource.block, state), diagnostics: [] };
  } catch (cause) {
    if (!(cause instanceof WireFormatError)) throw cause;
    const stage = version === current ? `schema version ${version}` : `schema version ${version}, upgraded to ${current}`;
    return fail("Unreadable state", `The state of this ${name} (${stage}) does not fit its schema: ${cause.message}.`);
  }
}
