// Reading typed values out of decoded Terraform objects, and checking the ones that are
// literals at validate time. Unknown values (not yet known at plan) read as undefined.
import { error, type AttributePath, type Diagnostic } from "../plugin/diagnostics.js";
import { DecimalNumber, isRecord, isUnknown, type TfObject } from "../plugin/values.js";

/** A string argument: undefined when null or unknown. */
export function stringOf(object: TfObject, name: string): string | undefined {
  const value = object[name];
  return typeof value === "string" ? value : undefined;
}

export function numberOf(object: TfObject, name: string): number | undefined {
  const value = object[name];
  return typeof value === "number" || value instanceof DecimalNumber ? Number(value) : undefined;
}

export function boolOf(object: TfObject, name: string): boolean | undefined {
  const value = object[name];
  return typeof value === "boolean" ? value : undefined;
}

export function stringListOf(object: TfObject, name: string): string[] | undefined {
  const value = object[name];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) return undefined;
  return value as string[];
}

/** Nested block instances (LIST/SET blocks), skipping unknown ones. */
export function blocksOf(object: TfObject, name: string): TfObject[] {
  const value = object[name];
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A map(string) argument; unknown entries read as undefined. */
export function stringMapOf(object: TfObject, name: string): Record<string, string | undefined> | undefined {
  const value = object[name];
  if (!isRecord(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, typeof item === "string" ? item : undefined]));
}

/** An error for an argument whose literal value is one of a fixed set. */
export function checkOneOf(object: TfObject, name: string, allowed: readonly (string | number)[], path: AttributePath = [name]): Diagnostic[] {
  const value = object[name];
  if (value === null || isUnknown(value)) return [];
  const given = typeof value === "string" ? value : Number(value);
  if (allowed.includes(given)) return [];
  return [error(`Invalid ${name}`, `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}; got ${JSON.stringify(given)}.`, path)];
}
