// The DynamicValue codec against the wire facts Terraform relies on: exact bytes for
// unknowns, numbers kept in their original form, nested blocks never nil, every
// attribute present, NFC strings, and type errors reported as WireFormatError.
import { decode, encode, ExtData } from "@msgpack/msgpack";
import { conformToBlock, decodeBlock, decodeBlockKeeping, decodeJsonState, decodeMsgpack, encodeBlock, encodeBlockFrom, parseJsonState, WireFormatError } from "../../src/plugin/codec.js";
import type { Block } from "../../src/plugin/schema.js";
import { DecimalNumber, UNKNOWN, type TfObject } from "../../src/plugin/values.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (hexText: string) => new Uint8Array(Buffer.from(hexText.replace(/\s+/g, ""), "hex"));

/** A small schema with one of each shape the codec handles differently. */
const block: Block = {
  attributes: {
    name: { type: "string", optional: true },
    count: { type: "number", optional: true },
    enabled: { type: "bool", optional: true },
    tags: { type: ["map", "string"], optional: true },
    names: { type: ["list", "string"], optional: true },
  },
  blocks: {
    rule: { nesting: "list", block: { attributes: { id: { type: "string", required: true } } } },
    member: { nesting: "set", block: { attributes: { id: { type: "string", required: true } } } },
    settings: { nesting: "single", block: { attributes: { level: { type: "number", optional: true } } } },
    zone: { nesting: "map", block: { attributes: { ttl: { type: "number", optional: true } } } },
  },
};

/** A one-attribute block, so the encoded bytes are short enough to compare whole. */
const oneString: Block = { attributes: { a: { type: "string", optional: true } } };
const oneNumber: Block = { attributes: { n: { type: "number", optional: true } } };

/** Decode bytes without any schema or extension codec: what is really on the wire. */
const rawMap = (encoded: Uint8Array) => decode(encoded) as Record<string, unknown>;

describe("unknown values", () => {
  test("an unknown encodes as exactly d4 00 00 (fixext1, type 0, one zero byte)", () => {
    // 81 = map of 1, a1 61 = "a", then the unknown.
    expect(hex(encodeBlock(oneString, { a: UNKNOWN }))).toBe("81a161d40000");
  });

  test("extension 0 decodes as unknown", () => {
    expect(decodeBlock(oneString, bytes("81 a1 61 d4 00 00"))).toEqual({ a: UNKNOWN });
  });

  test("extension 12 (an unknown with refinements) decodes as unknown", () => {
    // fixext1 type 12, and an ext8 of type 12 carrying a 3-byte refinement payload.
    expect(decodeBlock(oneString, bytes("81 a1 61 d4 0c 00"))!.a).toBe(UNKNOWN);
    expect(decodeBlock(oneString, bytes("81 a1 61 c7 03 0c 81 01 c3"))!.a).toBe(UNKNOWN);
  });

  test("an unknown nested block list stays unknown rather than becoming []", () => {
    const encoded = encodeBlock(block, { rule: UNKNOWN });
    expect(rawMap(encoded).rule).toEqual(new ExtData(0, new Uint8Array([0])));
  });

  test("null is c0, never empty bytes", () => {
    expect(hex(encodeBlock(block, null))).toBe("c0");
    expect(decodeBlock(block, bytes("c0"))).toBeNull();
  });
});

describe("numbers keep their wire form", () => {
  test("an int stays an int", () => {
    const decoded = decodeBlock(oneNumber, encode({ n: 42 }))!;
    expect(decoded.n).toBe(42);
    expect(hex(encodeBlock(oneNumber, decoded))).toBe("81a16e2a");
  });

  test("a float64 stays a float64 with the same bits", () => {
    const wire = bytes("81 a1 6e cb 3f f8 00 00 00 00 00 00"); // 1.5 as float64
    const decoded = decodeBlock(oneNumber, wire)!;
    expect(decoded.n).toBe(1.5);
    expect(hex(encodeBlock(oneNumber, decoded))).toBe(hex(wire));
  });

  test('decimal text "0.1" decodes as DecimalNumber and is re-encoded as the same string', () => {
    const wire = encode({ n: "0.1" });
    const decoded = decodeBlock(oneNumber, wire)!;
    expect(decoded.n).toBeInstanceOf(DecimalNumber);
    expect((decoded.n as DecimalNumber).text).toBe("0.1");
    expect(hex(encodeBlock(oneNumber, decoded))).toBe(hex(wire));
  });

  test("decimal text beyond float64 precision survives the round trip exactly", () => {
    const text = "3.14159265358979323846264338327950288";
    expect(rawMap(encodeBlock(oneNumber, decodeBlock(oneNumber, encode({ n: text }))!)).n).toBe(text);
  });

  test.each([
    ["int64 max", "81 a1 6e d3 7f ff ff ff ff ff ff ff", "9223372036854775807"],
    ["int64 min", "81 a1 6e d3 80 00 00 00 00 00 00 00", "-9223372036854775808"],
    ["uint64 max", "81 a1 6e cf ff ff ff ff ff ff ff ff", "18446744073709551615"],
    ["2^53 + 1", "81 a1 6e cf 00 20 00 00 00 00 00 01", "9007199254740993"],
  ])("a 64-bit integer (%s) is kept exact, not rounded through float64", (_name, wire, text) => {
    const decoded = decodeBlock(oneNumber, bytes(wire))!;
    expect(String(decoded.n instanceof DecimalNumber ? decoded.n.text : decoded.n)).toBe(text);
    // Re-encoded as decimal text (Terraform accepts a number as a string): same value, exactly.
    const again = rawMap(encodeBlock(oneNumber, decoded)).n;
    expect(typeof again === "bigint" ? again.toString() : String(again)).toBe(text);
  });
});

