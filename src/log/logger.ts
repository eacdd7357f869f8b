// Structured logs in the shape go-hclog writes and Terraform parses from a provider's
// stderr: one JSON object a line with @level, @message, @timestamp (six fractional
// digits, or Terraform demotes the line to DEBUG) and any other keys as fields.
// Shown by Terraform under TF_LOG / TF_LOG_PROVIDER.

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** The lowest level a logger writes; "off" writes nothing. */
export type LogThreshold = LogLevel | "off";

const LEVELS: readonly LogThreshold[] = ["trace", "debug", "info", "warn", "error", "off"];

/**
 * The lowest level Terraform keeps from a provider ("off": nothing).
 * Terraform's rules, as its own provider SDKs apply them: TF_LOG_PROVIDER wins over TF_LOG;
 * unset or OFF logs nothing; JSON, and any name that is not a level, mean TRACE.
 */
export function providerLogLevel(env: NodeJS.ProcessEnv): LogThreshold {
  const setting = (env.TF_LOG_PROVIDER || env.TF_LOG || "").trim().toLowerCase();
  if (setting === "") return "off";
  return LEVELS.find((level) => level === setting) ?? "trace";
}

/** RFC 3339 with microseconds, the layout go-hclog emits (2006-01-02T15:04:05.000000Z07:00). */
export function hclogTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

const ignore = () => undefined;

/**
 * Lines below `minimum` are dropped before anything is formatted: Terraform would discard
 * them, and trace lines sit on every RPC and ACME request.
 */
export function jsonLineLogger(write: (line: string) => void, base: LogFields = {}, minimum: LogThreshold = "trace"): Logger {
  const from = LEVELS.indexOf(minimum);
  const emit = (level: LogLevel) =>
    LEVELS.indexOf(level) < from
      ? ignore
      : (message: string, fields?: LogFields) => {
          write(
            JSON.stringify({ ...base, ...fields, "@level": level, "@message": message, "@timestamp": hclogTimestamp(new Date()) }) + "\n",
          );
        };
  return {
    trace: emit("trace"),
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (fields) => jsonLineLogger(write, { ...base, ...fields }, minimum),
  };
}

/** The provider process's logger: stderr, which go-plugin relays to Terraform's log. */
export const stderrLogger: Logger = jsonLineLogger((line) => process.stderr.write(line), { "@module": "acme-tf" }, providerLogLevel(process.env));

/** For library code and tests that run without a Terraform to read the logs. */
export const silentLogger: Logger = jsonLineLogger(ignore, {}, "off");
