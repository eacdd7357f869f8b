// dig and nsupdate, the tools a DNS operator would use, wrapped for tests.

import type { LabDescription } from "./lab-contract.js";
import { runTool } from "./process.js";

export interface DigAnswer {
  /** Owner name as dig prints it, with the trailing dot. */
  name: string;
  ttl: number;
  type: string;
  /** Presentation form; for TXT the character strings unquoted and concatenated. */
  data: string;
}

/** "host", "host:port" -> [host, port]. */
export function splitHostPort(server: string, defaultPort = 53): [string, number] {
  const m = /^(.*):(\d+)$/.exec(server);
  return m && !m[1]!.includes(":") ? [m[1]!, Number(m[2])] : [server, defaultPort];
}

/**
 * Asks `server` ("host" or "host:port") for `name`/`type` and returns the answer section
 * (CNAMEs included, in order). NXDOMAIN and NODATA give []; any other status (SERVFAIL,
 * REFUSED) or no answer at all rejects, so a broken lab is never mistaken for "not yet".
 */
export async function dig(server: string, name: string, type: string): Promise<DigAnswer[]> {
  const [host, port] = splitHostPort(server);
  // One try of one second: everything is on loopback, a slow answer is a broken answer.
  const args = [`@${host}`, "-p", String(port), name, type, "+noall", "+comments", "+answer", "+time=1", "+tries=1"];
  const { stdout } = await runTool("dig", args, { timeoutMs: 5000 });
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1];
  if (status === undefined) throw new Error(`dig ${name} ${type} @${server}: no answer\n${stdout.trim()}`);
  if (status !== "NOERROR" && status !== "NXDOMAIN") throw new Error(`dig ${name} ${type} @${server}: ${status}`);
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith(";"))
    .map(parseAnswerLine);
}

function parseAnswerLine(line: string): DigAnswer {
  const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line.trim());
  if (!m) throw new Error(`unexpected dig answer line: ${line}`);
  const [, name, ttl, type, data] = m as unknown as [string, string, string, string, string];
  return { name, ttl: Number(ttl), type, data: type === "TXT" ? unquoteTxt(data) : data };
}

/** `"ab" "c\"d"` -> `abc"d` (dig escapes quotes, backslashes and bytes as \DDD). */
function unquoteTxt(data: string): string {
  const strings = data.match(/"((?:[^"\\]|\\.)*)"/g) ?? [data];
  return strings
    .map((s) => s.replace(/^"|"$/g, ""))
    .map((s) => s.replace(/\\(\d{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(Number(e)) : e)))
    .join("");
}

/**
 * Runs an RFC 2136 update against the lab's bind9, signed with the lab's TSIG key.
 * `commands` are nsupdate lines, e.g. `update add x.acme-tf.test. 1 TXT "v"`; the server,
 * the zone (so nsupdate never asks the system resolver for the SOA), a default TTL of 1
 * and the final `send` are added.
 */
export async function nsupdate(lab: Pick<LabDescription, "authoritative" | "zone" | "tsigKeyFile">, commands: string[]): Promise<void> {
  const script = [`server ${lab.authoritative} 53`, `zone ${lab.zone}.`, "ttl 1", ...commands, "send", ""].join("\n");
  // nsupdate exits non-zero on any failure (refused, bad signature, failed prerequisite),
  // and runTool turns that into an error carrying nsupdate's own message.
  await runTool("nsupdate", ["-k", lab.tsigKeyFile, "-t", "5"], { input: script, timeoutMs: 10_000 });
}
