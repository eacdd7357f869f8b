import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChallengeRecord, DnsProvider } from "../../../src/dns/dns-provider.js";
import { execDescription } from "../../../src/dns/exec/description.js";
import { createExecProvider } from "../../../src/dns/exec/runtime.js";
import { problemMessage, resolveSettings } from "../../../src/dns/settings.js";
import { challengeFor, recordedCalls, recordingLogger, temporaryDirectory, writeRecordingScript, writeScript, type RecordingLogger } from "../support.js";

const noAbort = new AbortController().signal;
const record: ChallengeRecord = { challenge: challengeFor("www.example.test", "-starts-with-dash"), fqdn: "_acme-challenge.target.example.test." };

let dir: string;
let log: RecordingLogger;

beforeEach(async () => {
  dir = await temporaryDirectory();
  log = recordingLogger();
});

async function execProvider(config: Record<string, string>, env: Record<string, string> = {}): Promise<DnsProvider> {
  const resolved = await resolveSettings(execDescription, config, env);
  if (!resolved.ok) throw new Error(resolved.problems.map(problemMessage).join("\n"));
  return createExecProvider(resolved.settings, { env, logger: log.logger });
}

/** Settings that keep the program from being asked for timings, so only present/cleanup are recorded. */
const fixedTimings = { EXEC_PROPAGATION_TIMEOUT: "10", EXEC_POLLING_INTERVAL: "1" };

describe("arguments", () => {
  it("passes action, record name and value in the default mode, without --", async () => {
    const provider = await execProvider({ EXEC_PATH: await writeRecordingScript(dir), ...fixedTimings });
    await provider.present(record, noAbort);
    await provider.cleanup(record, noAbort);
    expect(await recordedCalls(dir)).toEqual([
      ["present", "_acme-challenge.target.example.test.", record.challenge.txtValue],
      ["cleanup", "_acme-challenge.target.example.test.", record.challenge.txtValue],
    ]);
  });

  it("passes --, domain, token and key authorization in RAW mode", async () => {
    const provider = await execProvider({ EXEC_PATH: await writeRecordingScript(dir), EXEC_MODE: "RAW", ...fixedTimings });
    await provider.present(record, noAbort);
    const { domain, token, keyAuthorization } = record.challenge;
    expect(await recordedCalls(dir)).toEqual([["present", "--", domain, token, keyAuthorization]]);
  });

  it("gives the program the provider's environment, its block's settings and pass-through keys, and nothing of process.env", async () => {
    const envFile = join(dir, "env");
    const program = await writeRecordingScript(dir, `env > "${envFile}"`);
    const pathFile = join(dir, "exec-path");
    await writeFile(pathFile, program);
    const provider = await execProvider({ EXEC_PATH_FILE: pathFile, DNS_API_TOKEN: "t0ken", ...fixedTimings }, { FROM_PROVIDER_ENV: "yes", PATH: "/usr/bin:/bin" });
    await provider.present(record, noAbort);

    const env = await readFile(envFile, "utf8");
    expect(env).toContain(`EXEC_PATH=${program}\n`);
    expect(env).toContain("EXEC_PROPAGATION_TIMEOUT=10\n");
    expect(env).toContain("DNS_API_TOKEN=t0ken\n");
    expect(env).toContain("FROM_PROVIDER_ENV=yes\n");
    expect(env).not.toContain("JEST_WORKER_ID");
    expect(process.env.EXEC_PATH).toBeUndefined();
  });
});

