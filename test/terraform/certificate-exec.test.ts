// The exec DNS provider of acme_certificate through the real terraform CLI: argument forms,
// where settings come from, the `timeout` command, failing and hanging programs, several
// dns_challenge blocks, and secrets kept out of every output and log.
import { execa } from "execa";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dig, nsupdate } from "../lab/index.js";
import {
  ACCOUNT,
  allOutput,
  certificate,
  certificateValues,
  challengeTxt,
  dnsUpdateScript,
  environment,
  execChallenge,
  hangScript,
  hclMap,
  nsupdateConfig,
  removeScratch,
  eager,
  removeWorkspaces,
  scratch,
  stateList,
  subjectAltNames,
  uniqueName,
  workspace,
} from "./fixtures/stack.js";
import { type TerraformResult, type TerraformWorkspace, wrapped } from "./workspace.js";

afterAll(() => {
  removeWorkspaces();
  removeScratch();
});

/** An empty file the program appends its calls to; read back with `calls`. */
function recordFile(): string {
  return scratch({ calls: "" }).calls!;
}

/** The recorded calls, each as its arguments. */
function calls(file: string): string[][] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("|"));
}

const TXT_VALUE = /^[A-Za-z0-9_-]{43}$/;
/** An acme-dns account whose CNAME nobody created: its block fails before sending anything. */
const UNDELEGATED_ACCOUNT = {
  username: "c3a4e1f0-0000-4000-8000-000000000001",
  password: "not-used-not-used-not-used-not-used-not-",
  fulldomain: "d420c923-bbd7-4056-ab64-c3ca54c9b3cf.acmedns.acme-tf.test",
  subdomain: "d420c923-bbd7-4056-ab64-c3ca54c9b3cf",
};
const TOKEN = /^[A-Za-z0-9_-]+$/;

describe("argument forms: default and RAW; a CNAME'd challenge name", () => {
  const plain = uniqueName("plain");
  const raw = uniqueName("raw");
  const aliased = uniqueName("aliased");
  const target = uniqueName("target");
  const plainCalls = recordFile();
  const rawCalls = recordFile();
  const aliasedCalls = recordFile();
  let ws: TerraformWorkspace;

  const stack = eager(async () => {
    // The user delegates the challenge record elsewhere; the CA follows the CNAME.
    await nsupdate(environment, [`update add _acme-challenge.${aliased}. 1 CNAME ${target}.`]);
    ws = workspace(
      ACCOUNT +
        certificate("plain", `  common_name = "${plain}"\n  key_type = "P256"`, execChallenge(nsupdateConfig({ RECORD_FILE: plainCalls }))) +
        certificate(
          "raw",
          `  common_name = "${raw}"\n  subject_alternative_names = ["*.${raw}"]\n  key_type = "P256"`,
          execChallenge(nsupdateConfig({ EXEC_MODE: "RAW", RECORD_FILE: rawCalls })),
        ) +
        certificate("aliased", `  common_name = "${aliased}"\n  key_type = "P256"`, execChallenge(nsupdateConfig({ RECORD_FILE: aliasedCalls }))),
    );
    await ws.init();
    await ws.apply();
  });

  test.concurrent("default mode: present/cleanup <fqdn with trailing dot> <43-character value>, no --", async () => {
    await stack();
    const recorded = calls(plainCalls);
    expect(recorded[0]).toEqual(["timeout"]);
    const presents = recorded.filter((call) => call[0] === "present");
    expect(presents).toHaveLength(1);
    expect(presents[0]).toEqual(["present", `_acme-challenge.${plain}.`, expect.stringMatching(TXT_VALUE)]);
    expect(recorded.filter((call) => call[0] === "cleanup")).toEqual(presents.map(([, ...args]) => ["cleanup", ...args]));
    expect(await subjectAltNames((await certificateValues(ws, "plain")).certificate_pem as string)).toEqual([plain]);
  });

  test.concurrent("RAW mode: present -- <domain> <token> <key authorization>, the domain without *. or trailing dot", async () => {
    await stack();
    const recorded = calls(rawCalls);
    const presents = recorded.filter((call) => call[0] === "present");
    // The apex and its wildcard: two challenges for one domain.
    expect(presents).toHaveLength(2);
    for (const call of presents) {
      expect(call).toHaveLength(5);
      const [, dashes, domain, token, keyAuthorization] = call as [string, string, string, string, string];
      expect(dashes).toBe("--");
      expect(domain).toBe(raw);
      expect(token).toMatch(TOKEN);
      expect(keyAuthorization).toMatch(new RegExp(`^${token.replace(/[-]/g, "\\-")}\\.[A-Za-z0-9_-]{43}$`));
    }
    expect(new Set(presents.map((call) => call[3])).size).toBe(2);
    const cleanups = recorded.filter((call) => call[0] === "cleanup");
    expect(cleanups.map(([, ...args]) => args).sort()).toEqual(presents.map(([, ...args]) => args).sort());
    expect(await subjectAltNames((await certificateValues(ws, "raw")).certificate_pem as string)).toEqual([`*.${raw}`, raw].sort());
    expect(await challengeTxt(raw)).toEqual([]);
  });

  test.concurrent("a CNAME'd _acme-challenge name: the program gets the CNAME's target", async () => {
    await stack();
    const presents = calls(aliasedCalls).filter((call) => call[0] === "present");
    expect(presents).toEqual([["present", `${target}.`, expect.stringMatching(TXT_VALUE)]]);
    expect(await subjectAltNames((await certificateValues(ws, "aliased")).certificate_pem as string)).toEqual([aliased]);
    const leftover = await dig(environment.authoritative, `${target}.`, "TXT");
    expect(leftover).toEqual([]);
  });

  test.concurrent("a plan after apply has nothing to do", async () => {
    await stack();
    expect((await ws.plan()).exitCode).toBe(0);
  });
});

const APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"];

test.concurrent("settings from the provider process's environment, with no config map", async () => {
  const name = uniqueName("env");
  const ws = workspace(ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "P256"`, execChallenge(null)), { env: nsupdateConfig() });
  await ws.init();
  expect((await ws.run(["validate", "-no-color"])).exitCode).toBe(0);
  await ws.apply();
  expect(await subjectAltNames((await certificateValues(ws)).certificate_pem as string)).toEqual([name]);
});

test.concurrent("the program sees NODE_EXTRA_CA_CERTS as the user set it (the launcher's hand-over undone)", async () => {
  const name = uniqueName("caenv");
  const record = recordFile();
  const ws = workspace(ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "P256"`, execChallenge(nsupdateConfig({ RECORD_FILE: record, RECORD_CA_ENV: "1" }))));
  await ws.init();
  await ws.apply();
  const seen = readFileSync(record, "utf8").split("\n").filter((line) => line.startsWith("NODE_EXTRA_CA_CERTS="));
  expect(seen.length).toBeGreaterThan(0);
  for (const line of seen) expect(line).toBe(`NODE_EXTRA_CA_CERTS=${environment.caCertPath} ACME_TF_NODE_EXTRA_CA_CERTS=(unset)`);
});

describe("EXEC_PATH_FILE, and the timeout command", () => {
  const fromFile = uniqueName("file");
  const answered = uniqueName("answer");
  const garbage = uniqueName("garbage");
  const relative = uniqueName("relative");
  const oddPath = uniqueName("odd");
  const ODD_PROGRAM = "my scripts/update $(touch pwned); dns.sh";
  const answeredCalls = recordFile();
  const garbageCalls = recordFile();
  let ws: TerraformWorkspace;
  let apply: TerraformResult;

  const stack = eager(async () => {
    const { EXEC_PATH, EXEC_POLLING_INTERVAL: _, ...nsupdate } = nsupdateConfig();
    const pathFile = scratch({ "exec-path": `${EXEC_PATH}\n` })["exec-path"]!;
    ws = workspace(
      ACCOUNT +
        // EXEC_PATH_FILE: a file holding the program's path (with a trailing newline); both
        // timings set, so the program is not asked for them.
        certificate("file", `  common_name = "${fromFile}"\n  key_type = "P256"`, execChallenge({ EXEC_PATH_FILE: pathFile, EXEC_POLLING_INTERVAL: "1", EXEC_PROPAGATION_TIMEOUT: "30", ...nsupdate })) +
        // No timing settings: the program's answer to `timeout` applies.
        certificate(
          "answered",
          `  common_name = "${answered}"\n  key_type = "P256"`,
          execChallenge({ EXEC_PATH, ...nsupdate, RECORD_FILE: answeredCalls, TIMEOUT_ANSWER: '{"timeout": 5, "interval": 1}' }),
        ) +
        // A relative EXEC_PATH, as in the seed's example: relative to Terraform's working directory.
        certificate("relative", `  common_name = "${relative}"\n  key_type = "P256"`, execChallenge(nsupdateConfig({ EXEC_PATH: "./update-dns.sh", EXEC_PROPAGATION_TIMEOUT: "30" }))) +
        // A path no shell would survive: run as it is, never interpreted.
        certificate("odd_path", `  common_name = "${oddPath}"\n  key_type = "P256"`, execChallenge(nsupdateConfig({ EXEC_PATH: `./${ODD_PROGRAM}`, EXEC_PROPAGATION_TIMEOUT: "30" }))) +
        certificate(
          "garbage",
          `  common_name = "${garbage}"\n  key_type = "P256"`,
          execChallenge({ EXEC_PATH, ...nsupdate, RECORD_FILE: garbageCalls, TIMEOUT_ANSWER: "soon, I promise" }),
        ),
    );
    for (const program of ["update-dns.sh", ODD_PROGRAM]) {
      ws.write(program, readFileSync(dnsUpdateScript, "utf8"));
      chmodSync(join(ws.dir, program), 0o755);
    }
    await ws.init();
    apply = await ws.ok(APPLY, { TF_LOG_PROVIDER: "WARN" });
  });

  test.concurrent("EXEC_PATH_FILE names a file holding the program's path", async () => {
    await stack();
    expect(await subjectAltNames((await certificateValues(ws, "file")).certificate_pem as string)).toEqual([fromFile]);
  });

  test.concurrent("a relative EXEC_PATH (./update-dns.sh) runs from Terraform's working directory", async () => {
    await stack();
    expect(await subjectAltNames((await certificateValues(ws, "relative")).certificate_pem as string)).toEqual([relative]);
  });

  test.concurrent("an EXEC_PATH with spaces, $( ) and ; is run as it is, without a shell", async () => {
    await stack();
    expect(await subjectAltNames((await certificateValues(ws, "odd_path")).certificate_pem as string)).toEqual([oddPath]);
    expect(existsSync(join(ws.dir, "pwned"))).toBe(false);
  });

  test.concurrent("a JSON answer to timeout is used; issuance works", async () => {
    await stack();
    expect(calls(answeredCalls)[0]).toEqual(["timeout"]);
    expect(await subjectAltNames((await certificateValues(ws, "answered")).certificate_pem as string)).toEqual([answered]);
  });

  test.concurrent("garbage for timeout: a warning naming the program and its answer, and issuance still works", async () => {
    await stack();
    expect(calls(garbageCalls)[0]).toEqual(["timeout"]);
    expect(await subjectAltNames((await certificateValues(ws, "garbage")).certificate_pem as string)).toEqual([garbage]);
    const warnings = apply.stderr.split("\n").filter((line) => /gave no usable answer/.test(line));
    // Only the garbage answer is warned about, not the JSON one.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/dns-update\.sh timeout/);
    expect(warnings[0]).toMatch(/soon, I promise/);
    // Shown to the user as a Terraform warning too, not only in the provider's log.
    expect(apply.stdout).toMatch(/Warning: exec: "[^"]*dns-update\.sh timeout" gave no/);
  });
});

