// What a provider implements for the protocol layer: the Terraform provider RPCs with
// decoded values and neutral types. Protocol 5 and 6 are thin adapters onto this.
import type { Diagnostic, AttributePath } from "./diagnostics.js";
import type { Schema } from "./schema.js";
import type { JsonState } from "./codec.js";
import type { TfObject } from "./values.js";

export interface ProviderSchemas {
  provider: Schema;
  resources: Record<string, Schema>;
  dataSources: Record<string, Schema>;
}

export interface PlanRequest {
  typeName: string;
  /** null when the resource is being created. */
  priorState: TfObject | null;
  /** null when the resource is being destroyed. */
  proposedNewState: TfObject | null;
  config: TfObject | null;
  priorPrivate: Buffer;
}

export interface PlanResponse {
  plannedState: TfObject | null;
  requiresReplace: AttributePath[];
  plannedPrivate: Buffer;
  diagnostics: Diagnostic[];
}

export interface ApplyRequest {
  typeName: string;
  priorState: TfObject | null;
  /** null when the resource is being destroyed. */
  plannedState: TfObject | null;
  config: TfObject | null;
  plannedPrivate: Buffer;
}

export interface ApplyResponse {
  newState: TfObject | null;
  private: Buffer;
  diagnostics: Diagnostic[];
}

export interface ReadResponse {
  /** null: the remote object is gone; Terraform drops it from state. */
  newState: TfObject | null;
  private: Buffer;
  diagnostics: Diagnostic[];
}

export interface ImportedResource {
  typeName: string;
  state: TfObject;
  private: Buffer;
}

export interface ProviderServer {
  schemas(): ProviderSchemas;
  validateProviderConfig(config: TfObject): Promise<Diagnostic[]>;
  validateResourceConfig(typeName: string, config: TfObject): Promise<Diagnostic[]>;
  validateDataSourceConfig(typeName: string, config: TfObject): Promise<Diagnostic[]>;
  configure(config: TfObject, terraformVersion: string): Promise<Diagnostic[]>;
  /**
   * Turn stored state (JSON as written by schema `version`) into a value of the
   * current schema. Called for every resource on every run.
   */
  upgradeResourceState(typeName: string, version: number, rawState: JsonState): Promise<{ state: TfObject | null; diagnostics: Diagnostic[] }>;
  readResource(typeName: string, currentState: TfObject, privateData: Buffer): Promise<ReadResponse>;
  planResourceChange(request: PlanRequest): Promise<PlanResponse>;
  applyResourceChange(request: ApplyRequest): Promise<ApplyResponse>;
  importResourceState(typeName: string, id: string): Promise<{ imported: ImportedResource[]; diagnostics: Diagnostic[] }>;
  readDataSource(typeName: string, config: TfObject): Promise<{ state: TfObject | null; diagnostics: Diagnostic[] }>;
  /** Cancel in-flight work (Terraform's Stop): running operations must abort and clean up. */
  stop(): Promise<void>;
}
