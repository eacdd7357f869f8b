// Protocol 5 and 6 as thin adapters onto one ProviderServer: names of a few RPCs differ,
// the messages used here do not. Values are decoded with the schema of their type.
import { decodeBlock, decodeBlockKeeping, encodeBlock, encodeBlockFrom, parseJsonState, type JsonState } from "./codec.js";
import { DiagnosticsError, error, type AttributePath, type Diagnostic } from "./diagnostics.js";
import type { Message } from "./grpc-definitions.js";
import type { ServiceImplementation, UnaryMethod } from "./grpc-server.js";
import type { ProtocolVersion } from "./handshake.js";
import type { ProviderServer } from "./provider-server.js";
import type { Block, NestedBlock, Schema } from "./schema.js";
import type { Logger } from "../log/logger.js";

const RPC_NAMES = {
  5: {
    schema: "GetSchema",
    validateProvider: "PrepareProviderConfig",
    validateResource: "ValidateResourceTypeConfig",
    validateDataSource: "ValidateDataSourceConfig",
    configure: "Configure",
    stop: "Stop",
  },
  6: {
    schema: "GetProviderSchema",
    validateProvider: "ValidateProviderConfig",
    validateResource: "ValidateResourceConfig",
    validateDataSource: "ValidateDataResourceConfig",
    configure: "ConfigureProvider",
    stop: "StopProvider",
  },
} as const;

const NESTING = { single: 1, list: 2, set: 3, map: 4 } as const;
const SEVERITY = { error: 1, warning: 2 } as const;
const MARKDOWN = 1;

type Handler = (request: Message) => Promise<Message>;

/** The Provider service implementation for one protocol version. */
export function providerService(version: ProtocolVersion, provider: () => Promise<ProviderServer>, logger: Logger, onCall?: (rpc: string) => void): ServiceImplementation {
  const names = RPC_NAMES[version];
  const schemas = async () => (await provider()).schemas();
  const resourceBlock = async (typeName: string) => schemaOf((await schemas()).resources, typeName, "resource").block;
  const dataSourceBlock = async (typeName: string) => schemaOf((await schemas()).dataSources, typeName, "data source").block;
  const diagnosticsOnly = (diagnostics: Diagnostic[]) => ({ diagnostics: diagnostics.map(diagnosticToProto) });

  const handlers: Record<string, Handler> = {
    [names.schema]: async () => {
      const all = await schemas();
      return {
        provider: schemaToProto(all.provider),
        resource_schemas: mapValues(all.resources, schemaToProto),
        data_source_schemas: mapValues(all.dataSources, schemaToProto),
        diagnostics: [],
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: true },
      };
    },
    [names.validateProvider]: async (req) => {
      const block = (await schemas()).provider.block;
      const diagnostics = await (await provider()).validateProviderConfig(decodeBlock(block, req.config.msgpack) ?? {});
      // Protocol 5 expects the config back as prepared_config; 6 has no such field.
      return { ...diagnosticsOnly(diagnostics), prepared_config: req.config };
    },
    [names.validateResource]: async (req) => {
      const config = decodeBlock(await resourceBlock(req.type_name), req.config.msgpack) ?? {};
      return diagnosticsOnly(await (await provider()).validateResourceConfig(req.type_name, config));
    },
    [names.validateDataSource]: async (req) => {
      const config = decodeBlock(await dataSourceBlock(req.type_name), req.config.msgpack) ?? {};
      return diagnosticsOnly(await (await provider()).validateDataSourceConfig(req.type_name, config));
    },
    [names.configure]: async (req) => {
      const config = decodeBlock((await schemas()).provider.block, req.config.msgpack) ?? {};
      return diagnosticsOnly(await (await provider()).configure(config, req.terraform_version));
    },
    UpgradeResourceState: async (req) => {
      const block = await resourceBlock(req.type_name);
      if (!req.raw_state?.json?.length) {
        throw new DiagnosticsError([error("Unsupported state format", "This provider reads only JSON state (Terraform 0.12 or later wrote it).")]);
      }
      let raw: JsonState;
      try {
        raw = parseJsonState(req.raw_state.json);
      } catch (cause) {
        throw new DiagnosticsError([error("Unreadable state", `The stored state of this ${req.type_name} is not a JSON object (${(cause as Error).message}). Restore the state from a backup.`)]);
      }
      const { state, diagnostics } = await (await provider()).upgradeResourceState(req.type_name, req.version, raw);
      return { upgraded_state: { msgpack: encodeBlock(block, state) }, ...diagnosticsOnly(diagnostics) };
    },
    ReadResource: async (req) => {
      const block = await resourceBlock(req.type_name);
      const current = decodeBlockKeeping(block, req.current_state.msgpack);
      const privateData = Buffer.from(req.private ?? []);
      if (current.value === null) return { new_state: { msgpack: encodeBlock(block, null) }, private: privateData, diagnostics: [] };
      const result = await (await provider()).readResource(req.type_name, current.value, privateData);
      return { new_state: { msgpack: encodeBlockFrom(block, result.newState, current) }, private: result.private, ...diagnosticsOnly(result.diagnostics) };
    },
    PlanResourceChange: async (req) => {
      const block = await resourceBlock(req.type_name);
      const priorBytes: Uint8Array = req.prior_state?.msgpack ?? new Uint8Array();
      const proposedBytes: Uint8Array = req.proposed_new_state?.msgpack ?? new Uint8Array();
      const prior = decodeBlock(block, priorBytes);
      // Nothing changed in the configuration: Terraform proposes the prior state, byte for byte.
      const proposed = Buffer.compare(proposedBytes, priorBytes) === 0 ? { value: prior, bytes: proposedBytes } : decodeBlockKeeping(block, proposedBytes);
      const result = await (await provider()).planResourceChange({
        typeName: req.type_name,
        priorState: prior,
        proposedNewState: proposed.value,
        config: decodeBlock(block, req.config?.msgpack ?? new Uint8Array()),
        priorPrivate: Buffer.from(req.prior_private ?? []),
      });
      return {
        planned_state: { msgpack: encodeBlockFrom(block, result.plannedState, proposed) },
        requires_replace: result.requiresReplace.map(pathToProto),
        planned_private: result.plannedPrivate,
        ...diagnosticsOnly(result.diagnostics),
      };
    },
    ApplyResourceChange: async (req) => {
      const block = await resourceBlock(req.type_name);
      const result = await (await provider()).applyResourceChange({
        typeName: req.type_name,
        priorState: decodeBlock(block, req.prior_state?.msgpack ?? new Uint8Array()),
        plannedState: decodeBlock(block, req.planned_state?.msgpack ?? new Uint8Array()),
        config: decodeBlock(block, req.config?.msgpack ?? new Uint8Array()),
        plannedPrivate: Buffer.from(req.planned_private ?? []),
      });
      return { new_state: { msgpack: encodeBlock(block, result.newState) }, private: result.private, ...diagnosticsOnly(result.diagnostics) };
    },
    ImportResourceState: async (req) => {
      const { imported, diagnostics } = await (await provider()).importResourceState(req.type_name, req.id);
      const resources = await Promise.all(
        imported.map(async (item) => ({
          type_name: item.typeName,
          state: { msgpack: encodeBlock(await resourceBlock(item.typeName), item.state) },
          private: item.private,
        })),
      );
      return { imported_resources: resources, ...diagnosticsOnly(diagnostics) };
    },
    ReadDataSource: async (req) => {
      const block = await dataSourceBlock(req.type_name);
      const config = decodeBlock(block, req.config.msgpack) ?? {};
      const { state, diagnostics } = await (await provider()).readDataSource(req.type_name, config);
      return { state: { msgpack: encodeBlock(block, state) }, ...diagnosticsOnly(diagnostics) };
    },
    [names.stop]: async () => {
      await (await provider()).stop();
      return { Error: "" };
    },
  };

  return Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, unary(name, handler, logger, onCall)]));
}