describe("propagation timings", () => {
  it("takes the program's timeout answer", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && echo '{"timeout": 30, "interval": 5}'; exit 0`);
    const provider = await execProvider({ EXEC_PATH: program });
    expect(await provider.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 30, intervalSeconds: 5 });
  });

  it("falls back to the defaults with a warning when the answer is garbage", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && echo 'soon'; exit 0`);
    const provider = await execProvider({ EXEC_PATH: program });
    expect(await provider.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 60, intervalSeconds: 2 });
    const warning = log.lines().find((line) => line["@level"] === "warn");
    expect(warning?.["@message"]).toMatch(/timeout" gave no usable answer/);
    expect(warning?.reason).toMatch(/expected JSON/);
  });

  // The seed: "If an error occurs or if the command is not provided: the default ... are used."
  it.each([
    ["fails (non-zero exit)", `[ "$1" = timeout ] && { echo "unknown action: timeout" >&2; exit 1; }; exit 0`],
    ["prints nothing", `exit 0`],
  ])("falls back to the defaults silently (debug log only) when the timeout command %s", async (_, script) => {
    const program = await writeRecordingScript(dir, script);
    const provider = await execProvider({ EXEC_PATH: program });
    expect(await provider.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 60, intervalSeconds: 2 });
    expect(log.lines().filter((line) => line["@level"] === "warn")).toEqual([]);
    expect(log.lines().find((line) => line["@level"] === "debug" && /timeout" (failed|printed nothing)/.test(String(line["@message"])))).toBeDefined();
  });

  it("lets given settings win over the program's answer", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && echo '{"timeout": 30, "interval": 5}'; exit 0`);
    const oneGiven = await execProvider({ EXEC_PATH: program, EXEC_POLLING_INTERVAL: "9" });
    expect(await oneGiven.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 30, intervalSeconds: 9 });
    expect(await recordedCalls(dir)).toEqual([["timeout"]]);

    const bothGiven = await execProvider({ EXEC_PATH: program, EXEC_POLLING_INTERVAL: "9", EXEC_PROPAGATION_TIMEOUT: "99" });
    expect(await bothGiven.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 99, intervalSeconds: 9 });
    expect(await recordedCalls(dir)).toEqual([["timeout"]]);
  });

  it("asks a program once per process for the same environment, and again for another", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && echo '{"timeout": 30, "interval": 5}'; exit 0`);
    for (let certificate = 0; certificate < 3; certificate++) {
      const provider = await execProvider({ EXEC_PATH: program });
      expect(await provider.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 30, intervalSeconds: 5 });
    }
    expect(await recordedCalls(dir)).toEqual([["timeout"]]);
    const otherEnvironment = await execProvider({ EXEC_PATH: program, DNS_API_TOKEN: "other" });
    expect(await otherEnvironment.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 30, intervalSeconds: 5 });
    expect(await recordedCalls(dir)).toEqual([["timeout"], ["timeout"]]);
  });

  it("a remembered unusable answer still warns for every certificate", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && echo 'soon'; exit 0`);
    for (let certificate = 0; certificate < 2; certificate++) {
      const provider = await execProvider({ EXEC_PATH: program });
      expect(await provider.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 60, intervalSeconds: 2 });
    }
    expect(await recordedCalls(dir)).toEqual([["timeout"]]);
    expect(log.lines().filter((line) => /timeout" gave no usable answer/.test(String(line["@message"])))).toHaveLength(2);
  });

  it("a cancelled question is not remembered", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && sleep 5 && echo '{"timeout": 30, "interval": 5}'; exit 0`);
    const cancel = new AbortController();
    const first = (await execProvider({ EXEC_PATH: program })).propagationTimings(cancel.signal);
    setTimeout(() => cancel.abort(), 200);
    await expect(first).rejects.toThrow();
    // The same program (path and environment) answers now.
    expect(await writeRecordingScript(dir, `[ "$1" = timeout ] && echo '{"timeout": 7, "interval": 3}'; exit 0`)).toBe(program);
    expect(await (await execProvider({ EXEC_PATH: program })).propagationTimings(noAbort)).toEqual({ timeoutSeconds: 7, intervalSeconds: 3 });
  });

  it("asks the program only once", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && echo '{"timeout": 30, "interval": 5}'; exit 0`);
    const provider = await execProvider({ EXEC_PATH: program });
    await provider.present(record, noAbort);
    await provider.present(record, noAbort);
    expect((await recordedCalls(dir)).map((call) => call[0])).toEqual(["timeout", "present", "present"]);
  });
});

describe("durations", () => {
  it("a fractional `timeout` answer is used as it is (no timer gets a fraction)", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && echo '{"timeout": 16.1, "interval": 0.5}'; exit 0`);
    const provider = await execProvider({ EXEC_PATH: program });
    await provider.present(record, noAbort);
    expect(await provider.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 16.1, intervalSeconds: 0.5 });
    expect(log.lines().filter((line) => line["@level"] === "warn")).toEqual([]);
  });

  it("a `timeout` answer beyond a day is unusable: a warning, and the defaults", async () => {
    const program = await writeRecordingScript(dir, `[ "$1" = timeout ] && echo '{"timeout": 9999999999, "interval": 5}'; exit 0`);
    const provider = await execProvider({ EXEC_PATH: program });
    await provider.present(record, noAbort);
    expect(await provider.propagationTimings(noAbort)).toEqual({ timeoutSeconds: 60, intervalSeconds: 2 });
    expect(log.lines()).toContainEqual(
      expect.objectContaining({ "@level": "warn", "@message": expect.stringContaining('"record.sh timeout" gave no usable answer'), reason: expect.stringContaining("at most 86400") }),
    );
  });

  it.each(["2200000", "9999999999"])("EXEC_PROPAGATION_TIMEOUT %s is refused as longer than a day", async (value) => {
    const resolved = await resolveSettings(execDescription, { EXEC_PATH: "/bin/true", EXEC_PROPAGATION_TIMEOUT: value }, {});
    expect(resolved.ok).toBe(false);
    expect(!resolved.ok && resolved.problems.map(problemMessage)).toEqual([
      `EXEC_PROPAGATION_TIMEOUT: "${value}" is too long: use at most 86400 seconds (one day) (the value comes from the dns_challenge config)`,
    ]);
  });

  it("an empty EXEC_PATH_FILE counts as unset", async () => {
    const pathFile = join(dir, "empty");
    await writeFile(pathFile, "\n");
    const resolved = await resolveSettings(execDescription, { EXEC_PATH_FILE: pathFile }, {});
    expect(!resolved.ok && resolved.problems.map(problemMessage)).toEqual([
      "EXEC_PATH is required: set it in the dns_challenge config or the EXEC_PATH environment variable (or EXEC_PATH_FILE)",
    ]);
  });
});

