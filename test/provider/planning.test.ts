// The framework's planning rules (src/provider), driven through FrameworkProvider with a
// tiny fake resource so that only the rules are under test, not any real resource.
import { FrameworkProvider } from "../../src/provider/provider.js";
import type { PlanRequest } from "../../src/plugin/provider-server.js";
import type { Schema } from "../../src/plugin/schema.js";
import { UNKNOWN, type TfObject } from "../../src/plugin/values.js";
import type { ProviderDefinition, ResourceType } from "../../src/provider/resource-type.js";
import { silentLogger } from "../../src/log/logger.js";
import { error } from "../../src/plugin/diagnostics.js";

// One attribute of each planning-relevant kind:
//   name     required, replaces on change
//   size     optional+computed with a provider default, replaces on change
//   zone     optional+computed without default
//   note     optional, updates in place
//   id, url  computed only
const schema: Schema = {
  version: 0,
  block: {
    attributes: {
      id: { type: "string", computed: true },
      url: { type: "string", computed: true },
      name: { type: "string", required: true },
      size: { type: "string", optional: true, computed: true },
      zone: { type: "string", optional: true, computed: true },
      note: { type: "string", optional: true },
    },
  },
};

interface Calls {
  planUpdate: number;
  /** The planned states planCreate saw. */
  planCreate: TfObject[];
}

function fakeProvider(options: { planUpdate?: boolean; planCreate?: boolean; create?: ResourceType<{ configured: true }>["create"] } = {}) {
  const calls: Calls = { planUpdate: 0, planCreate: [] };
  const resource: ResourceType<{ configured: true }> = {
    name: "fake_thing",
    schema,
    defaults: { size: "small" },
    replaceOnChange: ["name", "size"],
    ...(options.planUpdate
      ? {
          planUpdate: async ({ planned }) => {
            calls.planUpdate++;
            return { planned: { ...planned, url: UNKNOWN } };
          },
        }
      : {}),
    ...(options.planCreate
      ? {
          planCreate: async ({ planned }) => {
            calls.planCreate.push(planned);
            return planned.note === "bad" ? [error("Bad note", "note is bad", ["note"])] : [];
          },
        }
      : {}),
    create: options.create ?? (async (planned) => ({ ...planned, id: "1", url: "u", zone: "z" })),
    read: async (state) => state,
    delete: async () => undefined,
  };
  const definition: ProviderDefinition<{ configured: true }> = {
    schema: { version: 0, block: { attributes: {} } },
    env: {},
    configure: async () => ({ configured: true }),
    resources: [resource],
    dataSources: [],
  };
  return { provider: new FrameworkProvider(definition, silentLogger), calls };
}

/** A full object of the schema: what Terraform sends, every attribute present. */
const full = (values: TfObject): TfObject => ({ id: null, url: null, name: null, size: null, zone: null, note: null, ...values });

/** Terraform's proposed new state: config, with prior values for computed attributes the config leaves null. */
function proposed(prior: TfObject | null, config: TfObject): TfObject {
  const out = { ...config };
  for (const [name, attribute] of Object.entries(schema.block.attributes)) {
    if (attribute.computed && config[name] === null) out[name] = prior ? prior[name]! : null;
  }
  return out;
}

function planRequest(prior: TfObject | null, config: TfObject | null): PlanRequest {
  return {
    typeName: "fake_thing",
    priorState: prior,
    proposedNewState: config === null ? null : proposed(prior, config),
    config,
    priorPrivate: Buffer.from("private-bytes"),
  };
}

const created = full({ id: "1", url: "u", name: "a", size: "small", zone: "z", note: null });

