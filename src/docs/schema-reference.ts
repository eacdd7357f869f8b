// The Argument Reference and Attribute Reference of a registry page, generated from the
// schema the provider serves to Terraform (plus the resource's provider-side defaults and
// the arguments that force replacement), so the pages cannot say something the code
// does not do.

import type { Attribute, Block, CtyType, NestedBlock, TfValue } from "../plugin/index.js";

export interface ReferenceSubject {
  block: Block;
  /** Defaults planned when the configuration leaves an argument null (ResourceType.defaults). */
  defaults?: Readonly<Record<string, TfValue>>;
  /** Top-level arguments and blocks whose change replaces the resource. */
  replaceOnChange?: readonly string[];
  /** "resource", "data source" or "provider": words only. */
  kind: "resource" | "data source" | "provider";
}

/** `## Argument Reference`: every argument, then a `### <block>` section for each nested block. */
export function argumentReference(subject: ReferenceSubject): string {
  const { block } = subject;
  const arguments_ = Object.entries(block.attributes).filter(([, attribute]) => isArgument(attribute));
  const blocks = Object.entries(block.blocks ?? {});
  const sections = ["## Argument Reference"];
  if (arguments_.length === 0 && blocks.length === 0) {
    sections.push(`This ${subject.kind} takes no arguments.`);
    return sections.join("\n\n");
  }
  sections.push(`The ${subject.kind} supports the following arguments:`);
  sections.push(
    [
      ...arguments_.map(([name, attribute]) => attributeArgument(name, attribute, subject, true)),
      ...blocks.map(([name, nested]) => blockArgument(name, nested, subject)),
    ].join("\n"),
  );
  for (const [name, nested] of blocks) sections.push(nestedBlockSection(name, nested, subject));
  return sections.join("\n\n");
}

/** `## Attribute Reference`: what only the provider sets (computed, not configurable). */
export function attributeReference(subject: ReferenceSubject): string {
  const exported = Object.entries(subject.block.attributes).filter(([, attribute]) => !isArgument(attribute));
  const sections = ["## Attribute Reference"];
  if (exported.length === 0) {
    sections.push(`This ${subject.kind} exports no attributes besides its arguments.`);
    return sections.join("\n\n");
  }
  const hasArguments = Object.values(subject.block.attributes).some(isArgument) || Object.keys(subject.block.blocks ?? {}).length > 0;
  sections.push(`${hasArguments ? "In addition to the arguments above, the" : "The"} following attributes are exported:`);
  sections.push(exported.map(([name, attribute]) => bullet(name, [typeName(attribute.type), ...(attribute.sensitive ? ["sensitive"] : [])], attribute.description)).join("\n"));
  return sections.join("\n\n");
}

function isArgument(attribute: Attribute): boolean {
  return Boolean(attribute.required || attribute.optional);
}

function attributeArgument(name: string, attribute: Attribute, subject: ReferenceSubject, topLevel: boolean): string {
  const notes = [attribute.required ? "Required" : "Optional", typeName(attribute.type)];
  const defaultValue = topLevel ? subject.defaults?.[name] : undefined;
  if (defaultValue !== undefined && defaultValue !== null) notes.push(`default ${formatDefault(defaultValue)}`);
  if (attribute.sensitive) notes.push("sensitive");
  if (attribute.deprecated) notes.push("deprecated");
  if (topLevel && subject.replaceOnChange?.includes(name)) notes.push("forces replacement");
  return bullet(name, notes, attribute.description);
}

function blockArgument(name: string, nested: NestedBlock, subject: ReferenceSubject): string {
  const notes = [(nested.minItems ?? 0) > 0 ? "Required" : "Optional", blockCount(nested)];
  if (subject.replaceOnChange?.includes(name)) notes.push("forces replacement");
  const description = [nested.block.description, `See [${name}](#${name}) below.`].filter(Boolean).join(" ");
  return bullet(name, notes, description);
}

function nestedBlockSection(name: string, nested: NestedBlock, subject: ReferenceSubject): string {
  const attributes = Object.entries(nested.block.attributes);
  const lines = [`### ${name}`, ""];
  if (nested.block.description) lines.push(nested.block.description, "");
  if (subject.replaceOnChange?.includes(name)) lines.push(`Changing this block replaces the ${subject.kind}.`, "");
  lines.push(`${/^[aeiou]/i.test(name) ? "An" : "A"} \`${name}\` block supports:`, "");
  lines.push(...attributes.map(([attributeName, attribute]) => attributeArgument(attributeName, attribute, subject, false)));
  for (const [innerName, inner] of Object.entries(nested.block.blocks ?? {})) {
    lines.push(bullet(innerName, [(inner.minItems ?? 0) > 0 ? "Required" : "Optional", blockCount(inner)], inner.block.description));
  }
  return lines.join("\n");
}

function blockCount(nested: NestedBlock): string {
  if (nested.nesting === "single" || nested.maxItems === 1) return "block, at most one";
  const noun = nested.nesting === "set" ? "set of blocks" : nested.nesting === "map" ? "map of blocks" : "list of blocks";
  if (nested.maxItems !== undefined && nested.maxItems > 0) return `${noun}, at most ${nested.maxItems}`;
  return `${noun}, repeatable`;
}

function bullet(name: string, notes: readonly string[], description: string | undefined): string {
  return `* \`${name}\` - (${notes.join(", ")})${description ? ` ${description}` : ""}`;
}

/** Terraform's names for types, as the registry shows them: String, List of String, ... */
export function typeName(type: CtyType): string {
  if (typeof type === "string") return { string: "String", number: "Number", bool: "Boolean", dynamic: "Dynamic" }[type];
  const [kind, inner] = type;
  if (kind === "object") return "Object";
  return `${{ list: "List", set: "Set", map: "Map" }[kind]} of ${typeName(inner as CtyType)}`;
}

function formatDefault(value: TfValue): string {
  return `\`${typeof value === "string" ? JSON.stringify(value) : String(value)}\``;
}
