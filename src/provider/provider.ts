// The framework: turns a ProviderDefinition (schemas + lifecycles) into the protocol's
// ProviderServer, applying Terraform's planning rules, cancellation and error reporting
// once for every resource.
import {
  DiagnosticsError,
  error,
  isWhollyKnown,
  warning,
  type ApplyRequest,
  type ApplyResponse,
  type Diagnostic,
  type PlanRequest,
  type PlanResponse,
  type ProviderSchemas,
  type ProviderServer,
  type ReadResponse,
  type TfObject,
} from "../plugin/index.js";
import type { Logger } from "../log/logger.js";
import { applyDefaults, changedArguments, markComputedUnknown } from "./planning.js";
import { missingUpgraders, upgradeState, type JsonState } from "./state-versions.js";
import type { DataSourceType, OperationContext, ProviderDefinition, ResourceType } from "./resource-type.js";

const EMPTY = Buffer.alloc(0);

export class FrameworkProvider<ProviderData> implements ProviderServer {
  private readonly resources: Map<string, ResourceType<ProviderData>>;
  private readonly dataSources: Map<string, DataSourceType<ProviderData>>;
  private readonly cancellation = new AbortController();
  private configured?: ProviderData;

  constructor(
    private readonly definition: ProviderDefinition<ProviderData>,
    private readonly logger: Logger,
  ) {
    this.resources = new Map(definition.resources.map((r) => [r.name, r]));
    for (const resource of definition.resources) {
      const missing = missingUpgraders(resource.schema.version, resource.stateUpgraders ?? {});
      if (missing.length) throw new Error(`${resource.name} is at schema version ${resource.schema.version} but has no state upgrader from version ${missing.join(", ")}`);
    }
    this.dataSources = new Map(definition.dataSources.map((d) => [d.name, d]));
  }

  schemas(): ProviderSchemas {
    return {
      provider: this.definition.schema,
      resources: Object.fromEntries([...this.resources].map(([name, r]) => [name, r.schema])),
      dataSources: Object.fromEntries([...this.dataSources].map(([name, d]) => [name, d.schema])),
    };
  }

  async validateProviderConfig(config: TfObject): Promise<Diagnostic[]> {
    return (await this.definition.validate?.(config, this.definition.env)) ?? [];
  }

  async validateResourceConfig(typeName: string, config: TfObject): Promise<Diagnostic[]> {
    return (await this.resource(typeName).validate?.(config, this.definition.env)) ?? [];
  }

  async validateDataSourceConfig(typeName: string, config: TfObject): Promise<Diagnostic[]> {
    return (await this.dataSource(typeName).validate?.(config, this.definition.env)) ?? [];
  }

  async configure(config: TfObject): Promise<Diagnostic[]> {
    return this.failuresAsDiagnostics("configure the provider", async () => {
      this.configured = await this.definition.configure(config);
    });
  }

  async upgradeResourceState(typeName: string, version: number, rawState: JsonState) {
    const resource = this.resource(typeName);
    const { schema, stateUpgraders = {} } = resource;
    return upgradeState({ name: typeName, block: schema.block, version: schema.version, upgraders: stateUpgraders }, version, rawState);
  }

  async readResource(typeName: string, currentState: TfObject, privateData: Buffer): Promise<ReadResponse> {
    const resource = this.resource(typeName);
    let newState: TfObject | null = currentState;
    const diagnostics = await this.diagnosing(`read ${typeName}`, { resource: typeName, operation: "read" }, async (context) => {
      newState = await resource.read(currentState, context);
    });
    return { newState, private: privateData, diagnostics };
  }

  async planResourceChange(request: PlanRequest): Promise<PlanResponse> {
    const resource = this.resource(request.typeName);
    const block = resource.schema.block;
    const none = { requiresReplace: [], plannedPrivate: request.priorPrivate, diagnostics: [] };
    if (request.proposedNewState === null || request.config === null) return { ...none, plannedState: null };

    const config = request.config;
    const defaults = defaultsOf(resource);
    const planned = applyDefaults(block, request.proposedNewState, config, defaults);
    // Defaulted arguments are known at plan time; every other computed value is apply's to decide.
    const unknownOnCreate = () => markComputedUnknown(block, planned, config, new Set(Object.keys(defaults)));
    const creating = async () => ({ ...none, plannedState: unknownOnCreate(), diagnostics: await this.planCreateChecks(resource, request.typeName, planned) });
    if (request.priorState === null) return creating();
    const replacing = changedArguments(resource.replaceOnChange, request.priorState, planned);
    if (replacing.length > 0) return { ...(await creating()), requiresReplace: replacing.map((name) => [name]) };
    if (!resource.planUpdate) return { ...none, plannedState: planned };
    let plannedState: TfObject | null = planned;
    const planDiagnostics: Diagnostic[] = [];
    const diagnostics = await this.diagnosing(`plan ${request.typeName}`, { resource: request.typeName, operation: "plan" }, async (context) => {
      const result = await resource.planUpdate!({ prior: request.priorState!, planned, config, context });
      plannedState = result.planned;
      planDiagnostics.push(...(result.diagnostics ?? []));
    });
    return { ...none, plannedState, diagnostics: [...planDiagnostics, ...diagnostics] };
  }

