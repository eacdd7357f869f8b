// The few DER (X.690) encodings PKCS#12 needs; building them by hand keeps the engine
// free of an ASN.1 dependency for one file format.

/** Tag-length-value. */
export function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
/** A SET of one element (larger SETs would need DER's sorting). */
export const setOf = (item: Buffer): Buffer => tlv(0x31, item);
export const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
/** [n] EXPLICIT, constructed context-specific. */
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
/** [n] IMPLICIT primitive, context-specific (replaces an OCTET STRING's tag). */
export const implicitPrimitive = (n: number, bytes: Buffer): Buffer => tlv(0x80 + n, bytes);

/** A non-negative INTEGER. */
export function integer(value: number): Buffer {
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  if (bytes.length === 0 || bytes[0]! >= 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** OBJECT IDENTIFIER from dotted text. */
export function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const base128: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) base128.unshift((n & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}
