import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DnsProviderDescription, SettingProblem } from "../../src/dns/description.js";
import {
  problemMessage,
  resolveDnsChallenge,
  resolveSettings,
  validateDnsChallenge,
  validateDnsChallenges,
  type DnsChallengeBlock,
} from "../../src/dns/settings.js";
import { temporaryDirectory, writeScript } from "./support.js";

let dir: string;
let programA: string;
let programB: string;
let programC: string;

beforeAll(async () => {
  dir = await temporaryDirectory();
  [programA, programB, programC] = await Promise.all(["a.sh", "b.sh", "c.sh"].map((name) => writeScript(dir, name, "exit 0")));
});

async function resolvedPath(block: DnsChallengeBlock, env: Record<string, string>): Promise<string | undefined> {
  const resolved = await resolveDnsChallenge(block, env);
  if (!resolved.ok) throw new Error(resolved.problems.map(problemMessage).join("\n"));
  return resolved.settings.text("EXEC_PATH");
}

async function problemsOf(block: DnsChallengeBlock, env: Record<string, string> = {}): Promise<string[]> {
  const resolved = await resolveDnsChallenge(block, env);
  return resolved.ok ? [] : resolved.problems.map(problemMessage);
}

describe("where a setting's value comes from", () => {
  it("takes the config first, then the environment, then NAME_FILE", async () => {
    const fileC = join(dir, "path-c");
    await writeFile(fileC, `${programC}\n`);
    const env = { EXEC_PATH: programB, EXEC_PATH_FILE: fileC };

    expect(await resolvedPath({ provider: "exec", config: { EXEC_PATH: programA } }, env)).toBe(programA);
    expect(await resolvedPath({ provider: "exec", config: {} }, env)).toBe(programB);
    expect(await resolvedPath({ provider: "exec", config: {} }, { EXEC_PATH_FILE: fileC })).toBe(programC);
  });

  it("prefers NAME_FILE in the config to NAME_FILE in the environment, and trims one trailing newline", async () => {
    const fileA = join(dir, "path-a");
    const fileB = join(dir, "path-b");
    await writeFile(fileA, `${programA}\r\n`);
    await writeFile(fileB, programB);

    expect(await resolvedPath({ provider: "exec", config: { EXEC_PATH_FILE: fileA } }, { EXEC_PATH_FILE: fileB })).toBe(programA);
    expect(await resolvedPath({ provider: "exec", config: {} }, { EXEC_PATH_FILE: fileB })).toBe(programB);
  });

  it("counts an empty value as unset", async () => {
    expect(await resolvedPath({ provider: "exec", config: { EXEC_PATH: "" } }, { EXEC_PATH: programB })).toBe(programB);
  });

  it("parses durations as whole seconds and falls back to the defaults", async () => {
    const resolved = await resolveDnsChallenge({ provider: "exec", config: { EXEC_PATH: programA, EXEC_POLLING_INTERVAL: "7" } }, {});
    if (!resolved.ok) throw new Error("expected settings");
    expect(resolved.settings.seconds("EXEC_POLLING_INTERVAL")).toBe(7);
    expect(resolved.settings.givenSeconds("EXEC_PROPAGATION_TIMEOUT")).toBeUndefined();
    expect(resolved.settings.seconds("EXEC_PROPAGATION_TIMEOUT")).toBe(60);
  });
});

