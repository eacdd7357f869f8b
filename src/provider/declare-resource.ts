// A resource or data source written against its declarations: its code reads and returns
// the typed model, and the schema, defaults, replace paths and literal validation come from
// the declarations. The result is the ResourceType / DataSourceType the framework serves.
import { DiagnosticsError, type Diagnostic, type TfObject } from "../plugin/index.js";
import type { ConfigurationOf, Declarations, ModelOf, PlannedOf, ProposedOf } from "./declarations.js";
import { blockSchema, defaultsOf, fromModel, replacePaths, toModel, validateLiterals, withDefaults } from "./derive.js";
import type { DataSourceType, OperationContext, ResourceType } from "./resource-type.js";
import type { StateUpgraders } from "./state-versions.js";

export interface ResourceDeclaration<ProviderData, A extends Declarations> {
  name: string;
  description: string;
  attributes: A;
  /**
   * The schema version new state is written at (default 0). Raise it when a change of the
   * declarations needs stored state rewritten, and add the upgrader from the old version.
   */
  version?: number;
  /** upgraders[v]: state stored at version v (plain JSON) to version v + 1; one per older version. */
  upgraders?: StateUpgraders;
  /**
   * Checks beyond the declared ones (across arguments, needing I/O); the declared literal
   * checks run first. Any value may still be unknown.
   */
  validate?: (config: ConfigurationOf<A>, env: Readonly<NodeJS.ProcessEnv>) => Diagnostic[] | Promise<Diagnostic[]>;
  /**
   * Adjust an in-place update plan (e.g. renewal). Runs only when the resource exists and
   * is not being replaced; returns the planned state (what apply decides set to UNKNOWN).
   */
  planUpdate?: (input: {
    prior: ModelOf<A>;
    planned: ProposedOf<A>;
    config: ConfigurationOf<A>;
    context: OperationContext<ProviderData>;
  }) => Promise<{ planned: ProposedOf<A>; diagnostics?: Diagnostic[] }>;
  /**
   * Checks of a plan that creates the resource (new, or replacing the prior one) that need
   * the configured provider (e.g. asking the remote side). Any value may still be unknown.
   */
  planCreate?: (input: { planned: ProposedOf<A>; context: OperationContext<ProviderData> }) => Promise<Diagnostic[]>;
  create(planned: PlannedOf<A>, context: OperationContext<ProviderData>): Promise<ModelOf<A>>;
  /**
   * Refresh; null: the remote object is gone. Defaulted attributes null in the stored state
   * (written before the argument existed) arrive as their defaults.
   */
  read(state: ModelOf<A>, context: OperationContext<ProviderData>): Promise<ModelOf<A> | null>;
  update?(prior: ModelOf<A>, planned: PlannedOf<A>, context: OperationContext<ProviderData>): Promise<ModelOf<A>>;
  delete(state: ModelOf<A>, context: OperationContext<ProviderData>): Promise<void>;
  importState?(id: string, context: OperationContext<ProviderData>): Promise<ModelOf<A>>;
}

export function declareResource<ProviderData, A extends Declarations>(declaration: ResourceDeclaration<ProviderData, A>): ResourceType<ProviderData> {
  const { attributes, validate, planUpdate, planCreate, update, importState } = declaration;
  // Values unknown at validate are checked once known, before apply acts on them: the
  // model's one-of types are then true.
  const checked = (planned: TfObject): PlannedOf<A> => {
    const problems = validateLiterals(attributes, planned, { valuesOnly: true });
    if (problems.length) throw new DiagnosticsError(problems);
    return toModel(planned);
  };
  return {
    name: declaration.name,
    schema: { version: declaration.version ?? 0, block: blockSchema(attributes, declaration.description) },
    defaults: defaultsOf(attributes),
    replaceOnChange: replacePaths(attributes),
    ...(declaration.upgraders ? { stateUpgraders: declaration.upgraders } : {}),
    async validate(config, env) {
      return [...validateLiterals(attributes, config), ...((await validate?.(toModel(config), env)) ?? [])];
    },
    ...(planUpdate
      ? {
          async planUpdate({ prior, planned, config, context }) {
            const result = await planUpdate({ prior: toModel(prior), planned: toModel(planned), config: toModel(config), context });
            return { planned: fromModel(result.planned, planned), ...(result.diagnostics ? { diagnostics: result.diagnostics } : {}) };
          },
        }
      : {}),
    ...(planCreate ? { planCreate: async ({ planned, context }) => planCreate({ planned: toModel(planned), context }) } : {}),
    create: async (planned, context) => fromModel(await declaration.create(checked(planned), context), planned),
    // State written before an argument existed (a reference release that added it) reads
    // as its default, as the model's type says.
    read: async (state, context) => {
      const model = await declaration.read(toModel(withDefaults(attributes, state)), context);
      return model === null ? null : fromModel(model, state);
    },
    ...(update ? { update: async (prior, planned, context) => fromModel(await update(toModel(prior), checked(planned), context), planned) } : {}),
    delete: async (state, context) => declaration.delete(toModel(state), context),
    ...(importState ? { importState: async (id, context) => fromModel(await importState(id, context), null) } : {}),
  };
}

export interface DataSourceDeclaration<ProviderData, A extends Declarations> {
  name: string;
  description: string;
  attributes: A;
  read(config: ModelOf<A>, context: OperationContext<ProviderData>): Promise<ModelOf<A>>;
}

export function declareDataSource<ProviderData, A extends Declarations>(declaration: DataSourceDeclaration<ProviderData, A>): DataSourceType<ProviderData> {
  const { attributes } = declaration;
  return {
    name: declaration.name,
    schema: { version: 0, block: blockSchema(attributes, declaration.description) },
    validate: (config) => validateLiterals(attributes, config),
    read: async (config, context) => fromModel(await declaration.read(toModel(config), context), config),
  };
}
