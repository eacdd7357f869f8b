import { jsonLineLogger, providerLogLevel, type LogThreshold } from "../../src/log/logger.js";

describe("providerLogLevel follows Terraform's rules for provider logs", () => {
  test.each([
    [{}, "off"],
    [{ TF_LOG: "" }, "off"],
    [{ TF_LOG: "off" }, "off"],
    [{ TF_LOG: "TRACE" }, "trace"],
    [{ TF_LOG: "debug" }, "debug"],
    [{ TF_LOG: "INFO" }, "info"],
    [{ TF_LOG: "WARN" }, "warn"],
    [{ TF_LOG: "ERROR" }, "error"],
    // JSON and names that are not levels: Terraform logs everything.
    [{ TF_LOG: "JSON" }, "trace"],
    [{ TF_LOG: "1" }, "trace"],
    // TF_LOG_PROVIDER wins over TF_LOG, in both directions.
    [{ TF_LOG: "TRACE", TF_LOG_PROVIDER: "ERROR" }, "error"],
    [{ TF_LOG: "ERROR", TF_LOG_PROVIDER: "DEBUG" }, "debug"],
    [{ TF_LOG: "TRACE", TF_LOG_PROVIDER: "OFF" }, "off"],
    [{ TF_LOG_PROVIDER: "INFO" }, "info"],
  ] as [NodeJS.ProcessEnv, LogThreshold][])("%j -> %s", (env, level) => {
    expect(providerLogLevel(env)).toBe(level);
  });
});

describe("jsonLineLogger", () => {
  const logAll = (minimum: LogThreshold) => {
    const lines: string[] = [];
    const logger = jsonLineLogger((line) => lines.push(line), { base: 1 }, minimum).child({ child: 2 });
    for (const level of ["trace", "debug", "info", "warn", "error"] as const) logger[level](`a ${level} line`, { field: level });
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  test("writes only lines at or above the minimum level, children included", () => {
    expect(logAll("warn").map((entry) => entry["@level"])).toEqual(["warn", "error"]);
    expect(logAll("trace")).toHaveLength(5);
    expect(logAll("off")).toEqual([]);
  });

  test("a line carries the base and child fields, its own fields and a six-digit timestamp", () => {
    const [entry] = logAll("error");
    expect(entry).toEqual({
      base: 1,
      child: 2,
      field: "error",
      "@level": "error",
      "@message": "a error line",
      "@timestamp": expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    });
  });

  test("fields never override @level, @message or @timestamp", () => {
    const lines: string[] = [];
    jsonLineLogger((line) => lines.push(line)).info("real", { "@level": "error", "@message": "fake" });
    expect(JSON.parse(lines[0]!)).toMatchObject({ "@level": "info", "@message": "real" });
  });
});
