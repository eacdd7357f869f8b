// State versions (src/provider/state-versions.ts) through FrameworkProvider: a fake
// resource at schema version 2 whose upgraders rename an attribute (0 -> 1) and turn a
// string into a number (1 -> 2), so that order, filling and dropping are all visible.
import { silentLogger } from "../../src/log/logger.js";
import type { Diagnostic } from "../../src/plugin/diagnostics.js";
import type { Schema } from "../../src/plugin/schema.js";
import { FrameworkProvider } from "../../src/provider/provider.js";
import type { ProviderDefinition, ResourceType } from "../../src/provider/resource-type.js";
import type { StateUpgraders } from "../../src/provider/state-versions.js";

const schema: Schema = {
  version: 2,
  block: {
    attributes: {
      id: { type: "string", computed: true },
      name: { type: "string", required: true },
      timeout: { type: "number", optional: true },
      added: { type: "bool", optional: true },
    },
    blocks: { rule: { nesting: "list", block: { attributes: { key: { type: "string", required: true } } } } },
  },
};

const calls: string[] = [];
const upgraders: StateUpgraders = {
  0: ({ title, ...rest }) => {
    calls.push("0->1");
    if (title === "refuse") throw new Error("title cannot be 'refuse'");
    return { ...rest, name: title };
  },
  1: ({ timeout, ...rest }) => {
    calls.push("1->2");
    return { ...rest, timeout: typeof timeout === "string" ? Number(timeout.replace(/s$/, "")) : timeout };
  },
};

function providerWith(resource: Partial<ResourceType<null>>): FrameworkProvider<null> {
  const definition: ProviderDefinition<null> = {
    schema: { version: 0, block: { attributes: {} } },
    env: {},
    configure: async () => null,
    resources: [
      {
        name: "fake_thing",
        schema,
        replaceOnChange: [],
        stateUpgraders: upgraders,
        create: async (planned) => planned,
        read: async (state) => state,
        delete: async () => undefined,
        ...resource,
      },
    ],
    dataSources: [],
  };
  return new FrameworkProvider(definition, silentLogger);
}

const text = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.severity}: ${d.summary}: ${d.detail}`).join("\n");

beforeEach(() => {
  calls.length = 0;
});

test("state at version 0 goes through every upgrader in order; added attributes null, removed ones dropped", async () => {
  const { state, diagnostics } = await providerWith({}).upgradeResourceState("fake_thing", 0, { id: "1", title: "web", timeout: "30s", obsolete: true });
  expect(diagnostics).toEqual([]);
  expect(calls).toEqual(["0->1", "1->2"]);
  expect(state).toEqual({ id: "1", name: "web", timeout: 30, added: null, rule: [] });
});

test("state at version 1 starts at upgrader 1", async () => {
  const { state } = await providerWith({}).upgradeResourceState("fake_thing", 1, { id: "1", name: "web", timeout: "5s" });
  expect(calls).toEqual(["1->2"]);
  expect(state).toMatchObject({ name: "web", timeout: 5 });
});

test("state at the current version runs no upgrader", async () => {
  const { state, diagnostics } = await providerWith({}).upgradeResourceState("fake_thing", 2, { id: "1", name: "web", rule: [{ key: "k" }] });
  expect(diagnostics).toEqual([]);
  expect(calls).toEqual([]);
  expect(state).toEqual({ id: "1", name: "web", timeout: null, added: null, rule: [{ key: "k" }] });
});

test("state from a newer provider is an error naming the resource and both versions", async () => {
  const { state, diagnostics } = await providerWith({}).upgradeResourceState("fake_thing", 7, {});
  expect(state).toBeNull();
  expect(diagnostics).toHaveLength(1);
  expect(text(diagnostics)).toMatch(/^error: State written by a newer provider: .*fake_thing.*version 7.*up to 2\. Upgrade the acme provider\.$/);
});

test("a negative version is an error, not a crash", async () => {
  const { diagnostics } = await providerWith({}).upgradeResourceState("fake_thing", -1, {});
  expect(text(diagnostics)).toMatch(/^error: Unreadable state: .*fake_thing.*-1/);
});

test("an upgrader that refuses gives an error naming the resource, the versions and its reason", async () => {
  const { state, diagnostics } = await providerWith({}).upgradeResourceState("fake_thing", 0, { title: "refuse" });
  expect(state).toBeNull();
  expect(calls).toEqual(["0->1"]);
  expect(text(diagnostics)).toBe("error: Cannot upgrade state: The state of this fake_thing (schema version 0) cannot be upgraded to version 1: title cannot be 'refuse'");
});

test("upgraded state that does not fit the schema is an error saying where", async () => {
  const { state, diagnostics } = await providerWith({}).upgradeResourceState("fake_thing", 1, { name: ["not", "a", "string"] });
  expect(state).toBeNull();
  expect(text(diagnostics)).toMatch(/^error: Unreadable state: The state of this fake_thing \(schema version 1, upgraded to 2\) does not fit its schema: expected a string at name\.$/);
});

test("a resource whose version lacks an upgrader is refused when the provider is built", () => {
  expect(() => providerWith({ stateUpgraders: { 0: upgraders[0]! } })).toThrow("fake_thing is at schema version 2 but has no state upgrader from version 1");
  expect(() => providerWith({ stateUpgraders: {} })).toThrow(/from version 0, 1$/);
});
