// Validators of literal values, declared with an attribute (declarations.ts) and run by
// the framework at validate time on values that are wholly known. A validator says what
// is wrong and what to write; the framework turns that into a diagnostic on the
// attribute's path.

/** What a validator found. */
export interface Finding {
  /** Defaults to `Invalid <attribute>`. */
  readonly summary?: string;
  /** What is wrong and what to write instead; name the attribute. */
  readonly detail: string;
  readonly severity?: "error" | "warning";
  /** For list attributes: the index of the item at fault (the path then points at it). */
  readonly item?: number;
}

export interface ValidationContext {
  /** The attribute's name. */
  readonly name: string;
  /** The object holding it (the resource's configuration or a nested block), for cross-checks. */
  readonly object: Readonly<Record<string, unknown>>;
  /** Whether another attribute of `object` is not known yet. */
  readonly isUnknown: (name: string) => boolean;
  /** Sensitive attributes: findings must not repeat the value. */
  readonly sensitive: boolean;
}

/** A detail string is shorthand for `{ detail }`. */
export type Validator<Value> = (value: Value, context: ValidationContext) => string | Finding | readonly Finding[] | undefined;

/** A whole number (of `unit`), at least `min` and at most `max` when given. */
export function wholeNumber(range: { min: number; max?: number; unit: string }): Validator<number> {
  const bounds = range.max === undefined ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`;
  return (value, { name }) => {
    const inRange = value >= range.min && (range.max === undefined || value <= range.max);
    return Number.isInteger(value) && inRange ? undefined : `${name} must be a whole number of ${range.unit} ${bounds}; got ${value}.`;
  };
}

/** The value must match `format`, described to the user as `what` ("an email address like ..."). */
export function matches(format: RegExp, what: string): Validator<string> {
  return (value, { name, sensitive }) => (format.test(value) ? undefined : `${name} must be ${what}${sensitive ? "" : `; got ${JSON.stringify(value)}`}.`);
}

/**
 * The attribute cannot be set together with `other`; `advice` tells the user which to keep.
 * An `other` not known yet is not judged, unless `unknownCounts` (set, whatever its value).
 */
export function conflictsWith(other: string, advice: (name: string) => string, { unknownCounts = false } = {}): Validator<unknown> {
  return (_value, { name, object, isUnknown }) => {
    const given = object[other];
    if (given === null || given === undefined || (isUnknown(other) && !unknownCounts)) return undefined;
    return { summary: `Conflicting ${name}`, detail: `${name} cannot be used with ${other}: ${advice(name)}` };
  };
}

/** Run `validator` on every item of a list (or set) attribute. */
export function eachItem<Item>(validator: Validator<Item>): Validator<readonly Item[]> {
  return (items, context) =>
    items.flatMap((item, index) => findingsOf(validator(item, context)).map((finding) => ({ ...finding, item: index })));
}

/** What a validator returned, as a list of findings. */
export function findingsOf(found: string | Finding | readonly Finding[] | undefined): readonly Finding[] {
  if (found === undefined) return [];
  if (typeof found === "string") return [{ detail: found }];
  return isList(found) ? found : [found];
}

function isList(found: Finding | readonly Finding[]): found is readonly Finding[] {
  return Array.isArray(found);
}
