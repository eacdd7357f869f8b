// The framework: turns a ProviderDefinition (schemas + lifecycles) into the protocol's
// ProviderServer, applying Terraform's planning rules, cancellation and error reporting
// once for every resource.
import { DiagnosticsError, error, type Diagnostic } from "../plugin/diagnostics.js";
import type { ApplyRequest, ApplyResponse, PlanRequest, PlanResponse, ProviderServer, ProviderSchemas, ReadResponse } from "../plugin/provider-server.js";
import { isWhollyKnown, type TfObject } from "../plugin/values.js";
import type { Logger } from "../log/logger.js";
import { applyDefaults, changedArguments, markComputedUnknown } from "./planning.js";
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
    return this.diagnosing("configure the provider", async () => {
      this.configured = await this.definition.configure(config);
    });
  }

  async upgradeResourceState(typeName: string, version: number, rawState: TfObject) {
    const current = this.resource(typeName).schema.version;
    if (version > current) {
      const diagnostics = [
        error(
          "State written by a newer provider",
          `This ${typeName} was stored by a provider with schema version ${version}; this one understands up to ${current}. Upgrade the acme provider.`,
        ),
      ];
      return { state: rawState, diagnostics };
    }
    return { state: rawState, diagnostics: [] };
  }

  async readResource(typeName: string, currentState: TfObject, privateData: Buffer): Promise<ReadResponse> {
    const resource = this.resource(typeName);
    let newState: TfObject | null = currentState;
    const diagnostics = await this.diagnosing(`read ${typeName}`, async () => {
      newState = await resource.read(currentState, this.context({ resource: typeName, operation: "read" }));
    });
    return { newState, private: privateData, diagnostics };
  }

  async planResourceChange(request: PlanRequest): Promise<PlanResponse> {
    const resource = this.resource(request.typeName);
    const block = resource.schema.block;
    const none = { requiresReplace: [], plannedPrivate: request.priorPrivate, diagnostics: [] };
    if (request.proposedNewState === null || request.config === null) return { ...none, plannedState: null };

    const config = request.config;
    const planned = applyDefaults(block, request.proposedNewState, config, defaultsOf(resource));
    if (request.priorState === null) {
      return { ...none, plannedState: markComputedUnknown(block, planned, config, new Set(Object.keys(defaultsOf(resource)))) };
    }
    const replacing = changedArguments(resource.replaceOnChange, request.priorState, planned);
    if (replacing.length > 0) {
      return {
        ...none,
        plannedState: markComputedUnknown(block, planned, config, new Set(Object.keys(defaultsOf(resource)))),
        requiresReplace: replacing.map((name) => [name]),
      };
    }
    if (!resource.planUpdate) return { ...none, plannedState: planned };
    const context = this.context({ resource: request.typeName, operation: "plan" });
    let plannedState: TfObject | null = planned;
    const diagnostics: Diagnostic[] = [];
    diagnostics.push(
      ...(await this.diagnosing(`plan ${request.typeName}`, async () => {
        const result = await resource.planUpdate!({ prior: request.priorState!, planned, config, context });
        plannedState = result.planned;
        diagnostics.push(...(result.diagnostics ?? []));
      })),
    );
    return { ...none, plannedState, diagnostics };
  }

  async applyResourceChange(request: ApplyRequest): Promise<ApplyResponse> {
    const resource = this.resource(request.typeName);
    const context = this.context({ resource: request.typeName, operation: "apply" });
    const { priorState, plannedState } = request;
    let newState: TfObject | null = priorState;
    const diagnostics = await this.diagnosing(`apply ${request.typeName}`, async () => {
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
    const diagnostics = await this.diagnosing(`import ${typeName}`, async () => {
      const state = await resource.importState!(id, this.context({ resource: typeName, operation: "import" }));
      imported.push({ typeName, state, private: EMPTY });
    });
    return { imported, diagnostics };
  }

  async readDataSource(typeName: string, config: TfObject) {
    const dataSource = this.dataSource(typeName);
    let state: TfObject | null = null;
    const diagnostics = await this.diagnosing(`read data source ${typeName}`, async () => {
      state = await dataSource.read(config, this.context({ data_source: typeName }));
    });
    return { state: state ?? config, diagnostics };
  }

  async stop(): Promise<void> {
    this.logger.info("stop requested: cancelling in-flight operations");
    this.cancellation.abort(new Error("Terraform asked the provider to stop (interrupted)"));
  }

  private context(fields: Record<string, string>): OperationContext<ProviderData> {
    if (this.configured === undefined) {
      throw new DiagnosticsError([error("Provider not configured", "Terraform called the provider before configuring it.")]);
    }
    return { provider: this.configured, logger: this.logger.child(fields), signal: this.cancellation.signal };
  }

  /** Run an operation; user-facing failures become error diagnostics, never stack traces. */
  private async diagnosing(what: string, operation: () => Promise<void>): Promise<Diagnostic[]> {
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

function defaultsOf<P>(resource: ResourceType<P>) {
  return resource.defaults ?? {};
}

