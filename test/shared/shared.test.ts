import { readFile } from "node:fs/promises";
import { integer, isDnsName, oid, sleep, toPem, utcTime, whyUnreadable } from "../../src/shared/index.js";

describe("DER", () => {
  it("writes INTEGERs minimally, with a zero byte where the high bit is set", () => {
    expect(integer(0).toString("hex")).toBe("020100");
    expect(integer(127).toString("hex")).toBe("02017f");
    expect(integer(128).toString("hex")).toBe("02020080");
    expect(integer(2048).toString("hex")).toBe("02020800");
    expect(integer(Buffer.from([0x40, 0x01])).toString("hex")).toBe("02024001");
  });

  it("writes OIDs in base 128 and long lengths in long form", () => {
    expect(oid("1.2.840.113549.1.1.11").toString("hex")).toBe("06092a864886f70d01010b");
    expect(integer(Buffer.alloc(200, 1)).subarray(0, 3).toString("hex")).toBe("0281c8");
  });

  it("writes UTCTime as YYMMDDHHMMSSZ", () => {
    expect(utcTime(new Date("2026-01-02T03:04:05.678Z")).toString("latin1").slice(2)).toBe("260102030405Z");
  });
});

it("writes PEM in 64-character lines that decode to the DER", () => {
  const der = Buffer.from(Array.from({ length: 72 }, (_, index) => index));
  const text = toPem("PUBLIC KEY", der);
  expect(text.split("\n").map((line) => line.length)).toEqual([26, 64, 32, 24, 0]);
  expect(text.startsWith("-----BEGIN PUBLIC KEY-----\n")).toBe(true);
  expect(Buffer.from(text.split("\n").slice(1, 3).join(""), "base64")).toEqual(der);
});

describe("DNS names", () => {
  it.each(["example.com", "_acme-challenge.example.com", "a", "xn--bcher-kva.example", "1.example"])("accepts %s", (name) => {
    expect(isDnsName(name)).toBe(true);
  });

  it.each(["", "example.com.", "-a.example", "a-.example", "a..b", "a b.example", "*.example.com", `${"a".repeat(64)}.example`, "exa_mple"])("refuses %j", (name) => {
    expect(isDnsName(name)).toBe(false);
  });

  it("accepts a leading wildcard label only when asked, and at most 253 characters", () => {
    expect(isDnsName("*.example.com", { wildcard: true })).toBe(true);
    expect(isDnsName("a.*.example.com", { wildcard: true })).toBe(false);
    const long = Array.from({ length: 4 }, () => "a".repeat(63)).join(".");
    expect(isDnsName(long.slice(0, 253))).toBe(true);
    expect(isDnsName(`${long.slice(0, 253)}b`)).toBe(false);
  });
});

describe("sleep", () => {
  it("waits", async () => {
    const started = Date.now();
    await sleep(30, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("rejects at once with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stopped by the test");
    setTimeout(() => controller.abort(reason), 10);
    const started = Date.now();
    await expect(sleep(10_000, controller.signal)).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(sleep(10, controller.signal)).rejects.toBe(reason);
  });
});

it("says why a file cannot be read in words", async () => {
  const failure = async (path: string) => whyUnreadable(await readFile(path).catch((error: unknown) => error));
  expect(await failure("/nonexistent/acme-tf")).toBe("no such file");
  expect(await failure("/")).toBe("it is a directory");
  expect(whyUnreadable(Object.assign(new Error("odd"), { code: "EIO" }))).toBe("odd");
});
