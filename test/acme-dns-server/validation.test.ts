// The Go semantics the stand-in reproduces where Node would answer differently.

import { decodeAcmeTxtLenient, unmarshalAcmeTxt } from "./go-json.js";
import { allowedFrom, parseCidr, parseUuid, validKey, validTxt } from "./validation.js";

describe("google/uuid Parse", () => {
  const id = "d420c923-bbd7-4056-ab64-c3ca54c9b3cf";
  test.each([id, id.toUpperCase(), `{${id}}`, `urn:uuid:${id}`, `URN:UUID:${id}`, id.replaceAll("-", "")])("%s", (form) => {
    expect(parseUuid(form)).toBe(id);
  });
  test.each(["", "me", `${id}x`, `{${id}`, id.replace("-", "_")])("rejects %j", (form) => {
    expect(parseUuid(form)).toBeUndefined();
  });
});

describe("net.ParseCIDR and IPNet.Contains", () => {
  test("leading zeros: allowed in the prefix, not in IPv4 octets; zones are not allowed", () => {
    expect(parseCidr("10.0.0.0/08")).toBeDefined();
    expect(parseCidr("010.0.0.0/8")).toBeUndefined();
    expect(parseCidr("fe80::1%eth0/64")).toBeUndefined();
    expect(parseCidr("10.0.0.0/+8")).toBeUndefined();
  });

  test("an IPv4 client never matches an IPv6 network (Node's BlockList would say it does)", () => {
    expect(allowedFrom(["::1/64"], "127.0.0.1")).toBe(false);
    expect(allowedFrom(["::/0"], "127.0.0.1")).toBe(false);
  });

  test("IPv4-mapped addresses and networks count as IPv4", () => {
    expect(allowedFrom(["127.0.0.0/8"], "::ffff:127.0.0.1")).toBe(true);
    expect(allowedFrom(["::ffff:127.0.0.0/104"], "127.0.0.1")).toBe(true);
    expect(allowedFrom(["::ffff:10.0.0.0/104"], "127.0.0.1")).toBe(false);
  });

  test("prefix boundaries and IPv6 networks", () => {
    expect(allowedFrom(["127.0.0.0/31"], "127.0.0.1")).toBe(true);
    expect(allowedFrom(["127.0.0.2/31"], "127.0.0.1")).toBe(false);
    expect(allowedFrom(["2001:db8::/32"], "2001:db8:1::5")).toBe(true);
    expect(allowedFrom(["2001:db8::/32"], "2001:db9::5")).toBe(false);
    expect(allowedFrom([], "203.0.113.9")).toBe(true);
  });
});

describe("key and value checks", () => {
  test("runes, not UTF-16 units, and only the base64url alphabet", () => {
    expect(validKey("a".repeat(40))).toBe(true);
    expect(validKey("a".repeat(39) + "é")).toBe(false);
    expect(validTxt("-_".repeat(21) + "A")).toBe(true);
    expect(validTxt("a".repeat(42) + "😀")).toBe(false);
  });
});

describe("encoding/json as acme-dns calls it", () => {
  test("keys match fields case-insensitively, last duplicate wins, unknown keys are ignored", () => {
    expect(decodeAcmeTxtLenient('{"Subdomain": "s", "TXT": "t", "txt": "u", "extra": 1}')).toEqual({ subdomain: "s", txt: "u" });
  });

  test("/update reads only the first value and keeps fields that decoded", () => {
    expect(decodeAcmeTxtLenient('{"subdomain": "s", "txt": "t"} trailing')).toEqual({ subdomain: "s", txt: "t" });
    expect(decodeAcmeTxtLenient('{"subdomain": "s", "txt": 5}')).toEqual({ subdomain: "s" });
    expect(decodeAcmeTxtLenient('{"subdomain": "s"')).toEqual({});
    expect(decodeAcmeTxtLenient("")).toEqual({});
  });

  test("/register's Unmarshal fails on type errors, including a username that is no UUID", () => {
    expect(unmarshalAcmeTxt('{"username": "me"}').ok).toBe(false);
    expect(unmarshalAcmeTxt('{"allowfrom": [1]}').ok).toBe(false);
    expect(unmarshalAcmeTxt('{"allowfrom": ["10.0.0.0/8"]} x').ok).toBe(false);
    expect(unmarshalAcmeTxt('{"AllowFrom": [null]}')).toEqual({ ok: true, value: { allowfrom: [""] } });
  });
});