describe("programs that fail or hang: the apply fails with their story, nothing is left behind", () => {
  const failing = uniqueName("fail");
  const twoBlocks = uniqueName("two");
  const invisible = uniqueName("invisible");
  const explicit = uniqueName("explicit");
  const hanging = uniqueName("hang");
  const refused = uniqueName("refused");
  const refusedCalls = recordFile();
  const failingCalls = recordFile();
  const invisibleCalls = recordFile();
  let ws: TerraformWorkspace;
  let apply: TerraformResult;
  let output: string;
  let seconds: number;

  const stack = eager(async () => {
    const skip = { SKIP_UPDATE: "1", EXEC_POLLING_INTERVAL: "" };
    ws = workspace(
      ACCOUNT +
        // Three names; the program adds the record of a.<name>, then exits 3.
        certificate(
          "failing",
          `  common_name = "${failing}"\n  subject_alternative_names = ["a.${failing}", "b.${failing}"]\n  key_type = "P256"`,
          execChallenge(nsupdateConfig({ RECORD_FILE: failingCalls, FAIL_PRESENT: "1", FAIL_FOR: `a.${failing}`, FAIL_MESSAGE: "zone server says REFUSED" })),
        ) +
        // Two dns_challenge blocks (one per provider, as the reference requires), both
        // failing: both errors must be shown. The acme-dns account's CNAME was never created.
        certificate(
          "two",
          `  common_name = "${twoBlocks}"\n  key_type = "P256"`,
          execChallenge(nsupdateConfig({ FAIL_PRESENT: "1", FAIL_MESSAGE: "first provider is down" })) +
            `  dns_challenge {\n    provider = "acme-dns"\n    config = ${hclMap({ ACME_DNS_API_BASE: "http://127.0.0.1:9", ACME_DNS_PROPAGATION_TIMEOUT: "2", ACME_DNS_POLLING_INTERVAL: "1", ACME_DNS_STORAGE_JSON: JSON.stringify({ [twoBlocks]: UNDELEGATED_ACCOUNT }) })}\n  }\n`,
        ) +
        // The record never appears: the program's timeout answer bounds the wait.
        certificate(
          "invisible",
          `  common_name = "${invisible}"\n  key_type = "P256"`,
          execChallenge(nsupdateConfig({ ...skip, RECORD_FILE: invisibleCalls, TIMEOUT_ANSWER: '{"timeout": 2, "interval": 1}' })),
        ) +
        // ... unless EXEC_PROPAGATION_TIMEOUT is set, which wins over the answer.
        certificate(
          "explicit",
          `  common_name = "${explicit}"\n  key_type = "P256"`,
          execChallenge(nsupdateConfig({ ...skip, EXEC_PROPAGATION_TIMEOUT: "3", TIMEOUT_ANSWER: '{"timeout": 600, "interval": 1}' })),
        ) +
        // No propagation check (propagation_wait), and no record: the CA's verdict is shown.
        certificate(
          "refused",
          `  common_name = "${refused}"\n  key_type = "P256"\n  propagation_wait = 1`,
          execChallenge(nsupdateConfig({ SKIP_UPDATE: "1", RECORD_FILE: refusedCalls })),
        ) +
        // A program that never finishes, whatever it is asked.
        certificate("hanging", `  common_name = "${hanging}"\n  key_type = "P256"`, execChallenge({ EXEC_PATH: hangScript, EXEC_PROPAGATION_TIMEOUT: "3" })),
    );
    await ws.init();
    const started = Date.now();
    apply = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
    seconds = (Date.now() - started) / 1000;
    output = allOutput(apply);
  });

  test.concurrent("the apply fails in bounded time, and no certificate is in the state", async () => {
    await stack();
    expect(apply.exitCode).toBe(1);
    // The hanging program is stopped three times (timeout, present, cleanup) at 3 s each.
    expect(seconds).toBeLessThan(45);
    expect(await stateList(ws)).toEqual(["acme_registration.account"]);
    expect(output).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  });

  test.concurrent("a program exiting 3: its exit code and stderr are in the error; everything presented is cleaned up", async () => {
    await stack();
    expect(output).toMatch(wrapped("exited with code 3"));
    expect(output).toMatch(wrapped(`zone server says REFUSED (_acme-challenge.a.${failing}.)`));
    const recorded = calls(failingCalls);
    const presented = recorded.filter((call) => call[0] === "present").map((call) => call[1]);
    const cleaned = recorded.filter((call) => call[0] === "cleanup").map((call) => call[1]);
    expect(presented.sort()).toEqual([failing, `a.${failing}`, `b.${failing}`].map((name) => `_acme-challenge.${name}.`).sort());
    expect(cleaned.sort()).toEqual(presented.sort());
    for (const name of [failing, `a.${failing}`, `b.${failing}`]) expect(await challengeTxt(name)).toEqual([]);
  });

  test.concurrent("two failing dns_challenge blocks: both errors are reported", async () => {
    await stack();
    expect(output).toMatch(wrapped(`first provider is down (_acme-challenge.${twoBlocks}.)`));
    expect(output).toMatch(wrapped(`_acme-challenge.${twoBlocks}. CNAME ${UNDELEGATED_ACCOUNT.fulldomain}.`));
    expect(output).toMatch(/dns_challenge\[0\]/);
    expect(output).toMatch(/dns_challenge\[1\]/);
    expect(await challengeTxt(twoBlocks)).toEqual([]);
  });

  test.concurrent("a record that never appears: the program's timeout answer bounds the wait, and the error says what the server answered", async () => {
    await stack();
    expect(output).toMatch(wrapped(`_acme-challenge.${invisible}. not visible after 2 s`));
    expect(output).toMatch(/answered \[\]/);
    expect(calls(invisibleCalls).map((call) => call[0])).toEqual(["timeout", "present", "cleanup"]);
  });

  test.concurrent("EXEC_PROPAGATION_TIMEOUT wins over the program's timeout answer", async () => {
    await stack();
    expect(output).toMatch(wrapped(`_acme-challenge.${explicit}. not visible after 3 s`));
  });

  test.concurrent("the CA finds no record: its verdict is in the error, and cleanup ran", async () => {
    await stack();
    expect(output).toMatch(wrapped(`the CA could not validate ${refused}`));
    expect(output).toMatch(new RegExp(`_acme-challenge\\.${refused.replaceAll(".", "\\.")}`));
    expect(calls(refusedCalls).map((call) => call[0])).toEqual(["timeout", "present", "cleanup"]);
  });

  test.concurrent("a hanging program is killed at EXEC_PROPAGATION_TIMEOUT, with a clear message, and does not linger", async () => {
    await stack();
    // Named by its base name only: EXEC_PATH is part of the sensitive config map.
    expect(output).toMatch(wrapped(`"hang.sh present _acme-challenge.${hanging}.`));
    expect(output).not.toContain(hangScript);
    expect(output).toMatch(wrapped("did not finish within 3 s and was killed"));
    const lingering = await execa("pgrep", ["-f", hangScript], { reject: false });
    expect(lingering.stdout.trim()).toBe("");
  });
});

