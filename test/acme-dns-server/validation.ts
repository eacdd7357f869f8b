// Input checks of acme-dns, rule for rule. The sources are acme-dns's pkg/api/util.go,
// pkg/acmedns/util.go, pkg/acmedns/cidrslice.go and pkg/acmedns/acmetxt.go, and the Go
// library functions those call (google/uuid Parse, net.ParseCIDR, IPNet.Contains).
// Where Go and Node disagree (IPv4-mapped IPv6, zones, leading zeros) Go's answer wins,
// because clients are written against the real server.

import { isIPv4, isIPv6 } from "node:net";

/** The alphabet of acme-dns's SanitizeString: URL-safe base64 without padding. */
const BASE64URL_CHAR = /^[A-Za-z0-9_-]$/;

function onlyBase64UrlChars(s: string, length: number): boolean {
  const chars = [...s]; // Go counts runes, not UTF-16 units
  return chars.length === length && chars.every((c) => BASE64URL_CHAR.test(c));
}

/** validKey: the X-Api-Key must be 40 characters, all from the base64url alphabet. */
export function validKey(key: string): boolean {
  return onlyBase64UrlChars(key, 40);
}

/** validTXT: exactly 43 base64url characters (the size of a SHA-256 key authorization digest). */
export function validTxt(txt: string): boolean {
  return onlyBase64UrlChars(txt, 43);
}

/** validSubdomain: one DNS label of letters, digits and inner hyphens. */
export function validSubdomain(s: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(s);
}

const HEX_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * google/uuid Parse, as acme-dns uses it for X-Api-User: accepts the 36-character form,
 * `{...}`, `urn:uuid:...` and 32 bare hex digits, in any letter case. Returns the
 * canonical lower-case form, which is how usernames are stored, or undefined.
 */
export function parseUuid(s: string): string | undefined {
  let body = s;
  if (s.length === 45 && s.slice(0, 9).toLowerCase() === "urn:uuid:") body = s.slice(9);
  else if (s.length === 38 && s.startsWith("{") && s.endsWith("}")) body = s.slice(1, -1);
  else if (s.length === 32 && /^[0-9a-fA-F]{32}$/.test(s)) {
    body = `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
  return HEX_UUID.test(body) ? body.toLowerCase() : undefined;
}

/** An address as Go's net.IP would hold it for comparison: 4 bytes for IPv4, else 16. */
type IpBytes = number[];

function ipv4Bytes(s: string): IpBytes {
  return s.split(".").map(Number);
}

function ipv6Bytes(s: string): IpBytes {
  // An embedded dotted IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  let text = s;
  if (tail?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(tail[1]);
    text = s.slice(0, -tail[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const restGroups = rest ? rest.split(":") : [];
  const zeros = rest === undefined ? [] : new Array<string>(8 - headGroups.length - restGroups.length).fill("0");
  const groups = [...headGroups, ...zeros, ...restGroups].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function isV4Mapped(bytes: IpBytes): boolean {
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** net.ParseIP then To4(): IPv4 and IPv4-mapped IPv6 become 4 bytes. Zones are not addresses. */
export function parseIp(s: string): IpBytes | undefined {
  if (isIPv4(s)) return ipv4Bytes(s);
  if (!isIPv6(s) || s.includes("%")) return undefined;
  const bytes = ipv6Bytes(s);
  return isV4Mapped(bytes) ? bytes.slice(12) : bytes;
}

interface Network {
  bytes: IpBytes;
  prefix: number;
}

/** sanitizeIPv6addr: acme-dns strips every bracket before parsing, "[::1]/64" -> "::1/64". */
export function sanitizeCidr(s: string): string {
  return s.replace(/[[\]]+/g, "");
}

/** net.ParseCIDR of the sanitized entry (decimal prefix, leading zeros allowed, no zone). */
export function parseCidr(entry: string): Network | undefined {
  const [addr = "", mask, extra] = sanitizeCidr(entry).split("/");
  if (mask === undefined || extra !== undefined || !/^\d+$/.test(mask)) return undefined;
  const v4 = isIPv4(addr);
  if (!v4 && (!isIPv6(addr) || addr.includes("%"))) return undefined;
  const prefix = Number(mask);
  if (prefix > (v4 ? 32 : 128)) return undefined;
  const bytes = v4 ? ipv4Bytes(addr) : ipv6Bytes(addr);
  // IPNet.Contains treats an IPv4-mapped network as IPv4 with the last 32 mask bits.
  if (!v4 && isV4Mapped(bytes)) return { bytes: bytes.slice(12), prefix: Math.max(0, prefix - 96) };
  return { bytes, prefix };
}

/** Cidrslice.IsValid: every entry must parse. */
export function validCidrs(entries: readonly string[]): boolean {
  return entries.every((e) => parseCidr(e) !== undefined);
}

/** IPNet.Contains: an IPv4 address never matches an IPv6 network and vice versa. */
function contains(net: Network, ip: IpBytes): boolean {
  if (net.bytes.length !== ip.length) return false;
  for (let bit = 0; bit < net.prefix; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((net.bytes[byte] ?? 0) & mask) !== ((ip[byte] ?? 0) & mask)) return false;
  }
  return true;
}

/** ACMETxt.AllowedFrom: an empty list allows everyone; otherwise the address must be in one. */
export function allowedFrom(allowfrom: readonly string[], remoteAddress: string): boolean {
  const nets = allowfrom.map(parseCidr).filter((n): n is Network => n !== undefined);
  if (nets.length === 0) return true;
  const ip = parseIp(remoteAddress);
  return ip !== undefined && nets.some((n) => contains(n, ip));
}