describe("create", () => {
  test("computed attributes the config leaves null are planned unknown, except those with defaults", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const plan = await provider.planResourceChange(planRequest(null, full({ name: "a" })));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.plannedState).toEqual(full({ id: UNKNOWN, url: UNKNOWN, name: "a", size: "small", zone: UNKNOWN, note: null }));
    expect(plan.requiresReplace).toEqual([]);
  });

  test("values set in config are planned as configured, defaults do not override them", async () => {
    const { provider } = fakeProvider();
    const plan = await provider.planResourceChange(planRequest(null, full({ name: "a", size: "large", zone: "eu", note: "n" })));
    expect(plan.plannedState).toEqual(full({ id: UNKNOWN, url: UNKNOWN, name: "a", size: "large", zone: "eu", note: "n" }));
  });

  test("planning a create works before configure (Terraform may plan a create with an unconfigured provider)", async () => {
    const { provider } = fakeProvider();
    const plan = await provider.planResourceChange(planRequest(null, full({ name: "a" })));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.plannedState?.id).toBe(UNKNOWN);
  });

  test("an unknown config value stays unknown and is not replaced by the default", async () => {
    const { provider } = fakeProvider();
    const plan = await provider.planResourceChange(planRequest(null, full({ name: "a", size: UNKNOWN })));
    expect(plan.plannedState?.size).toBe(UNKNOWN);
  });

  test("planning is deterministic: the same request plans the same state", async () => {
    const { provider } = fakeProvider();
    const request = planRequest(null, full({ name: "a" }));
    expect(await provider.planResourceChange(request)).toEqual(await provider.planResourceChange(request));
  });
});

describe("update", () => {
  test("nothing changed: no replacement, prior computed values kept, private echoed", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const plan = await provider.planResourceChange(planRequest(created, full({ name: "a" })));
    expect(plan.requiresReplace).toEqual([]);
    expect(plan.plannedState).toEqual(created);
    expect(plan.plannedPrivate.toString()).toBe("private-bytes");
  });

  test("a default is planned when the config sets the argument back to null", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const prior = { ...created, size: "large" };
    const plan = await provider.planResourceChange(planRequest(prior, full({ name: "a" })));
    expect(plan.plannedState?.size).toBe("small");
    // ... and since size replaces on change, going back to the default replaces.
    expect(plan.requiresReplace).toEqual([["size"]]);
  });

  test("a changed replaceOnChange argument requests replacement at its path, and computed values become unknown", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const plan = await provider.planResourceChange(planRequest(created, full({ name: "b" })));
    expect(plan.requiresReplace).toEqual([["name"]]);
    expect(plan.plannedState).toEqual(full({ id: UNKNOWN, url: UNKNOWN, name: "b", size: "small", zone: UNKNOWN, note: null }));
  });

  test("two changed replacing arguments give two paths", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const plan = await provider.planResourceChange(planRequest(created, full({ name: "b", size: "large" })));
    expect(plan.requiresReplace).toEqual(expect.arrayContaining([["name"], ["size"]]));
    expect(plan.requiresReplace).toHaveLength(2);
  });

  test("a change of an in-place argument does not replace and keeps computed values", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const plan = await provider.planResourceChange(planRequest(created, full({ name: "a", note: "new" })));
    expect(plan.requiresReplace).toEqual([]);
    expect(plan.plannedState).toEqual({ ...created, note: "new" });
  });

  test("planUpdate runs for in-place updates only, never for create or replacement", async () => {
    const { provider, calls } = fakeProvider({ planUpdate: true });
    await provider.configure({});
    const inPlace = await provider.planResourceChange(planRequest(created, full({ name: "a", note: "new" })));
    expect(calls.planUpdate).toBe(1);
    expect(inPlace.plannedState?.url).toBe(UNKNOWN);
    await provider.planResourceChange(planRequest(null, full({ name: "a" })));
    await provider.planResourceChange(planRequest(created, full({ name: "b" })));
    expect(calls.planUpdate).toBe(1);
  });
});