test.concurrent("Ctrl-C while waiting for propagation: terraform stops promptly, the record is cleaned up, nothing is in the state", async () => {
  const name = uniqueName("interrupt");
  const recorded = recordFile();
  // The record never appears, and the wait would last 10 minutes.
  const config = nsupdateConfig({ SKIP_UPDATE: "1", RECORD_FILE: recorded, EXEC_PROPAGATION_TIMEOUT: "600" });
  const ws = workspace(ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "P256"`, execChallenge(config)));
  await ws.init();
  // As TerraformWorkspace runs it, but with the process at hand to interrupt.
  const env = { TF_CLI_CONFIG_FILE: join(ws.dir, ".terraformrc"), TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", NODE_EXTRA_CA_CERTS: environment.caCertPath };
  const terraform = execa("terraform", APPLY, { cwd: ws.dir, env, reject: false, stdin: "ignore", timeout: 120_000 });
  for (let waited = 0; !readFileSync(recorded, "utf8").includes("present"); waited += 100) {
    if (waited > 30_000) throw new Error("the program was never asked to present the record");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000)); // well into the propagation wait
  const interrupted = Date.now();
  terraform.kill("SIGINT");
  const result = await terraform;
  expect((Date.now() - interrupted) / 1000).toBeLessThan(15);
  expect(result.exitCode).toBe(1);
  expect(allOutput({ stdout: String(result.stdout), stderr: String(result.stderr) })).toMatch(wrapped("Terraform asked the provider to stop (interrupted)"));
  expect(calls(recorded).map((call) => call[0])).toEqual(["present", "cleanup"]);
  expect(await stateList(ws)).toEqual(["acme_registration.account"]);
});

describe("secrets", () => {
  test.concurrent("a secret config value and the account key never appear in terraform's output or TRACE logs, nor leak to another certificate's program", async () => {
    const secret = `s3cr3t-value-${Math.random().toString(36).slice(2)}`;
    const withSecret = recordFile();
    const other = recordFile();
    const logFile = scratch({ "terraform.log": "" })["terraform.log"]!;
    const ws = workspace(
      ACCOUNT +
        certificate("secret", `  common_name = "${uniqueName("secret")}"\n  key_type = "P256"`, execChallenge(nsupdateConfig({ RECORD_FILE: withSecret, MY_SECRET: secret }))) +
        certificate("other", `  common_name = "${uniqueName("other")}"\n  key_type = "P256"`, execChallenge(nsupdateConfig({ RECORD_FILE: other }))) +
        `output "config" {\n  value     = acme_certificate.secret.dns_challenge\n  sensitive = true\n}\n`,
    );
    await ws.init();
    const env = { TF_LOG: "TRACE", TF_LOG_PATH: logFile };
    const results = [
      await ws.ok(APPLY, env),
      await ws.run(["plan", "-detailed-exitcode", "-input=false", "-no-color", "-out", join(ws.dir, "tfplan")], env),
      await ws.ok(["show", "-no-color"], env),
    ];
    expect(results[1]!.exitCode).toBe(0);

    const account = (await ws.state()).values!.root_module!.resources!.find((r) => r.address === "acme_registration.account")!.values;
    const accountKeyBody = (account.account_key_pem as string).replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    expect(accountKeyBody.length).toBeGreaterThan(40);
    const everything = [...results.flatMap(allOutputOf), readFileSync(logFile, "utf8")].join("\n").replace(/\s+/g, "");
    expect(everything.length).toBeGreaterThan(10_000); // TRACE logs were written
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(accountKeyBody.slice(0, 64));
    // Nor the certificate's private key, nor its PKCS#12 bundle.
    const secretCert = await certificateValues(ws, "secret");
    const privateKeyBody = (secretCert.private_key_pem as string).replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    expect(everything).not.toContain(privateKeyBody.slice(0, 64));
    expect(everything).not.toContain((secretCert.certificate_p12 as string).slice(0, 64));

    // The program of the block got the secret (in its environment); the other one did not.
    expect(readFileSync(withSecret, "utf8")).toContain(`MY_SECRET length ${secret.length}`);
    expect(readFileSync(other, "utf8")).not.toContain("MY_SECRET");
  });
});

function allOutputOf(result: TerraformResult): string[] {
  return [result.stdout, result.stderr];
}
