// What the framework serves for each resource and data source: a schema and a lifecycle on
// decoded values. Authors write declarations and typed code instead (declare-resource.ts
// turns them into these); the framework (provider.ts) turns these into the protocol's RPCs,
// with the planning rules Terraform enforces applied once for all of them.
import type { AttributePath, Diagnostic, Schema, TfObject, TfValue } from "../plugin/index.js";
import type { Logger } from "../log/logger.js";
import type { StateUpgraders } from "./state-versions.js";

/** What every operation gets: the configured provider, a logger, and cancellation. */
export interface OperationContext<ProviderData> {
  provider: ProviderData;
  logger: Logger;
  /** Aborted when Terraform sends Stop (Ctrl-C): wait no longer, clean up, return. */
  signal: AbortSignal;
}

/**
 * Validation sees the configuration as written (values may still be unknown) and the
 * provider process's environment; it may run before the provider is configured.
 */
export type Validate = (config: TfObject, env: Readonly<NodeJS.ProcessEnv>) => Diagnostic[] | Promise<Diagnostic[]>;

export interface PlanInput<ProviderData> {
  prior: TfObject;
  /** Terraform's proposal, already passed through the framework's default rules. */
  planned: TfObject;
  config: TfObject;
  context: OperationContext<ProviderData>;
}

export interface ResourceType<ProviderData> {
  name: string;
  schema: Schema;
  validate?: Validate;
  /**
   * Provider-side defaults of optional+computed arguments (the reference's defaults),
   * planned whenever the configuration leaves the argument null.
   */
  defaults?: Record<string, TfValue>;
  /** Top-level arguments whose change replaces the resource. */
  replaceOnChange: string[];
  /**
   * State versions: `schema.version` is the one new state is written at; stateUpgraders[v]
   * turns state stored at version v into version v + 1, and one is needed for every v
   * below the current version. UpgradeResourceState runs them in sequence.
   */
  stateUpgraders?: StateUpgraders;
  /**
   * Adjust an in-place update plan (e.g. renewal). Runs only when the resource exists and
   * is not being replaced; returns the planned state (mark values apply decides as unknown).
   */
  planUpdate?: (input: PlanInput<ProviderData>) => Promise<{ planned: TfObject; diagnostics?: Diagnostic[] }>;
  /**
   * Checks of a plan that creates the resource (new, or replacing the prior one) that need
   * the configured provider, e.g. against the remote side. Any planned value may be unknown.
   */
  planCreate?: (input: { planned: TfObject; context: OperationContext<ProviderData> }) => Promise<Diagnostic[]>;
  create(planned: TfObject, context: OperationContext<ProviderData>): Promise<TfObject>;
  /** null: the remote object is gone. */
  read(state: TfObject, context: OperationContext<ProviderData>): Promise<TfObject | null>;
  update?(prior: TfObject, planned: TfObject, context: OperationContext<ProviderData>): Promise<TfObject>;
  delete(state: TfObject, context: OperationContext<ProviderData>): Promise<void>;
  /** Turn an import ID into a state to read; absent: the resource cannot be imported. */
  importState?(id: string, context: OperationContext<ProviderData>): Promise<TfObject>;
}

export interface DataSourceType<ProviderData> {
  name: string;
  schema: Schema;
  validate?: Validate;
  read(config: TfObject, context: OperationContext<ProviderData>): Promise<TfObject>;
}

export interface ProviderDefinition<ProviderData> {
  schema: Schema;
  /** The provider process's environment (read, never changed). */
  env: Readonly<NodeJS.ProcessEnv>;
  validate?: Validate;
  /** Turns the provider block (and environment) into what operations get. */
  configure(config: TfObject): Promise<ProviderData>;
  resources: ResourceType<ProviderData>[];
  dataSources: DataSourceType<ProviderData>[];
}

export type { AttributePath };
