// Protocol-neutral schema types: what a provider declares, independent of protocol 5 or 6.

/** cty type: the JSON form Terraform expects in Schema.Attribute.type. */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | ["list" | "set" | "map", CtyType]
  | ["object", Record<string, CtyType>];

export interface Attribute {
  type: CtyType;
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
}

export type NestingMode = "single" | "list" | "set" | "map";

export interface NestedBlock {
  nesting: NestingMode;
  block: Block;
  minItems?: number;
  maxItems?: number;
}

export interface Block {
  attributes: Record<string, Attribute>;
  blocks?: Record<string, NestedBlock>;
  description?: string;
  deprecated?: boolean;
}

export interface Schema {
  version: number;
  block: Block;
}

const blockTypes = new WeakMap<Block, CtyType>();

/** The cty object type a block stands for: what its values are decoded as. Schemas do not change: computed once per block. */
export function blockType(block: Block): CtyType {
  let type = blockTypes.get(block);
  if (!type) blockTypes.set(block, (type = impliedType(block)));
  return type;
}

function impliedType(block: Block): CtyType {
  const fields: Record<string, CtyType> = {};
  for (const [name, attribute] of Object.entries(block.attributes)) fields[name] = attribute.type;
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const inner = blockType(nested.block);
    fields[name] = nested.nesting === "single" ? inner : [nested.nesting, inner];
  }
  return ["object", fields];
}
