// What the framework derives from declarations (src/provider/derive.ts), on a small
// declaration set that uses every feature: modes, a default, one-of values, replacement,
// validators (range, format, conflicts, per item), sensitivity and a nested block.
import { DecimalNumber, UNKNOWN, type TfObject } from "../../src/plugin/values.js";
import { block, bool, number, string, stringList, stringMap } from "../../src/provider/declarations.js";
import type { ModelOf, PlannedOf, ProposedOf } from "../../src/provider/declarations.js";
import { blockSchema, defaultsOf, fromModel, replacePaths, toModel, validateLiterals } from "../../src/provider/derive.js";
import { conflictsWith, eachItem, matches, wholeNumber } from "../../src/provider/validators.js";

const attributes = {
  id: string({ computed: true, description: "The id." }),
  name: string({ required: true, replace: true, validators: [matches(/^[a-z]+$/, "lowercase letters, like web")], description: "The name." }),
  size: string({ optional: true, default: "small", values: ["small", "large"], replace: true, description: "The size." }),
  token: string({ optional: true, sensitive: true, validators: [matches(/^t-/, "a token starting with t-")], description: "A secret." }),
  template: string({ optional: true, validators: [conflictsWith("name", (name) => `drop ${name}.`)], description: "A template." }),
  wait: number({ optional: true, default: 0, validators: [wholeNumber({ min: 0, max: 60, unit: "seconds" })], description: "Seconds." }),
  hosts: stringList({ optional: true, validators: [eachItem(matches(/\./, "a host name"))], description: "Hosts." }),
  key: string({ optional: true, computed: true, description: "Generated when not given." }),
  enabled: bool({ optional: true, default: true, description: "On." }),
  rule: block({
    description: "A rule.",
    maxItems: 2,
    attributes: { kind: string({ required: true, values: ["a", "b"], description: "Its kind." }), tags: stringMap({ optional: true, description: "Tags." }) },
  }),
};

const config = (values: TfObject): TfObject => ({
  id: null,
  name: "web",
  size: null,
  token: null,
  template: null,
  wait: null,
  hosts: null,
  key: null,
  enabled: null,
  rule: [],
  ...values,
});

describe("schema", () => {
  test("modes, defaults (optional + computed), sensitivity, descriptions and the nested block", () => {
    const schema = blockSchema(attributes, "A thing.");
    expect(schema.description).toBe("A thing.");
    expect(schema.attributes.id).toEqual({ type: "string", computed: true, description: "The id." });
    expect(schema.attributes.name).toEqual({ type: "string", required: true, description: "The name." });
    expect(schema.attributes.size).toEqual({ type: "string", optional: true, computed: true, description: "The size." });
    expect(schema.attributes.token).toEqual({ type: "string", optional: true, sensitive: true, description: "A secret." });
    expect(schema.attributes.key).toEqual({ type: "string", optional: true, computed: true, description: "Generated when not given." });
    expect(schema.attributes.hosts!.type).toEqual(["list", "string"]);
    expect(schema.blocks).toEqual({
      rule: {
        nesting: "list",
        maxItems: 2,
        block: {
          description: "A rule.",
          attributes: { kind: { type: "string", required: true, description: "Its kind." }, tags: { type: ["map", "string"], optional: true, description: "Tags." } },
        },
      },
    });
  });

  test("defaults and replace paths", () => {
    expect(defaultsOf(attributes)).toEqual({ size: "small", wait: 0, enabled: true });
    expect(replacePaths(attributes)).toEqual(["name", "size"]);
  });

  test("a declaration with no mode, two modes, or a default that fails its own checks is refused", () => {
    expect(() => blockSchema({ x: string({ description: "x" }) })).toThrow("x: declare exactly one of required, optional (with a default or computed), computed");
    expect(() => blockSchema({ x: string({ required: true, computed: true, description: "x" }) })).toThrow(/^x: declare exactly one/);
    expect(() => blockSchema({ x: string({ required: true, default: "a", description: "x" }) })).toThrow(/^x: declare exactly one/);
    expect(() => blockSchema({ x: string({ optional: true, default: "c", values: ["a", "b"], description: "x" }) })).toThrow('x: its default "c" does not pass its own validation');
    expect(() => blockSchema({ x: number({ optional: true, default: -1, validators: [wholeNumber({ min: 0, unit: "days" })], description: "x" }) })).toThrow(/default -1/);
  });
});