describe("failures", () => {
  it("shows the exit code and what the program printed", async () => {
    const program = await writeScript(dir, "fail.sh", `echo "updating zone"\necho "zone is locked" >&2\nexit 3`);
    const provider = await execProvider({ EXEC_PATH: program, ...fixedTimings });
    const error = await provider.present(record, noAbort).catch((caught: Error) => caught);
    // By base name only: EXEC_PATH is part of the sensitive config map.
    expect((error as Error).message).toBe(
      `"fail.sh present _acme-challenge.target.example.test. ${record.challenge.txtValue}" exited with code 3:\nupdating zone\nzone is locked`,
    );
    expect(log.lines()).toContainEqual(expect.objectContaining({ "@level": "debug", exit_code: 3, output: "updating zone\nzone is locked" }));
    expect(JSON.stringify(log.lines())).not.toContain(dir);
  });

  it("keeps only the end of a very long output in the error", async () => {
    const program = await writeScript(dir, "chatty.sh", `i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; exit 1`);
    const provider = await execProvider({ EXEC_PATH: program, ...fixedTimings });
    const error = (await provider.present(record, noAbort).catch((caught: Error) => caught)) as Error;
    expect(error.message.length).toBeLessThan(2300);
    expect(error.message).toMatch(/line 1999$/);
  });

  it("kills a program that hangs at the propagation timeout, with what it started", async () => {
    const pidFile = join(dir, "child.pid");
    const program = await writeScript(dir, "hang.sh", `sleep 300 &\necho $! > "${pidFile}"\nwait`);
    const provider = await execProvider({ EXEC_PATH: program, EXEC_PROPAGATION_TIMEOUT: "1", EXEC_POLLING_INTERVAL: "1" });
    const started = Date.now();
    await expect(provider.present(record, noAbort)).rejects.toThrow(/did not finish within 1 s and was killed/);
    expect(Date.now() - started).toBeLessThan(5000);
    const childPid = Number(await readFile(pidFile, "utf8"));
    await expect(waitUntilGone(childPid)).resolves.toBe(true);
  });

  it("kills a program that ignores SIGTERM, and its children, after the grace", async () => {
    const pidFile = join(dir, "pids");
    // The program and its child both ignore SIGTERM: only SIGKILL, 2 s later, stops them.
    const program = await writeScript(dir, "stubborn.sh", `trap '' TERM\nsh -c "trap '' TERM; sleep 300" &\necho "$$ $!" > "${pidFile}"\nwhile :; do sleep 1; done`);
    const provider = await execProvider({ EXEC_PATH: program, EXEC_PROPAGATION_TIMEOUT: "1", EXEC_POLLING_INTERVAL: "1" });
    const started = Date.now();
    await expect(provider.present(record, noAbort)).rejects.toThrow(/did not finish within 1 s and was killed/);
    expect(Date.now() - started).toBeLessThan(8000);
    for (const pid of (await readFile(pidFile, "utf8")).trim().split(" ").map(Number)) await expect(waitUntilGone(pid)).resolves.toBe(true);
  });

  it("stops the program when the operation is aborted, with the abort's reason", async () => {
    const program = await writeScript(dir, "slow.sh", "sleep 300");
    const provider = await execProvider({ EXEC_PATH: program, ...fixedTimings });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("terraform stopped")), 200);
    const started = Date.now();
    await expect(provider.present(record, controller.signal)).rejects.toThrow("terraform stopped");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("names a program that cannot be started", async () => {
    const program = await writeScript(dir, "gone.sh", "exit 0");
    const provider = await execProvider({ EXEC_PATH: program, ...fixedTimings });
    await rm(program);
    const error = (await provider.present(record, noAbort).catch((caught: Error) => caught)) as Error;
    expect(error.message).toMatch(/^cannot run "gone\.sh present/);
    expect(error.message).not.toContain(dir);
  });
});

/** True once the process is gone or a zombie (containers' init may never reap it). */
async function waitUntilGone(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
    if (stat === undefined || /\) Z /.test(stat)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
