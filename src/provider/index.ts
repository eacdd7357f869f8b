// The front of src/provider: the framework that turns resource definitions into a
// Terraform provider (FrameworkProvider), and the contract resources implement.

export { FrameworkProvider } from "./provider.js";
export type { DataSourceType, OperationContext, PlanInput, ProviderDefinition, ResourceType, Validate } from "./resource-type.js";
export { missingUpgraders, upgradeState, type JsonState, type StateUpgrader, type StateUpgraders } from "./state-versions.js";
export { applyDefaults, changedArguments, markComputedUnknown } from "./planning.js";
export { declareDataSource, declareResource, type DataSourceDeclaration, type ResourceDeclaration } from "./declare-resource.js";
export { blockSchema, validateLiterals } from "./derive.js";
export type { ConfigurationOf, ModelOf, PlannedOf, ProposedOf } from "./declarations.js";
