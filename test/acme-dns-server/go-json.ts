// How acme-dns's Go code reads request bodies into its ACMETxt struct, reproduced so that
// odd bodies get the same answer as from the real server:
// - /register uses json.Unmarshal on the whole body: any syntax error, a top-level value
//   that is not an object (null excepted) or a field of the wrong type is an error
//   (-> malformed_json_payload).
// - /update uses json.Decoder.Decode and ignores its error: only the first JSON value
//   is read (trailing bytes are ignored), a syntax error leaves every field empty, and a
//   field of the wrong type stays empty while the others are still filled.
// encoding/json matches object keys to struct fields case-insensitively, the last
// duplicate wins, and unknown keys are ignored.

import { parseUuid } from "./validation.js";

/** The ACMETxt fields a request body can set. */
export interface AcmeTxtBody {
  username?: string;
  password?: string;
  subdomain?: string;
  txt?: string;
  allowfrom?: string[];
}

export type DecodeResult = { ok: true; value: AcmeTxtBody } | { ok: false; partial: AcmeTxtBody };

type FieldName = keyof AcmeTxtBody;
const FIELDS: readonly FieldName[] = ["username", "password", "subdomain", "txt", "allowfrom"];

/** The struct field a JSON key lands in (Go's EqualFold on the field's JSON name). */
function fieldFor(key: string): FieldName | undefined {
  return FIELDS.find((f) => f === key.toLowerCase());
}

/** A string slice: null entries become "" (Go's zero value), anything else is a type error. */
function stringSlice(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const v of value) {
    if (v === null) out.push("");
    else if (typeof v === "string") out.push(v);
    else return undefined;
  }
  return out;
}

/** Assigns one key; false on a type error (the field keeps what it had). */
function assign(target: AcmeTxtBody, field: FieldName, value: unknown): boolean {
  if (value === null) return true; // null leaves a Go field untouched
  if (field === "allowfrom") {
    const list = stringSlice(value);
    if (list) target.allowfrom = list;
    return list !== undefined;
  }
  if (typeof value !== "string") return false;
  // uuid.UUID decodes through UnmarshalText: an unparsable username is an error too.
  if (field === "username" && parseUuid(value) === undefined) return false;
  target[field] = value;
  return true;
}

function decodeObject(parsed: unknown): DecodeResult {
  if (parsed === null) return { ok: true, value: {} };
  if (typeof parsed !== "object" || Array.isArray(parsed)) return { ok: false, partial: {} };
  const value: AcmeTxtBody = {};
  let ok = true;
  for (const [key, v] of Object.entries(parsed as Record<string, unknown>)) {
    const field = fieldFor(key);
    if (field && !assign(value, field, v)) ok = false;
  }
  return ok ? { ok: true, value } : { ok: false, partial: value };
}

function tryParse(text: string): { parsed: unknown } | undefined {
  try {
    return { parsed: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** json.Unmarshal(body, &ACMETxt{}). */
export function unmarshalAcmeTxt(body: string): DecodeResult {
  const result = tryParse(body);
  return result ? decodeObject(result.parsed) : { ok: false, partial: {} };
}

/** Where the first JSON value in `text` ends (json.Decoder reads only that much). */
export function firstValueEnd(text: string): number {
  let i = text.search(/\S/);
  if (i < 0) return text.length;
  const open = text[i];
  if (open !== "{" && open !== "[" && open !== '"') {
    const end = text.slice(i).search(/[\s{}[\],"]/);
    return end < 0 ? text.length : i + end;
  }
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      if (!inString && depth === 0) return i + 1;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    if (depth === 0 && !inString) return i + 1;
  }
  return text.length;
}

/** json.NewDecoder(body).Decode(&ACMETxt{}) with the error ignored, as /update does. */
export function decodeAcmeTxtLenient(body: string): AcmeTxtBody {
  const result = tryParse(body.slice(0, firstValueEnd(body)));
  if (!result) return {};
  const decoded = decodeObject(result.parsed);
  return decoded.ok ? decoded.value : decoded.partial;
}
