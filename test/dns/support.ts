// Helpers for the DNS tests: throwaway programs in a temporary directory, and a logger
// whose lines the test can read.

import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Dns01Challenge } from "../../src/acme/solver.js";
import { jsonLineLogger, type Logger } from "../../src/log/logger.js";

export async function temporaryDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), "acme-tf-dns-"));
}

/** Writes an executable shell script with `body` after the shebang; returns its path. */
export async function writeScript(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/**
 * A program that appends each call's arguments to `<dir>/calls` (one line, joined by "|"),
 * then runs `body` (default: nothing). `timeout` calls are recorded too.
 */
export async function writeRecordingScript(dir: string, body = ""): Promise<string> {
  return writeScript(dir, "record.sh", `(IFS='|'; echo "$*") >> "${join(dir, "calls")}"\n${body}`);
}

export async function recordedCalls(dir: string): Promise<string[][]> {
  const text = await readFile(join(dir, "calls"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("|"));
}

export interface RecordingLogger {
  logger: Logger;
  lines: () => Array<Record<string, unknown>>;
}

export function recordingLogger(): RecordingLogger {
  const written: string[] = [];
  return {
    logger: jsonLineLogger((line) => void written.push(line)),
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A challenge as the engine would hand it over; the values only need the right shapes. */
export function challengeFor(domain: string, token = "tok-en_1"): Dns01Challenge {
  return {
    identifier: domain,
    domain,
    token,
    keyAuthorization: `${token}.thumbprint`,
    txtValue: `value-for-${domain}-${token}`.replace(/[^A-Za-z0-9_-]/g, "-").padEnd(43, "x").slice(0, 43),
  };
}

/** A name no other test (or earlier run) uses. */
export function uniqueLabel(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