describe("planCreate", () => {
  test("runs for a create and a replacement, not for an in-place update; its diagnostics are the plan's", async () => {
    const { provider, calls } = fakeProvider({ planCreate: true });
    await provider.configure({});
    const bad = await provider.planResourceChange(planRequest(null, full({ name: "a", note: "bad" })));
    expect(bad.diagnostics).toEqual([error("Bad note", "note is bad", ["note"])]);
    expect(calls.planCreate).toEqual([full({ name: "a", note: "bad", size: "small" })]);
    const replacing = await provider.planResourceChange(planRequest(created, full({ name: "b", note: "bad" })));
    expect(replacing.requiresReplace).toEqual([["name"]]);
    expect(replacing.diagnostics).toEqual([error("Bad note", "note is bad", ["note"])]);
    await provider.planResourceChange(planRequest(created, full({ name: "a", note: "bad" })));
    expect(calls.planCreate).toHaveLength(2);
  });

  test("is skipped before configure: there is nothing to check against yet", async () => {
    const { provider, calls } = fakeProvider({ planCreate: true });
    const plan = await provider.planResourceChange(planRequest(null, full({ name: "a", note: "bad" })));
    expect(plan.diagnostics).toEqual([]);
    expect(calls.planCreate).toEqual([]);
  });
});

describe("destroy", () => {
  test("a null proposed state plans null, with no replacement", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const plan = await provider.planResourceChange(planRequest(created, null));
    expect(plan.plannedState).toBeNull();
    expect(plan.requiresReplace).toEqual([]);
    expect(plan.diagnostics).toEqual([]);
  });

  test("applying a null planned state deletes and answers null", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const applied = await provider.applyResourceChange({ typeName: "fake_thing", priorState: created, plannedState: null, config: null, plannedPrivate: Buffer.alloc(0) });
    expect(applied.newState).toBeNull();
    expect(applied.diagnostics).toEqual([]);
  });
});

describe("apply checks", () => {
  test("create fills what was unknown, and the result is wholly known", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    const plan = await provider.planResourceChange(planRequest(null, full({ name: "a" })));
    const applied = await provider.applyResourceChange({
      typeName: "fake_thing",
      priorState: null,
      plannedState: plan.plannedState,
      config: full({ name: "a" }),
      plannedPrivate: Buffer.alloc(0),
    });
    expect(applied.diagnostics).toEqual([]);
    expect(applied.newState).toEqual(created);
  });

  test("a resource that leaves a value unknown after apply gets an error diagnostic", async () => {
    const { provider } = fakeProvider();
    await provider.configure({});
    // No update function: the planned state (with url unknown) would be the new state.
    const applied = await provider.applyResourceChange({
      typeName: "fake_thing",
      priorState: created,
      plannedState: { ...created, url: UNKNOWN },
      config: full({ name: "a" }),
      plannedPrivate: Buffer.alloc(0),
    });
    expect(applied.diagnostics).toHaveLength(1);
    expect(applied.diagnostics[0]!.severity).toBe("error");
  });

  test("an unknown resource type is a diagnostic error, not a crash", async () => {
    const { provider } = fakeProvider();
    await expect(provider.planResourceChange({ ...planRequest(null, full({ name: "a" })), typeName: "fake_other" })).rejects.toMatchObject({
      diagnostics: [expect.objectContaining({ severity: "error", summary: "Unknown resource type" })],
    });
  });
});

describe("Stop", () => {
  test("stop aborts an in-flight apply, which then reports an error instead of hanging", async () => {
    let sawAbort = false;
    // A create that waits for the cancellation signal, as a long ACME poll would.
    const { provider } = fakeProvider({
      create: (_planned, context) =>
        new Promise((_resolve, reject) => {
          context.signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(context.signal.reason);
          });
        }),
    });
    await provider.configure({});
    const applying = provider.applyResourceChange({
      typeName: "fake_thing",
      priorState: null,
      plannedState: full({ name: "a", id: UNKNOWN, url: UNKNOWN, zone: UNKNOWN, size: "small" }),
      config: full({ name: "a" }),
      plannedPrivate: Buffer.alloc(0),
    });
    await provider.stop();
    const applied = await applying;
    expect(sawAbort).toBe(true);
    expect(applied.diagnostics.map((d) => d.severity)).toEqual(["error"]);
    expect(applied.diagnostics[0]!.detail).toMatch(/stop|interrupt/i);
  });
});