describe("blocks on the wire", () => {
  test("every attribute and nested block is present when encoding a partial value", () => {
    const wire = rawMap(encodeBlock(block, { name: "x" }));
    expect(Object.keys(wire).sort()).toEqual(["count", "enabled", "member", "name", "names", "rule", "settings", "tags", "zone"]);
    expect(wire).toMatchObject({ name: "x", count: null, enabled: null, tags: null, names: null, settings: null });
  });

  test("empty LIST and SET nested blocks encode as empty arrays (90), never nil", () => {
    const encoded = encodeBlock(block, { rule: null, member: null });
    const wire = rawMap(encoded);
    expect(wire.rule).toEqual([]);
    expect(wire.member).toEqual([]);
    // And at byte level: "rule" (a4 72 75 6c 65) is followed by an empty fixarray.
    expect(hex(encoded)).toContain("a472756c6590");
  });

  test("a missing MAP nested block encodes as an empty map, a SINGLE one as nil", () => {
    const wire = rawMap(encodeBlock(block, {}));
    expect(wire.zone).toEqual({});
    expect(wire.settings).toBeNull();
  });

  test("nested block items get their missing attributes too", () => {
    const wire = rawMap(encodeBlock(block, { rule: [{}], settings: {} }));
    expect(wire.rule).toEqual([{ id: null }]);
    expect(wire.settings).toEqual({ level: null });
  });

  test("decoding fills attributes missing from the map with null and blocks with []", () => {
    const decoded = decodeBlock(block, encode({ name: "x" }))!;
    expect(decoded).toEqual({ name: "x", count: null, enabled: null, tags: null, names: null, rule: [], member: [], settings: null, zone: {} });
  });

  test("a full value round-trips unchanged", () => {
    const value: TfObject = {
      name: "x",
      count: 3,
      enabled: true,
      tags: { a: "1" },
      names: ["p", "q"],
      rule: [{ id: "r1" }],
      member: [{ id: "m1" }, { id: "m2" }],
      settings: { level: new DecimalNumber("0.5") },
      zone: { "example.com": { ttl: 60 } },
    };
    expect(decodeBlock(block, encodeBlock(block, value))).toEqual(value);
  });

  test("conformToBlock drops attributes the schema does not have", () => {
    expect(conformToBlock(oneString, { a: "x", stray: "y" })).toEqual({ a: "x" });
  });
});

describe("strings", () => {
  test("strings are sent in NFC", () => {
    const decomposed = "cafe\u0301"; // e + combining acute
    const wire = rawMap(encodeBlock(oneString, { a: decomposed }));
    expect(wire.a).toBe("caf\u00e9");
    expect(hex(encodeBlock(oneString, { a: decomposed }))).toBe(hex(encode({ a: "caf\u00e9" })));
  });

  test("strings inside lists and nested blocks are normalised too", () => {
    const wire = rawMap(encodeBlock(block, { names: ["A\u030a"], rule: [{ id: "A\u030a" }] }));
    expect(wire.names).toEqual(["\u00c5"]);
    expect(wire.rule).toEqual([{ id: "\u00c5" }]);
  });
});