/**
 * Runs a handler; every failure becomes a diagnostic: Terraform shows those (a message,
 * never a stack trace), and a failed call only as "rpc error".
 */
function unary(name: string, handler: Handler, logger: Logger, onCall?: (rpc: string) => void): UnaryMethod {
  return (request) => {
    const started = performance.now();
    onCall?.(name);
    return handler(request)
      .catch((cause: unknown) => {
        if (cause instanceof DiagnosticsError) return diagnosticsResponse(cause.diagnostics);
        const message = cause instanceof Error ? cause.message : String(cause);
        logger.error("unexpected failure in RPC", { rpc: name, error: message, stack: cause instanceof Error ? cause.stack : undefined });
        return diagnosticsResponse([error("Internal error in the acme provider", `${name}: ${message}`)]);
      })
      .then((response) => {
        logger.trace("served RPC", { rpc: name, duration_ms: Math.round(performance.now() - started) });
        return response;
      });
  };
}

function diagnosticsResponse(diagnostics: Diagnostic[]): Message {
  return { diagnostics: diagnostics.map(diagnosticToProto) };
}

function schemaOf(schemas: Record<string, Schema>, typeName: string, kind: string): Schema {
  const schema = schemas[typeName];
  if (!schema) throw new DiagnosticsError([error(`Unknown ${kind} type`, `This provider has no ${kind} named "${typeName}".`)]);
  return schema;
}

function schemaToProto(schema: Schema): Message {
  return { version: schema.version, block: blockToProto(schema.block) };
}

/**
 * Names in code-unit order: they are ASCII, and localeCompare would set up ICU's collator
 * at the first schema of every start (~8 ms).
 */
const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

function blockToProto(block: Block): Message {
  return {
    attributes: Object.entries(block.attributes)
      .sort(byName)
      .map(([name, attribute]) => ({
        name,
        type: Buffer.from(JSON.stringify(attribute.type)),
        description: attribute.description ?? "",
        description_kind: MARKDOWN,
        required: Boolean(attribute.required),
        optional: Boolean(attribute.optional),
        computed: Boolean(attribute.computed),
        sensitive: Boolean(attribute.sensitive),
        deprecated: Boolean(attribute.deprecated),
      })),
    block_types: Object.entries(block.blocks ?? {})
      .sort(byName)
      .map(([name, nested]) => nestedBlockToProto(name, nested)),
    description: block.description ?? "",
    description_kind: MARKDOWN,
    deprecated: Boolean(block.deprecated),
  };
}

function nestedBlockToProto(name: string, nested: NestedBlock): Message {
  return {
    type_name: name,
    block: blockToProto(nested.block),
    nesting: NESTING[nested.nesting],
    min_items: nested.minItems ?? 0,
    max_items: nested.maxItems ?? (nested.nesting === "single" ? 1 : 0),
  };
}

function diagnosticToProto(diagnostic: Diagnostic): Message {
  return {
    severity: SEVERITY[diagnostic.severity],
    summary: diagnostic.summary,
    detail: diagnostic.detail ?? "",
    ...(diagnostic.path ? { attribute: pathToProto(diagnostic.path) } : {}),
  };
}

function pathToProto(path: AttributePath): Message {
  return {
    steps: path.map((step) =>
      typeof step === "string" ? { attribute_name: step } : typeof step === "number" ? { element_key_int: step } : { element_key_string: step.key },
    ),
  };
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