describe("problems", () => {
  it("says how to give a missing required setting", async () => {
    expect(await problemsOf({ provider: "exec", config: {} })).toEqual([
      "EXEC_PATH is required: set it in the dns_challenge config or the EXEC_PATH environment variable (or EXEC_PATH_FILE)",
    ]);
  });

  it("names the file that cannot be read", async () => {
    expect(await problemsOf({ provider: "exec", config: { EXEC_PATH_FILE: "/nonexistent/x" } })).toEqual([
      "EXEC_PATH_FILE: cannot read /nonexistent/x: no such file",
    ]);
  });

  it("rejects unknown EXEC_ keys, listing the known settings, and passes other keys to the program", async () => {
    const problems = await problemsOf({ provider: "exec", config: { EXEC_PATH: programA, EXEC_PATHS: "x" } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^EXEC_PATHS is not a setting of the exec DNS provider: known settings: EXEC_MODE, EXEC_PATH, EXEC_POLLING_INTERVAL/);

    const resolved = await resolveDnsChallenge({ provider: "exec", config: { EXEC_PATH: programA, DNS_API_TOKEN: "t0ken" } }, {});
    if (!resolved.ok) throw new Error("expected settings");
    expect(resolved.settings.asEnvironment()).toEqual({ EXEC_PATH: programA, DNS_API_TOKEN: "t0ken" });
  });

  it("rejects bad enum values case-sensitively and durations that are not whole seconds", async () => {
    const problems = await problemsOf({ provider: "exec", config: { EXEC_PATH: programA, EXEC_MODE: "raw", EXEC_POLLING_INTERVAL: "2s" } });
    expect(problems).toEqual([
      'EXEC_MODE: "raw" is not a valid value: use one of RAW (case-sensitive), or leave it unset (the value comes from the dns_challenge config)',
      'EXEC_POLLING_INTERVAL: "2s" is not a whole number of seconds: write a duration as whole seconds, e.g. 60 (the value comes from the dns_challenge config)',
    ]);
  });

  it("rejects a zero propagation timeout (every run would be killed at once); a zero interval polls at a floor", async () => {
    const problems = await problemsOf({
      provider: "exec",
      config: { EXEC_PATH: programA, EXEC_PROPAGATION_TIMEOUT: "0", EXEC_POLLING_INTERVAL: "0", EXEC_SEQUENCE_INTERVAL: "0" },
    });
    expect(problems).toEqual(['EXEC_PROPAGATION_TIMEOUT: "0" is too short: use at least 1 second (the value comes from the dns_challenge config)']);
  });

  it("says where a bad value comes from", async () => {
    const problems = await problemsOf({ provider: "exec", config: { EXEC_PATH: programA } }, { EXEC_PROPAGATION_TIMEOUT: "1m" });
    expect(problems[0]).toContain("(the value comes from the EXEC_PROPAGATION_TIMEOUT environment variable)");
  });

  it("checks that EXEC_PATH can be run", async () => {
    const notExecutable = join(dir, "not-executable.sh");
    await writeFile(notExecutable, "#!/bin/sh\n");
    await chmod(notExecutable, 0o644);

    expect(await problemsOf({ provider: "exec", config: { EXEC_PATH: join(dir, "missing.sh") } })).toEqual([
      `EXEC_PATH: ${join(dir, "missing.sh")} does not exist: it must name an executable file, or a program found in PATH (the value comes from the dns_challenge config)`,
    ]);
    expect((await problemsOf({ provider: "exec", config: { EXEC_PATH: notExecutable } }))[0]).toMatch(/is not executable/);
    expect((await problemsOf({ provider: "exec", config: { EXEC_PATH: dir } }))[0]).toMatch(/is a directory/);
  });

  it("looks a bare program name up in the PATH of the environment it is given", async () => {
    expect(await problemsOf({ provider: "exec", config: { EXEC_PATH: "b.sh" } }, { PATH: `/nonexistent:${dir}` })).toEqual([]);
    expect((await problemsOf({ provider: "exec", config: { EXEC_PATH: "b.sh" } }, { PATH: "/nonexistent" }))[0]).toMatch(
      /^EXEC_PATH: "b.sh" was not found in PATH/,
    );
  });

  it("never shows a secret value", async () => {
    const withSecret: DnsProviderDescription = {
      name: "secretive",
      displayName: "Secretive",
      summary: "A provider with a secret.",
      settings: [
        { name: "SECRETIVE_MODE", kind: "enum", values: ["ON"], required: true, secret: true, group: "base", help: "A secret mode." },
        { name: "SECRETIVE_TTL", kind: "duration-seconds", required: false, secret: true, group: "base", help: "A secret TTL." },
      ],
      exampleHcl: 'provider = "secretive"',
    };
    const resolved = await resolveSettings(withSecret, { SECRETIVE_MODE: "hunter2", SECRETIVE_TTL: "hunter3" }, {});
    const problems = resolved.ok ? [] : resolved.problems;
    expect(problems).toHaveLength(2);
    for (const problem of problems) expect(JSON.stringify(problem)).not.toMatch(/hunter/);
  });
});

describe("validation at plan time", () => {
  const summaries = (problems: SettingProblem[]) => problems.map((problem) => problem.summary);

  it("lists the known providers for an unknown one", async () => {
    expect(await validateDnsChallenge({ provider: "exce", config: {} }, {})).toEqual([
      { summary: 'Unknown DNS provider "exce"', detail: "the provider of a dns_challenge block must be one of: acme-dns, exec" },
    ]);
  });

  it("skips what is not known yet", async () => {
    expect(await validateDnsChallenge({ provider: undefined, config: {} }, {})).toEqual([]);
    expect(await validateDnsChallenge({ provider: "exec", config: undefined }, {})).toEqual([]);
    expect(await validateDnsChallenge({ provider: "exec", config: { EXEC_PATH: undefined } }, {})).toEqual([]);
    expect(await validateDnsChallenge({ provider: "exec", config: { EXEC_PATH_FILE: undefined } }, {})).toEqual([]);
  });

  it("still checks the known values next to unknown ones", async () => {
    const problems = await validateDnsChallenge({ provider: "exec", config: { EXEC_PATH: undefined, EXEC_MODE: "Raw", EXEC_TYPO: undefined } }, {});
    expect(summaries(problems)).toEqual(["EXEC_TYPO is not a setting of the exec DNS provider", 'EXEC_MODE: "Raw" is not a valid value']);
  });

  it("tags each problem with its block", async () => {
    const problems = await validateDnsChallenges(
      [
        { provider: "exec", config: { EXEC_PATH: programA } },
        { provider: "exec", config: {} },
      ],
      {},
    );
    expect(problems).toEqual([expect.objectContaining({ block: 1, setting: "EXEC_PATH", summary: "EXEC_PATH is required" })]);
  });
});
