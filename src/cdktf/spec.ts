// What each construct can synthesize, as data: the camelCase property of every argument
// and nested block, the snake_case name the provider's schema knows it by, and its kind.
// The tables, the constructs' config types and their attribute getters are all derived
// from the provider's declarations (src/resources/*-attributes.ts; the types through
// src/cdktf/generated.ts), so an argument declared there appears here with nothing else to
// write. synthesizeAttributes (JSON) and
// synthesizeHclAttributes (`cdktf synth --hcl`) are computed from the tables, and the drift
// test compares them with the schemas the provider serves.
import type { AttributeKind, Declarations } from "../provider/declarations.js";
import { camelCase } from "../shared/index.js";
import {
  booleanToHclTerraform,
  booleanToTerraform,
  canInspect,
  hashMapper,
  hashMapperHcl,
  listMapper,
  listMapperHcl,
  numberToHclTerraform,
  numberToTerraform,
  stringToHclTerraform,
  stringToTerraform,
  Fn,
  Tokenization,
  type IResolvable,
} from "cdktf";

export type ArgumentKind = AttributeKind;

export interface ArgumentSpec {
  /** The attribute's name in the provider's schema. */
  readonly name: string;
  readonly kind: ArgumentKind;
  /** Required by the schema (and by the construct's config type). */
  readonly required?: boolean;
}

export interface BlockSpec {
  readonly name: string;
  /** 1: the construct takes one object (synthesized as a one-item list), as cdktf's generated bindings do. */
  readonly maxItems?: number;
  readonly arguments: Readonly<Record<string, ArgumentSpec>>;
}

export interface ElementSpec {
  /** `acme_certificate`, `acme_server_url`, or `acme` for the provider. */
  readonly typeName: string;
  readonly kind: "provider" | "resource" | "data";
  /** Arguments by construct property. */
  readonly arguments: Readonly<Record<string, ArgumentSpec>>;
  /** Nested blocks by construct property. */
  readonly blocks: Readonly<Record<string, BlockSpec>>;
  /**
   * Every attribute the construct exposes as a token getter (arguments too), by getter
   * name. Computed-only attributes are only reachable this way.
   */
  readonly attributes: Readonly<Record<string, { readonly name: string; readonly kind: ArgumentKind }>>;
}

type Mapper = (value: unknown) => unknown;

const toJson: Record<ArgumentKind, Mapper> = {
  string: stringToTerraform,
  number: numberToTerraform,
  bool: booleanToTerraform,
  stringList: listMapper(stringToTerraform, false),
  stringSet: listMapper(stringToTerraform, false),
  stringMap: hashMapper(stringToTerraform),
};

const toHcl: Record<ArgumentKind, Mapper> = {
  string: stringToHclTerraform,
  number: numberToHclTerraform,
  bool: booleanToHclTerraform,
  stringList: listMapperHcl(stringToHclTerraform, false),
  stringSet: listMapperHcl(stringToHclTerraform, false),
  stringMap: hashMapperHcl(stringToHclTerraform),
};

const hclShape: Record<ArgumentKind, { type: string; storageClassType: string }> = {
  string: { type: "simple", storageClassType: "string" },
  number: { type: "simple", storageClassType: "number" },
  bool: { type: "simple", storageClassType: "boolean" },
  stringList: { type: "list", storageClassType: "stringList" },
  stringSet: { type: "set", storageClassType: "stringList" },
  stringMap: { type: "map", storageClassType: "stringMap" },
};

type Config = Readonly<Record<string, unknown>>;

/** A block's value as a list: maxItems-1 blocks are given as one object. */
function blockItems(block: BlockSpec, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (block.maxItems === 1 && !Array.isArray(value) && !Tokenization.isResolvable(value)) return [value];
  return value;
}

function blockToJson(block: BlockSpec): Mapper {
  return (item) => {
    if (!canInspect(item) || Tokenization.isResolvable(item)) return item;
    const values = item as Config;
    return Object.fromEntries(Object.entries(block.arguments).map(([key, argument]) => [argument.name, toJson[argument.kind](values[key])]));
  };
}

function blockToHcl(block: BlockSpec): Mapper {
  return (item) => {
    if (!canInspect(item) || Tokenization.isResolvable(item)) return item;
    const values = item as Config;
    const attributes = Object.entries(block.arguments).map(([key, argument]) => [
      argument.name,
      { value: toHcl[argument.kind](values[key]), isBlock: false, ...hclShape[argument.kind] },
    ]);
    return Object.fromEntries(attributes.filter(([, attribute]) => (attribute as { value: unknown }).value !== undefined));
  };
}

