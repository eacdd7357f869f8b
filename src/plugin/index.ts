// The front of src/plugin for the layers above it: the protocol's data (values, schemas,
// diagnostics, state) and the ProviderServer contract a provider implements. Serving it
// over gRPC to Terraform is serve.ts, the provider binary's own front.

export { DiagnosticsError, error, warning, type AttributePath, type Diagnostic, type PathStep } from "./diagnostics.js";
export { DecimalNumber, UNKNOWN, Unknown, isRecord, isUnknown, isWhollyKnown, valuesEqual, type TfObject, type TfValue } from "./values.js";
export { blockType, type Attribute, type Block, type CtyType, type NestedBlock, type NestingMode, type Schema } from "./schema.js";
export { decodeJsonState, WireFormatError, type JsonState } from "./codec.js";
export type {
  ApplyRequest,
  ApplyResponse,
  ImportedResource,
  PlanRequest,
  PlanResponse,
  ProviderSchemas,
  ProviderServer,
  ReadResponse,
} from "./provider-server.js";
/** The plugin protocol versions served (the release manifest lists them). */
export { SUPPORTED_PROTOCOLS } from "./handshake.js";
