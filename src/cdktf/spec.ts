// What each construct can synthesize, as data: the camelCase property of every argument
// and nested block, the snake_case name the provider's schema knows it by, and its kind.
// synthesizeAttributes (JSON) and synthesizeHclAttributes (`cdktf synth --hcl`) are both
// computed from these tables, and the drift test compares them with the provider's own
// schemas, so an argument added to the provider without its construct property (or the
// reverse) fails the build.
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
  Tokenization,
} from "cdktf";

export type ArgumentKind = "string" | "number" | "bool" | "stringList" | "stringSet" | "stringMap";

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

/** snake_case -> camelCase, as cdktf's generated bindings name properties. */
export function camelCase(snake: string): string {
  return snake.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
