// No drift between the provider and its constructs: the schemas come from the provider
// itself (src/resources), and every argument, nested block and attribute of every
// resource, data source and of the provider block must be reachable through a construct,
// with the same type; and the constructs must synthesize nothing the schemas lack. Adding
// an argument (or a resource) to the provider without its construct fails here.
import { readFileSync } from "node:fs";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { AcmeDnsRegistration, AcmeProvider, Certificate, DataAcmeServerUrl, Registration } from "../../src/cdktf/index.js";
import type { ArgumentKind, BlockSpec, ElementSpec } from "../../src/cdktf/spec.js";
import { camelCase } from "../../src/shared/index.js";
import type { Attribute, Block, CtyType } from "../../src/plugin/schema.js";
import { CONSTRUCT_TYPES_FILE, renderConstructTypes } from "../../src/docs/index.js";
import { acmeProvider } from "../../src/resources/index.js";
import { newApp, SERVER_URL, synthJson } from "./support.js";

interface ConstructClass {
  spec: ElementSpec;
  new (scope: Construct, id: string, config: never): Construct;
}

const provider = acmeProvider({});
const resourceConstructs: ConstructClass[] = [Registration, Certificate, AcmeDnsRegistration] as unknown as ConstructClass[];
const dataSourceConstructs: ConstructClass[] = [DataAcmeServerUrl] as unknown as ConstructClass[];

const ctyOf: Record<ArgumentKind, CtyType> = {
  string: "string",
  number: "number",
  bool: "bool",
  stringList: ["list", "string"],
  stringSet: ["set", "string"],
  stringMap: ["map", "string"],
};

const configurable = (attribute: Attribute) => attribute.required === true || attribute.optional === true;

/** The schema's view of a block, in the spec's terms. */
function expectedArguments(block: Block): Record<string, { type: CtyType; required: boolean }> {
  return Object.fromEntries(
    Object.entries(block.attributes)
      .filter(([, attribute]) => configurable(attribute))
      .map(([name, attribute]) => [name, { type: attribute.type, required: attribute.required === true }]),
  );
}

function specArguments(args: ElementSpec["arguments"]): Record<string, { type: CtyType; required: boolean }> {
  return Object.fromEntries(Object.values(args).map((argument) => [argument.name, { type: ctyOf[argument.kind], required: argument.required === true }]));
}

function checkBlocks(block: Block, blocks: Readonly<Record<string, BlockSpec>>): void {
  const expected = Object.fromEntries(
    Object.entries(block.blocks ?? {}).map(([name, nested]) => [name, { nesting: nested.nesting, maxItems: nested.maxItems, arguments: expectedArguments(nested.block) }]),
  );
  const actual = Object.fromEntries(
    Object.entries(blocks).map(([property, spec]) => {
      expect(property).toBe(camelCase(spec.name));
      return [spec.name, { nesting: "list", maxItems: spec.maxItems, arguments: specArguments(spec.arguments) }];
    }),
  );
  expect(actual).toEqual(expected);
  for (const nested of Object.values(block.blocks ?? {})) expect(nested.block.blocks ?? {}).toEqual({}); // deeper nesting would need construct support
  for (const spec of Object.values(blocks)) for (const [property, argument] of Object.entries(spec.arguments)) expect(property).toBe(camelCase(argument.name));
}

/** A config with every argument and block of the spec set (the meta-arguments aside). */
function fullConfig(spec: ElementSpec): Record<string, unknown> {
  const sample: Record<ArgumentKind, unknown> = { string: "x", number: 1, bool: true, stringList: ["x"], stringSet: ["x"], stringMap: { KEY: "v" } };
  const config: Record<string, unknown> = {};
  for (const [property, argument] of Object.entries(spec.arguments)) config[property] = sample[argument.kind];
  for (const [property, block] of Object.entries(spec.blocks)) {
    const item = Object.fromEntries(Object.entries(block.arguments).map(([key, argument]) => [key, sample[argument.kind]]));
    config[property] = block.maxItems === 1 ? item : [item];
  }
  return config;
}