  /**
   * The resource's own checks of a plan that creates it (new or replacing). Before configure
   * there is nothing to check against: apply checks then.
   */
  private async planCreateChecks(resource: ResourceType<ProviderData>, typeName: string, planned: TfObject): Promise<Diagnostic[]> {
    if (!resource.planCreate || this.configured === undefined) return [];
    const checks: Diagnostic[] = [];
    const failures = await this.diagnosing(`plan ${typeName}`, { resource: typeName, operation: "plan" }, async (context) => {
      checks.push(...(await resource.planCreate!({ planned, context })));
    });
    return [...checks, ...failures];
  }

  async applyResourceChange(request: ApplyRequest): Promise<ApplyResponse> {
    const resource = this.resource(request.typeName);
    const { priorState, plannedState } = request;
    let newState: TfObject | null = priorState;
    const diagnostics = await this.diagnosing(`apply ${request.typeName}`, { resource: request.typeName, operation: "apply" }, async (context) => {
      if (plannedState === null) {
        await resource.delete(priorState!, context);
        newState = null;
      } else if (priorState === null) {
        newState = await resource.create(plannedState, context);
      } else if (resource.update) {
        newState = await resource.update(priorState, plannedState, context);
      } else {
        newState = plannedState;
      }
      if (newState !== null && !isWhollyKnown(newState)) {
        throw new Error(`the provider left values unknown after applying ${request.typeName}`);
      }
    });
    return { newState, private: request.plannedPrivate.length ? request.plannedPrivate : EMPTY, diagnostics };
  }

  async importResourceState(typeName: string, id: string) {
    const resource = this.resource(typeName);
    if (!resource.importState) {
      return { imported: [], diagnostics: [error("Import not supported", `${typeName} cannot be imported.`)] };
    }
    const imported: { typeName: string; state: TfObject; private: Buffer }[] = [];
    const diagnostics = await this.diagnosing(`import ${typeName}`, { resource: typeName, operation: "import" }, async (context) => {
      const state = await resource.importState!(id, context);
      imported.push({ typeName, state, private: EMPTY });
    });
    return { imported, diagnostics };
  }

  async readDataSource(typeName: string, config: TfObject) {
    const dataSource = this.dataSource(typeName);
    let state: TfObject | null = null;
    const diagnostics = await this.diagnosing(`read data source ${typeName}`, { data_source: typeName }, async (context) => {
      state = await dataSource.read(config, context);
    });
    return { state: state ?? config, diagnostics };
  }

  async stop(): Promise<void> {
    this.logger.info("stop requested: cancelling in-flight operations");
    this.cancellation.abort(new Error("Terraform asked the provider to stop (interrupted)"));
  }

  /**
   * Run an operation with its context. What the operation logs as a warning is shown to
   * the user too: Terraform prints provider logs only under TF_LOG.
   */
  private async diagnosing(what: string, fields: Record<string, string>, operation: (context: OperationContext<ProviderData>) => Promise<void>): Promise<Diagnostic[]> {
    const warnings: Diagnostic[] = [];
    const failures = await this.failuresAsDiagnostics(what, async () => {
      if (this.configured === undefined) {
        throw new DiagnosticsError([error("Provider not configured", "Terraform called the provider before configuring it.")]);
      }
      await operation({ provider: this.configured, logger: warningsAlsoTo(this.logger.child(fields), warnings), signal: this.cancellation.signal });
    });
    return [...warnings, ...failures];
  }

  /** User-facing failures become error diagnostics, never stack traces. */
  private async failuresAsDiagnostics(what: string, operation: () => Promise<void>): Promise<Diagnostic[]> {
    try {
      await operation();
      return [];
    } catch (cause) {
      if (cause instanceof DiagnosticsError) return cause.diagnostics;
      const message = cause instanceof Error ? cause.message : String(cause);
      this.logger.debug(`failed to ${what}`, { error: message, stack: cause instanceof Error ? cause.stack : undefined });
      return [error(`Failed to ${what}`, message)];
    }
  }

  private resource(typeName: string): ResourceType<ProviderData> {
    const resource = this.resources.get(typeName);
    if (!resource) throw new DiagnosticsError([error("Unknown resource type", `This provider has no resource named "${typeName}".`)]);
    return resource;
  }

  private dataSource(typeName: string): DataSourceType<ProviderData> {
    const dataSource = this.dataSources.get(typeName);
    if (!dataSource) throw new DiagnosticsError([error("Unknown data source", `This provider has no data source named "${typeName}".`)]);
    return dataSource;
  }
}

/** A logger whose warnings (and those of its children) are also collected as diagnostics. */
function warningsAlsoTo(logger: Logger, sink: Diagnostic[]): Logger {
  return {
    ...logger,
    warn(message, fields) {
      logger.warn(message, fields);
      const detail = Object.entries(fields ?? {})
        .filter(([, value]) => ["string", "number", "boolean"].includes(typeof value))
        .map(([key, value]) => `${key}: ${String(value)}`)
        .join("\n");
      sink.push(warning(message, detail || undefined));
    },
    child: (fields) => warningsAlsoTo(logger.child(fields), sink),
  };
}

function defaultsOf<P>(resource: ResourceType<P>) {
  return resource.defaults ?? {};
}