describe("literal validation", () => {
  const check = (values: TfObject) => validateLiterals(attributes, config(values)).map((d) => ({ severity: d.severity, summary: d.summary, detail: d.detail, path: d.path }));

  test("a valid configuration has nothing to say", () => {
    expect(check({ size: "large", token: "t-1", wait: 60, hosts: ["a.example"], rule: [{ kind: "a", tags: null }] })).toEqual([]);
  });

  test("one-of values: names the argument, lists what to write, shows what was given", () => {
    expect(check({ size: "huge" })).toEqual([{ severity: "error", summary: "Invalid size", detail: 'size must be one of "small", "large"; got "huge".', path: ["size"] }]);
  });

  test("a range", () => {
    expect(check({ wait: 61 })).toEqual([{ severity: "error", summary: "Invalid wait", detail: "wait must be a whole number of seconds from 0 to 60; got 61.", path: ["wait"] }]);
    expect(check({ wait: new DecimalNumber("0.5") })[0]!.detail).toBe("wait must be a whole number of seconds from 0 to 60; got 0.5.");
  });

  test("a format; a sensitive value is never repeated", () => {
    expect(check({ name: "Web" })[0]!.detail).toBe('name must be lowercase letters, like web; got "Web".');
    expect(check({ token: "secret-value" })[0]!.detail).toBe("token must be a token starting with t-.");
  });

  test("conflicts", () => {
    expect(check({ template: "x" })).toEqual([{ severity: "error", summary: "Conflicting template", detail: "template cannot be used with name: drop template.", path: ["template"] }]);
  });

  test("list items are checked one by one, the path pointing at the item", () => {
    expect(check({ hosts: ["a.example", "localhost"] })).toEqual([{ severity: "error", summary: "Invalid hosts", detail: 'hosts must be a host name; got "localhost".', path: ["hosts", 1] }]);
  });

  test("nested blocks: the path names the block, its index and the attribute", () => {
    expect(check({ rule: [{ kind: "a", tags: null }, { kind: "c", tags: null }] })).toEqual([
      { severity: "error", summary: "Invalid kind", detail: 'kind must be one of "a", "b"; got "c".', path: ["rule", 1, "kind"] },
    ]);
  });

  test("unknown values are skipped, never judged; so are lists holding one", () => {
    expect(check({ name: UNKNOWN, size: UNKNOWN, wait: UNKNOWN, hosts: ["localhost", UNKNOWN], rule: UNKNOWN })).toEqual([]);
  });

  test("valuesOnly checks the one-of values alone (planned values, defaults filled in)", () => {
    expect(validateLiterals(attributes, config({ template: "x", size: "huge" }), { valuesOnly: true }).map((d) => d.summary)).toEqual(["Invalid size"]);
  });
});

describe("model", () => {
  test("the model's types follow the declarations", () => {
    type Model = ModelOf<typeof attributes>;
    const model: Model = { id: null, name: "web", size: "small", token: null, template: null, wait: 0, hosts: null, key: null, enabled: true, rule: [{ kind: "a", tags: null }] };
    // @ts-expect-error one-of values narrow the type
    model.size = "huge";
    // @ts-expect-error defaulted arguments are never null
    model.wait = null;
    const planned: PlannedOf<typeof attributes> = { ...model, id: UNKNOWN, key: UNKNOWN };
    // @ts-expect-error only what apply decides may be unknown in what apply gets
    planned.name = UNKNOWN;
    const proposed: ProposedOf<typeof attributes> = { ...model, name: UNKNOWN };
    expect(proposed.name).toBe(UNKNOWN);
  });

  test("decimal numbers read as numbers; written back as sent when unchanged", () => {
    const decimal = new DecimalNumber("0.1");
    const planned = config({ wait: decimal, id: UNKNOWN });
    const model = toModel<ModelOf<typeof attributes>>(planned);
    expect(model.wait).toBe(0.1);
    const state = fromModel({ ...model, id: "1" }, planned);
    expect(state.wait).toBe(decimal);
    expect(state.id).toBe("1");
    expect(fromModel({ ...model, wait: 2 }, planned).wait).toBe(2);
  });
});
