// How Terraform values look once decoded from the wire. Plain JS where it can be:
// string, boolean, null, arrays (list, set, tuple), records (map, object, block).
// Two things have no plain JS form and get a class of their own.

/** A value Terraform does not know yet (known after apply). */
export class Unknown {
  private constructor() {}
  static readonly value = new Unknown();
  toJSON(): string {
    return "(known after apply)";
  }
}

export const UNKNOWN = Unknown.value;

/**
 * A number Terraform sent as decimal text (e.g. config `0.1`). Kept verbatim and sent
 * back verbatim: re-encoding it as float64 would change its decimal text and Terraform
 * would report the provider as inconsistent.
 */
export class DecimalNumber {
  constructor(readonly text: string) {}
  valueOf(): number {
    return Number(this.text);
  }
  toJSON(): string {
    return this.text;
  }
}

export type TfValue =
  | string
  | number
  | boolean
  | null
  | Unknown
  | DecimalNumber
  | TfValue[]
  | { [key: string]: TfValue };

export type TfObject = { [key: string]: TfValue };

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

/** True when the value and everything inside it is known. */
export function isWhollyKnown(value: TfValue): boolean {
  if (isUnknown(value)) return false;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (isRecord(value)) return Object.values(value).every(isWhollyKnown);
  return true;
}

export function isRecord(value: unknown): value is TfObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Unknown) && !(value instanceof DecimalNumber);
}

/** Structural equality of two values, the way Terraform compares planned and applied ones. */
export function valuesEqual(a: TfValue, b: TfValue): boolean {
  if (a === b) return true;
  if (a instanceof DecimalNumber || b instanceof DecimalNumber || typeof a === "number" || typeof b === "number") {
    return a !== null && b !== null && !isUnknown(a) && !isUnknown(b) && Number(a) === Number(b) && numberLike(a) && numberLike(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]!));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (!valuesEqual(a[key] ?? null, b[key] ?? null)) return false;
    }
    return true;
  }
  return false;
}

function numberLike(value: TfValue): boolean {
  return typeof value === "number" || value instanceof DecimalNumber;
}
