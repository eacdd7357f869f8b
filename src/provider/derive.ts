// What the framework derives from a resource's declarations (declarations.ts): the
// protocol schema, the defaults planned, the replace paths, the literal validation, and
// the conversions between decoded Terraform values and the typed model.
import {
  DecimalNumber,
  error,
  isRecord,
  isUnknown,
  isWhollyKnown,
  valuesEqual,
  warning,
  type Attribute,
  type AttributePath,
  type Block,
  type CtyType,
  type Diagnostic,
  type TfObject,
  type TfValue,
} from "../plugin/index.js";
import type { AnyAttributeDeclaration, AttributeKind, BlockDeclaration, Declaration, Declarations } from "./declarations.js";
import { findingsOf, type Finding, type Validator } from "./validators.js";

const CTY: Record<AttributeKind, CtyType> = {
  string: "string",
  number: "number",
  bool: "bool",
  stringList: ["list", "string"],
  stringSet: ["set", "string"],
  stringMap: ["map", "string"],
};

const isBlock = (declaration: Declaration): declaration is BlockDeclaration => declaration.kind === "block";

/** The protocol schema of a block of declarations. Throws on a declaration that cannot be. */
export function blockSchema(declarations: Declarations, description?: string): Block {
  const attributes: Record<string, Attribute> = {};
  const blocks: Block["blocks"] = {};
  for (const [name, declaration] of Object.entries(declarations)) {
    if (isBlock(declaration)) {
      blocks[name] = {
        nesting: "list",
        block: blockSchema(declaration.attributes, declaration.description),
        ...(declaration.minItems !== undefined ? { minItems: declaration.minItems } : {}),
        ...(declaration.maxItems !== undefined ? { maxItems: declaration.maxItems } : {}),
      };
    } else {
      attributes[name] = attributeSchema(name, declaration);
    }
  }
  return { ...(description !== undefined ? { description } : {}), attributes, ...(Object.keys(blocks).length ? { blocks } : {}) };
}

function attributeSchema(name: string, declaration: AnyAttributeDeclaration): Attribute {
  const { required, optional, computed } = declaration;
  const hasDefault = declaration.default !== undefined;
  const modes = [required, optional, computed && !optional].filter(Boolean).length;
  if (modes !== 1 || (hasDefault && !optional) || (hasDefault && computed)) {
    throw new Error(`${name}: declare exactly one of required, optional (with a default or computed), computed`);
  }
  if (hasDefault && literalFindings(name, declaration, declaration.default as TfValue, {}).length) {
    throw new Error(`${name}: its default ${JSON.stringify(declaration.default)} does not pass its own validation`);
  }
  return {
    type: CTY[declaration.kind],
    ...(required ? { required: true } : {}),
    ...(optional ? { optional: true } : {}),
    ...(computed || hasDefault ? { computed: true } : {}),
    ...(declaration.sensitive ? { sensitive: true } : {}),
    description: declaration.description,
  };
}

/** The provider-side defaults, planned when the configuration leaves the argument null. */
export function defaultsOf(declarations: Declarations): Record<string, TfValue> {
  const defaults: Record<string, TfValue> = {};
  for (const [name, declaration] of Object.entries(declarations)) {
    if (!isBlock(declaration) && declaration.default !== undefined) defaults[name] = declaration.default as TfValue;
  }
  return defaults;
}

/** `object` with its defaulted attributes that are null set to their defaults. */
export function withDefaults(declarations: Declarations, object: TfObject): TfObject {
  const filled = { ...object };
  for (const [name, value] of Object.entries(defaultsOf(declarations))) if (filled[name] === null) filled[name] = value;
  return filled;
}

/** The top-level arguments and blocks whose change replaces the resource. */
export function replacePaths(declarations: Declarations): string[] {
  return Object.entries(declarations)
    .filter(([, declaration]) => declaration.replace === true)
    .map(([name]) => name);
}

/**
 * The declared checks of the configuration's literal values: one-of values and each
 * attribute's validators, in nested blocks too. Values not wholly known are skipped.
 * `valuesOnly`: only the one-of values (what the model's types promise), for planned
 * values, where defaults stand in for arguments the configuration leaves null.
 */
export function validateLiterals(declarations: Declarations, object: TfObject, { valuesOnly = false } = {}, path: AttributePath = []): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [name, declaration] of Object.entries(declarations)) {
    const value = object[name] ?? null;
    if (isBlock(declaration)) {
      if (Array.isArray(value)) {
        value.forEach((item, index) => {
          if (isRecord(item)) diagnostics.push(...validateLiterals(declaration.attributes, item, { valuesOnly }, [...path, name, index]));
        });
      }
      continue;
    }
    if (value === null || !isWhollyKnown(value)) continue;
    for (const finding of literalFindings(name, declaration, value, object, valuesOnly)) {
      const at = finding.item !== undefined && declaration.kind === "stringList" ? [...path, name, finding.item] : [...path, name];
      diagnostics.push((finding.severity === "warning" ? warning : error)(finding.summary ?? `Invalid ${name}`, finding.detail, at));
    }
  }
  return diagnostics;
}

function literalFindings(name: string, declaration: AnyAttributeDeclaration, value: TfValue, object: TfObject, valuesOnly = false): Finding[] {
  const plain = toPlain(value);
  const allowed = declaration.values as readonly unknown[] | undefined;
  const oneOf: Finding[] =
    allowed && !allowed.includes(plain) ? [{ detail: `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}; got ${JSON.stringify(plain)}.` }] : [];
  if (valuesOnly) return oneOf;
  const context = { name, object, sensitive: declaration.sensitive === true, isUnknown: (other: string) => isUnknown(object[other]) };
  return [...oneOf, ...((declaration.validators ?? []) as readonly Validator<unknown>[]).flatMap((validator) => findingsOf(validator(plain, context)))];
}

/** A decoded value as the model holds it: decimal numbers as numbers. */
function toPlain(value: TfValue): TfValue {
  if (value instanceof DecimalNumber) return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlain(item)]));
  return value;
}

/**
 * A decoded object as the resource's model (ModelOf, PlannedOf, ProposedOf: which one the
 * caller knows from where the object comes from; the schema decoded it with these types).
 */
export function toModel<Model>(object: TfObject): Model {
  return toPlain(object) as Model;
}

/**
 * A model back as a decoded object. Where a value equals `reference`'s (the planned or
 * prior one), `reference`'s is kept: a decimal number Terraform sent stays exactly as sent,
 * which Terraform's consistency checks require.
 */
export function fromModel(model: object, reference: TfObject | null): TfObject {
  const out: TfObject = {};
  for (const [name, value] of Object.entries(model as TfObject)) {
    const before = reference?.[name];
    out[name] = before !== undefined && !isUnknown(before) && valuesEqual(before, value) ? before : value;
  }
  return out;
}