describe.each([
  ...resourceConstructs.map((construct) => ["resource", construct] as const),
  ...dataSourceConstructs.map((construct) => ["data source", construct] as const),
])("%s construct %p", (kind, construct) => {
  const spec = construct.spec;
  const type = (kind === "resource" ? provider.resources : provider.dataSources).find((candidate) => candidate.name === spec.typeName);

  test("exists in the provider", () => {
    expect(type).toBeDefined();
    expect(spec.kind).toBe(kind === "resource" ? "resource" : "data");
  });

  test("has a property for every argument of the schema, with its type, and no other", () => {
    expect(specArguments(spec.arguments)).toEqual(expectedArguments(type!.schema.block));
    for (const [property, argument] of Object.entries(spec.arguments)) expect(property).toBe(camelCase(argument.name));
    checkBlocks(type!.schema.block, spec.blocks);
  });

  test("has a token getter for every attribute, computed ones included", () => {
    const attributes = type!.schema.block.attributes;
    expect(Object.fromEntries(Object.values(spec.attributes).map((attribute) => [attribute.name, ctyOf[attribute.kind]]))).toEqual(
      Object.fromEntries(Object.entries(attributes).map(([name, attribute]) => [name, attribute.type])),
    );
    const stack = new TerraformStack(newApp(), "drift");
    new AcmeProvider(stack, "acme", { serverUrl: SERVER_URL });
    const instance = new construct(stack, "subject", fullConfig(spec) as never) as unknown as Record<string, unknown>;
    const prefix = kind === "resource" ? spec.typeName : `data.${spec.typeName}`;
    for (const [getter, attribute] of Object.entries(spec.attributes)) {
      expect(getter).toBe(camelCase(attribute.name));
      expect(Object.getOwnPropertyDescriptor(construct.prototype, getter)?.get).toBeDefined();
      new TerraformOutput(stack, getter, { value: instance[getter], sensitive: true });
    }
    const outputs = synthJson(stack).output ?? {};
    for (const [getter, attribute] of Object.entries(spec.attributes)) {
      expect(String(outputs[getter]?.value)).toContain(`${prefix}.subject.${attribute.name}`);
    }
  });

  test("synthesizes every argument and block under the schema's names", () => {
    const stack = new TerraformStack(newApp(), "drift");
    new AcmeProvider(stack, "acme", { serverUrl: SERVER_URL });
    new construct(stack, "subject", fullConfig(spec) as never);
    const json = synthJson(stack);
    const body = (kind === "resource" ? json.resource : json.data)?.[spec.typeName]?.subject ?? {};
    const block = type!.schema.block;
    const expected = [...Object.keys(expectedArguments(block)), ...Object.keys(block.blocks ?? {})].sort();
    expect(Object.keys(body).filter((key) => key !== "//").sort()).toEqual(expected);
    for (const [name, nested] of Object.entries(block.blocks ?? {})) {
      const items = body[name] as Record<string, unknown>[];
      expect(items).toHaveLength(1);
      expect(Object.keys(items[0]!).sort()).toEqual(Object.keys(expectedArguments(nested.block)).sort());
    }
  });
});

test("every resource and data source of the provider has a construct", () => {
  expect(provider.resources.map((type) => type.name).sort()).toEqual(resourceConstructs.map((construct) => construct.spec.typeName).sort());
  expect(provider.dataSources.map((type) => type.name).sort()).toEqual(dataSourceConstructs.map((construct) => construct.spec.typeName).sort());
});

test("the provider construct has every argument of the provider block", () => {
  expect(specArguments(AcmeProvider.spec.arguments)).toEqual(expectedArguments(provider.schema.block));
  checkBlocks(provider.schema.block, AcmeProvider.spec.blocks);
  const stack = new TerraformStack(newApp(), "drift");
  new AcmeProvider(stack, "acme", fullConfig(AcmeProvider.spec) as never);
  const [body] = JSON.parse(Testing.synth(stack)).provider.acme as Record<string, unknown>[];
  expect(Object.keys(body!).sort()).toEqual(Object.keys(expectedArguments(provider.schema.block)).sort());
});

test("the constructs' generated types are current (npx tsx scripts/gen-docs.ts regenerates them)", () => {
  expect(readFileSync(new URL(`../../${CONSTRUCT_TYPES_FILE}`, import.meta.url), "utf8")).toBe(renderConstructTypes());
});