describe("values sent back as Terraform encoded them (refresh and plan without changes)", () => {
  // Keys in another order than the schema's, as Terraform (cty) sorts them: only the very bytes match.
  const wire = encode({ count: 2, enabled: true, member: [], name: "x", names: ["a"], rule: [{ id: "r" }], settings: null, tags: { k: "v" }, zone: {} });

  test("a value holding the decoded values, attribute by attribute, is sent back as the same bytes", () => {
    const source = decodeBlockKeeping(block, wire);
    const refreshed = { ...source.value!, name: source.value!.name };
    expect(encodeBlockFrom(block, refreshed, source)).toBe(wire);
  });

  test("a changed attribute or nested block is encoded", () => {
    const source = decodeBlockKeeping(block, wire);
    expect(rawMap(encodeBlockFrom(block, { ...source.value!, name: "y" }, source)).name).toBe("y");
    // Equal content in a new array is still encoded: only the decoded values themselves are trusted.
    expect(encodeBlockFrom(block, { ...source.value!, names: ["a"] }, source)).not.toBe(wire);
    expect(rawMap(encodeBlockFrom(block, { ...source.value!, rule: [] }, source)).rule).toEqual([]);
  });

  test("a value with something unknown is encoded (the planned unknown, not Terraform's refined one)", () => {
    const refined = encode({ count: 2, enabled: true, member: [], name: new ExtData(12, new Uint8Array([0x81, 0x01, 0xc3])), names: ["a"], rule: [], settings: null, tags: null, zone: {} });
    const source = decodeBlockKeeping(block, refined);
    expect(hex(encodeBlockFrom(block, source.value, source))).toContain("a46e616d65d40000");
  });

  test("null is encoded as nil", () => {
    expect(hex(encodeBlockFrom(block, null, decodeBlockKeeping(block, wire)))).toBe("c0");
  });
});

describe("JSON raw state (UpgradeResourceState)", () => {
  const json = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));

  test("attributes missing from stored state become null, blocks []", () => {
    expect(decodeJsonState(block, parseJsonState(json({ name: "x" })))).toEqual({
      name: "x",
      count: null,
      enabled: null,
      tags: null,
      names: null,
      rule: [],
      member: [],
      settings: null,
      zone: {},
    });
  });

  test("stored values of every shape are read with the schema's types", () => {
    const state = decodeJsonState(block, parseJsonState(json({ count: 2, tags: { k: "v" }, rule: [{ id: "r" }], settings: { level: 1 } })));
    expect(state).toMatchObject({ count: 2, tags: { k: "v" }, rule: [{ id: "r" }], settings: { level: 1 } });
  });

  // JSON.parse alone would turn 9007199254740993 into ...992, and the next plan would
  // show a spurious change.
  test("integers above 2^53 in stored JSON state are kept exact", () => {
    const state = decodeJsonState(oneNumber, parseJsonState(new Uint8Array(Buffer.from('{"n": 9007199254740993}'))));
    const n = state.n;
    expect(n instanceof DecimalNumber ? n.text : String(n)).toBe("9007199254740993");
  });
});

describe("wrong types raise WireFormatError", () => {
  test.each([
    ["a bool for a string", oneString, { a: true }],
    ["a number for a string", oneString, { a: 1 }],
    ["a string for a bool", { attributes: { b: { type: "bool" } } } as Block, { b: "true" }],
    ["a bool for a number", oneNumber, { n: false }],
    ["a string for a list", { attributes: { l: { type: ["list", "string"] } } } as Block, { l: "x" }],
    ["a map for a list", { attributes: { l: { type: ["list", "string"] } } } as Block, { l: { a: "x" } }],
    ["an array for a map", { attributes: { m: { type: ["map", "string"] } } } as Block, { m: ["x"] }],
    ["a string for a nested block list", block, { rule: "x" }],
    ["a number inside a list of strings", { attributes: { l: { type: ["list", "string"] } } } as Block, { l: ["ok", 3] }],
  ])("%s", (_name, schema, value) => {
    expect(() => decodeBlock(schema, encode(value))).toThrow(WireFormatError);
  });

  test("the error names where the bad value is", () => {
    expect(() => decodeBlock(block, encode({ rule: [{ id: 7 }] }))).toThrow(/rule\.0\.id/);
  });

  test("a dynamic type is refused rather than guessed", () => {
    expect(() => decodeMsgpack("dynamic", encode("x"))).toThrow(WireFormatError);
  });

  test("wrong types in JSON state raise it as well", () => {
    expect(() => decodeJsonState(oneString, parseJsonState(new Uint8Array(Buffer.from('{"a": [1]}'))))).toThrow(WireFormatError);
  });

  // Accepting it would echo "abc" back to Terraform, which would then fail far from the
  // cause; cty itself rejects such a string.
  test("a string that is not a number, where a number is expected", () => {
    expect(() => decodeBlock(oneNumber, encode({ n: "abc" }))).toThrow(WireFormatError);
  });
});
