// The DynamicValue codec: Terraform values <-> msgpack bytes (and JSON raw state in).
// Decoding is type-directed because the wire does not say whether a msgpack string is a
// string or a number Terraform sent as decimal text.
import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";
import { blockType, type Block, type CtyType } from "./schema.js";
import { DecimalNumber, UNKNOWN, Unknown, isRecord, isWhollyKnown, type TfObject, type TfValue } from "./values.js";

// Extension 0 is cty's unknown; 12 is an unknown with refinements (which we may ignore).
const UNKNOWN_EXTENSION = 0;
const REFINED_UNKNOWN_EXTENSION = 12;

const extensions = new ExtensionCodec();
extensions.register({
  type: UNKNOWN_EXTENSION,
  // A one-byte payload (d4 00 00): Terraform 1.6+ rejects longer ones.
  encode: (value) => (value instanceof Unknown ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
extensions.register({
  type: REFINED_UNKNOWN_EXTENSION,
  encode: () => null,
  decode: () => UNKNOWN,
});

export class WireFormatError extends Error {}

/** How Terraform writes a number as text. */
const DECIMAL = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** Decode msgpack bytes into a value of `type`. Empty bytes are null. */
export function decodeMsgpack(type: CtyType, bytes: Uint8Array): TfValue {
  if (bytes.length === 0) return null;
  const raw = decode(bytes, { extensionCodec: extensions, useBigInt64: true });
  return fromWire(type, raw, []);
}

/** Decode a block value, every attribute and nested block present. */
export function decodeBlock(block: Block, bytes: Uint8Array): TfObject | null {
  const value = decodeMsgpack(blockType(block), bytes);
  return value === null ? null : conformToBlock(block, value as TfObject);
}

/** Stored state as plain JSON: what state upgraders read and write. */
export type JsonState = { [name: string]: unknown };

/**
 * Parse stored JSON state (UpgradeResourceState's raw_state). Numbers a float64 cannot
 * hold exactly stay decimal text (strings), so that no digit is lost.
 */
export function parseJsonState(json: Uint8Array): JsonState {
  const raw: unknown = JSON.parse(quoteInexactNumbers(Buffer.from(json).toString("utf8")));
  if (mapEntries(raw) === null) throw new WireFormatError("stored state is not a JSON object");
  return raw as JsonState;
}

/** Read JSON state as a value of the current schema: missing attributes null, removed ones dropped. */
export function decodeJsonState(block: Block, state: JsonState): TfObject {
  return conformToBlock(block, fromWire(blockType(block), state, []) as TfObject);
}

// A JSON string (escapes included) or a JSON number: strings are matched first, so digits
// inside them are never taken for numbers.
const JSON_STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse rounds numbers a float64 cannot hold (integers above 2^53, long decimals);
 * quote those so they decode as decimal text, exactly as stored.
 */
function quoteInexactNumbers(text: string): string {
  return text.replace(JSON_STRING_OR_NUMBER, (token) => (token.startsWith('"') || String(Number(token)) === token ? token : `"${token}"`));
}

/** Encode a block value as Terraform expects it: every key present, nested lists never nil. */
export function encodeBlock(block: Block, value: TfObject | null): Uint8Array {
  if (value === null) return encodeRaw(null);
  return encodeRaw(toWire(conformToBlock(block, value)));
}

/**
 * A value decoded from Terraform's bytes, kept with them: a refresh or plan that changes
 * nothing (the common case with many resources in the state) sends those bytes back
 * instead of encoding the same value again.
 */
export interface Decoded {
  value: TfObject | null;
  bytes: Uint8Array;
}

export function decodeBlockKeeping(block: Block, bytes: Uint8Array): Decoded {
  return { value: decodeBlock(block, bytes), bytes };
}

/**
 * encodeBlock, or `source.bytes` when `value` holds, attribute by attribute and block by
 * block, the very values decoded from them (a spread of the decoded state that changed
 * nothing) and nothing unknown: the same value, as Terraform itself encoded it.
 */
export function encodeBlockFrom(block: Block, value: TfObject | null, source: Decoded): Uint8Array {
  return source.value !== null && value !== null && sameMembers(block, value, source.value) && isWhollyKnown(value) ? source.bytes : encodeBlock(block, value);
}

function sameMembers(block: Block, a: TfObject, b: TfObject): boolean {
  for (const name of Object.keys(block.attributes)) if ((a[name] ?? null) !== (b[name] ?? null)) return false;
  for (const name of Object.keys(block.blocks ?? {})) if ((a[name] ?? null) !== (b[name] ?? null)) return false;
  return true;
}

function encodeRaw(value: unknown): Uint8Array {
  return encode(value, { extensionCodec: extensions, ignoreUndefined: false });
}

/**
 * Give a block value every attribute and nested block of the schema: missing attributes
 * become null, missing LIST/SET blocks an empty list, missing MAP blocks an empty map.
 */
export function conformToBlock(block: Block, value: TfObject): TfObject {
  const out: TfObject = {};
  for (const name of Object.keys(block.attributes)) out[name] = value[name] ?? null;
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const current = value[name] ?? null;
    if (current instanceof Unknown) {
      out[name] = current;
    } else if (nested.nesting === "single") {
      out[name] = current === null ? null : conformToBlock(nested.block, current as TfObject);
    } else if (nested.nesting === "map") {
      const entries = Object.entries((current ?? {}) as TfObject);
      out[name] = Object.fromEntries(entries.map(([k, v]) => [k, isRecord(v) ? conformToBlock(nested.block, v) : v]));
    } else {
      out[name] = ((current ?? []) as TfValue[]).map((item) => (isRecord(item) ? conformToBlock(nested.block, item) : item));
    }
  }
  return out;
}

function fromWire(type: CtyType, raw: unknown, path: string[]): TfValue {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Unknown) return raw;
  const where = () => (path.length ? ` at ${path.join(".")}` : "");
  if (type === "string") {
    if (typeof raw !== "string") throw new WireFormatError(`expected a string${where()}`);
    return raw;
  }
  if (type === "bool") {
    if (typeof raw !== "boolean") throw new WireFormatError(`expected a bool${where()}`);
    return raw;
  }
  if (type === "number") {
    if (typeof raw === "number") return raw;
    if (typeof raw === "bigint") return new DecimalNumber(raw.toString());
    if (typeof raw === "string" && DECIMAL.test(raw)) return new DecimalNumber(raw);
    throw new WireFormatError(`expected a number${where()}`);
  }
  if (type === "dynamic") throw new WireFormatError(`dynamic values are not supported${where()}`);
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(raw)) throw new WireFormatError(`expected a ${kind}${where()}`);
    return raw.map((item, i) => fromWire(inner, item, [...path, String(i)]));
  }
  const entries = mapEntries(raw);
  if (!entries) throw new WireFormatError(`expected a ${kind}${where()}`);
  if (kind === "map") {
    return Object.fromEntries(entries.map(([key, item]) => [key, fromWire(inner, item, [...path, key])]));
  }
  const given = new Map(entries);
  const fields = inner as Record<string, CtyType>;
  return Object.fromEntries(Object.entries(fields).map(([name, fieldType]) => [name, fromWire(fieldType, given.get(name), [...path, name])]));
}

function mapEntries(raw: unknown): [string, unknown][] | null {
  if (raw instanceof Map) return [...raw.entries()].map(([k, v]) => [String(k), v]);
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) return Object.entries(raw);
  return null;
}

function toWire(value: TfValue): unknown {
  if (typeof value === "string") return value.normalize("NFC");
  if (value instanceof DecimalNumber) return value.text;
  if (Array.isArray(value)) return value.map(toWire);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  return value;
}