/** The JSON attributes of an element: what `synthesizeAttributes` returns. */
export function synthesizeJson(spec: ElementSpec, config: Config): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, argument] of Object.entries(spec.arguments)) attributes[argument.name] = toJson[argument.kind](config[key]);
  for (const [key, block] of Object.entries(spec.blocks)) attributes[block.name] = listMapper(blockToJson(block), true)(blockItems(block, config[key]));
  return attributes;
}

/** The HCL attributes of an element: what `synthesizeHclAttributes` returns. */
export function synthesizeHcl(spec: ElementSpec, config: Config): Record<string, unknown> {
  const attributes: Record<string, { value: unknown }> = {};
  for (const [key, argument] of Object.entries(spec.arguments)) {
    attributes[argument.name] = { value: toHcl[argument.kind](config[key]), isBlock: false, ...hclShape[argument.kind] } as { value: unknown };
  }
  for (const [key, block] of Object.entries(spec.blocks)) {
    attributes[block.name] = {
      value: listMapperHcl(blockToHcl(block), true)(blockItems(block, config[key])),
      isBlock: true,
      type: "list",
      storageClassType: `${camelCase(block.name)}List`,
    } as { value: unknown };
  }
  return Object.fromEntries(Object.entries(attributes).filter(([, attribute]) => attribute.value !== undefined));
}


/** The spec of an element from its declarations (a provider's arguments cannot be read back: no getters). */
export function elementSpec(typeName: string, kind: ElementSpec["kind"], declarations: Declarations): ElementSpec {
  const arguments_: Record<string, ArgumentSpec> = {};
  const blocks: Record<string, BlockSpec> = {};
  const attributes: Record<string, { name: string; kind: ArgumentKind }> = {};
  for (const [name, declaration] of Object.entries(declarations)) {
    if (declaration.kind === "block") {
      const { arguments: inner } = elementSpec(name, kind, declaration.attributes);
      blocks[camelCase(name)] = { name, ...(declaration.maxItems !== undefined ? { maxItems: declaration.maxItems } : {}), arguments: inner };
      continue;
    }
    if (declaration.required || declaration.optional) arguments_[camelCase(name)] = { name, kind: declaration.kind, ...(declaration.required ? { required: true } : {}) };
    if (kind !== "provider") attributes[camelCase(name)] = { name, kind: declaration.kind };
  }
  return { typeName, kind, arguments: arguments_, blocks, attributes };
}

/** What a getter returns for an attribute of each kind: a token standing for the value. */
interface AttributeTokens {
  string: string;
  number: number;
  bool: IResolvable;
  stringList: string[];
  stringSet: string[];
  stringMap: { [key: string]: string };
}

/** The token readers cdktf's resources and data sources have. */
interface AttributeReader {
  getStringAttribute(name: string): string;
  getNumberAttribute(name: string): number;
  getBooleanAttribute(name: string): IResolvable;
  getListAttribute(name: string): string[];
  getStringMapAttribute(name: string): { [key: string]: string };
}

const readers: { [Kind in ArgumentKind]: (element: AttributeReader, name: string) => AttributeTokens[Kind] } = {
  string: (element, name) => element.getStringAttribute(name),
  number: (element, name) => element.getNumberAttribute(name),
  bool: (element, name) => element.getBooleanAttribute(name),
  stringList: (element, name) => element.getListAttribute(name),
  // A set's token is not indexable in Terraform: convert it, as cdktf's generated bindings do.
  stringSet: (element, name) => Fn.tolist(element.getListAttribute(name)),
  stringMap: (element, name) => element.getStringMapAttribute(name),
};

/**
 * Give a construct class a getter for every attribute of its spec (what the generated
 * <Construct>Attributes interface declares for it): a token referencing the attribute.
 */
export function defineAttributeGetters(construct: { prototype: object; spec: ElementSpec }): void {
  for (const [getter, attribute] of Object.entries(construct.spec.attributes)) {
    Object.defineProperty(construct.prototype, getter, {
      get(this: AttributeReader) {
        return readers[attribute.kind](this, attribute.name);
      },
      configurable: true,
    });
  }
}
