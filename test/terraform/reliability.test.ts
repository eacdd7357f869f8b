// Faults through the real terraform CLI that must end in a state the next apply repairs:
// the CA forgetting the account and certificate (server_url switched to another CA, which
// is what a CA restarted with empty storage looks like too), certificates without a CN,
// resolvers that refuse, an exec program's fractional `timeout` answer.
import { execa } from "execa";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startPebble, unusedPort, type PebbleInstance } from "../lab/index.js";
import {
  ACCOUNT,
  allOutput,
  certificate,
  certificateValues,
  challengeTxt,
  eager,
  environment,
  execChallenge,
  nsupdateConfig,
  openssl,
  removeScratch,
  removeWorkspaces,
  scratch,
  stateList,
  uniqueName,
  workspace,
} from "./fixtures/stack.js";
import { providerBlock, type TerraformWorkspace, wrapped } from "./workspace.js";

let other: PebbleInstance | undefined;
afterAll(async () => {
  await other?.stop();
  removeWorkspaces();
  removeScratch();
});

describe("the CA no longer knows the account and the certificates (server_url switched, or a CA restarted empty)", () => {
  const keyed = uniqueName("switch");
  const csrName = uniqueName("nocn");
  const run = eager(async () => {
    other = await startPebble(environment);
    // No CN: the names are in the SANs only, as CAs that drop the CN issue them.
    const csr = await openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/", "-addext", `subjectAltName=DNS:${csrName}`]);
    const config =
      ACCOUNT + certificate("cert", `  common_name = "${keyed}"`) + certificate("csr", `  certificate_request_pem = ${JSON.stringify(csr)}`);
    const ws = workspace(config, { serverUrl: other.acmeDirectory });
    await ws.init();
    await ws.apply();
    const before = { cert: await certificateValues(ws, "cert"), csr: await certificateValues(ws, "csr") };
    ws.write("main.tf", providerBlock(environment.acmeDirectory) + config);
    const plan = await ws.plan();
    const apply = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
    const after = apply.exitCode === 0 ? { cert: await certificateValues(ws, "cert"), csr: await certificateValues(ws, "csr") } : undefined;
    const destroy = await ws.run(["destroy", "-auto-approve", "-input=false", "-no-color"]);
    return { before, plan, apply, after, destroy, list: await stateList(ws) };
  });

  test("a certificate issued for a CSR without a CN: certificate_domain is the order's first name", async () => {
    const { before } = await run();
    expect(before.csr.certificate_domain).toBe(csrName);
    expect(before.cert.certificate_domain).toBe(keyed);
  });

  test("plan: the registration is gone (created again), so both certificates are replaced", async () => {
    const { plan } = await run();
    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toMatch(/acme_registration\.account will be created/);
    expect(plan.stdout).toMatch(/acme_certificate\.cert must be replaced/);
    expect(plan.stdout).toMatch(/acme_certificate\.csr must be replaced/);
    expect(plan.stdout).toMatch(/Plan: 3 to add, 0 to change, 2 to destroy/);
  });

  test("apply replaces them, warning that the old certificates could not be revoked", async () => {
    const { apply, after, before } = await run();
    expect(allOutput(apply)).not.toMatch(/Error:/);
    expect(apply.exitCode).toBe(0);
    const output = allOutput(apply);
    // The keyed certificate: signed with its own key, the new CA does not know it.
    expect(output).toMatch(wrapped("the certificate was not revoked: revoking the certificate"));
    expect(output).toMatch(/Unable to find specified certificate/);
    // The CSR certificate: no account and no key to sign with.
    expect(output).toMatch(wrapped("the account key has no active account at"));
    expect(output).toMatch(wrapped("stays valid until it expires"));
    expect(after!.cert.certificate_serial).not.toBe(before.cert.certificate_serial);
    expect(after!.csr.certificate_url).toMatch(new URL(environment.acmeDirectory).origin);
  });

  test("destroy then succeeds and leaves nothing", async () => {
    const { destroy, list } = await run();
    expect(allOutput(destroy)).not.toMatch(/Error:/);
    expect(destroy.exitCode).toBe(0);
    expect(list).toEqual([]);
  });
});

test("a resolver that refuses is named at once, not after the propagation timeout; nothing is left behind", async () => {
  const name = uniqueName("refused");
  const resolver = `127.0.0.1:${await unusedPort()}`;
  const ws = workspace(
    ACCOUNT +
      `resource "acme_certificate" "cert" {
  account_key_pem       = acme_registration.account.account_key_pem
  common_name           = "${name}"
  recursive_nameservers = ["${resolver}"]
${execChallenge(nsupdateConfig({ EXEC_PROPAGATION_TIMEOUT: "120" }))}}
`,
  );
  await ws.init();
  const started = Date.now();
  const result = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
  expect(result.exitCode).toBe(1);
  expect(Date.now() - started).toBeLessThan(60_000);
  expect(result.stderr).toMatch(wrapped(`the recursive nameserver ${resolver} (recursive_nameservers) refused the query (ECONNREFUSED)`));
  expect(result.stderr).toMatch(wrapped("fix recursive_nameservers"));
  expect(await stateList(ws)).toEqual(["acme_registration.account"]);
  expect(await challengeTxt(name)).toEqual([]);
  await ws.destroy();
});

test("the exec program's fractional `timeout` answer is used, not a timer error", async () => {
  const name = uniqueName("fraction");
  const { EXEC_POLLING_INTERVAL: _, ...config } = nsupdateConfig({ TIMEOUT_ANSWER: '{"timeout": 16.1, "interval": 0.5}' });
  const ws = workspace(ACCOUNT + certificate("cert", `  common_name = "${name}"`, execChallenge(config)));
  await ws.init();
  const result = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
  expect(allOutput(result)).not.toMatch(/out of range|must be an integer/);
  expect(result.exitCode).toBe(0);
  expect((await certificateValues(ws)).certificate_domain).toBe(name);
  await ws.destroy();
});

describe("a provider killed outright (SIGKILL) leaves no process, and the next apply removes what it presented", () => {
  const APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"];

  /** The provider terraform started: its only child during an apply. */
  async function providerOf(terraformPid: number): Promise<number> {
    for (let waited = 0; waited < 30_000; waited += 100) {
      const children = (await execa("pgrep", ["-P", String(terraformPid)], { reject: false })).stdout.trim().split("\n").filter(Boolean);
      if (children.length === 1) return Number(children[0]);
      await sleep(100);
    }
    throw new Error("the provider process was not found");
  }

  async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    for (let waited = 0; !(await condition()); waited += 100) {
      if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));

  /** Kills the provider of a running apply once `ready` holds; returns what it left. */
  async function killDuring(ws: TerraformWorkspace, name: string, ready: () => boolean | Promise<boolean>, programPids: () => number[]) {
    const terraform = ws.start(APPLY);
    await until("the moment to kill the provider", ready);
    const provider = await providerOf(terraform.pid!);
    const pids = programPids();
    process.kill(provider, "SIGKILL");
    const killed = await terraform;
    // The watcher's grace is 2 s; well within 10 s every program process must be gone.
    await until("the programs to be stopped", () => pids.every((pid) => !alive(pid)), 10_000).catch(() => undefined);
    return { killed, lingering: pids.filter(alive), txtAfterKill: await challengeTxt(name) };
  }

  test.concurrent("during present (a program still running, with a child)", async () => {
    const name = uniqueName("killpresent");
    const files = scratch({ hang: "" });
    const flag = files.hang!;
    const ws = workspace(ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "P256"`, execChallenge(nsupdateConfig({ HANG_FLAG: flag, EXEC_PROPAGATION_TIMEOUT: "120" }))));
    await ws.init();
    const { killed, lingering, txtAfterKill } = await killDuring(
      ws,
      name,
      () => existsSync(`${flag}.pid`),
      () => readFileSync(`${flag}.pid`, "utf8").trim().split(" ").map(Number),
    );
    expect(killed.exitCode).not.toBe(0);
    expect(lingering).toEqual([]);
    expect(txtAfterKill).toHaveLength(1);

    rmSync(flag);
    const again = await ws.run(APPLY, { TF_LOG: "INFO" });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/presented by a provider run that was killed before it could/);
    expect(await challengeTxt(name)).toEqual([]);
    expect(readdirSync(join(ws.dir, ".acme-tf-state", "presented"))).toEqual([]);
    await ws.destroy();
  });

  test.concurrent("during the propagation wait", async () => {
    const name = uniqueName("killwait");
    const recorded = scratch({ calls: "" }).calls!;
    const body = (wait: string) => `  common_name = "${name}"\n  key_type = "P256"\n${wait}`;
    const config = (wait: string) => ACCOUNT + certificate("cert", body(wait), execChallenge(nsupdateConfig({ RECORD_FILE: recorded })));
    const ws = workspace(config("  propagation_wait = 600"));
    await ws.init();
    const { killed, lingering, txtAfterKill } = await killDuring(
      ws,
      name,
      // The program records its call first thing: only once its record is in the zone has
      // it finished, and the provider is waiting.
      async () => readFileSync(recorded, "utf8").includes("present") && (await challengeTxt(name)).length > 0,
      () => [],
    );
    expect(killed.exitCode).not.toBe(0);
    expect(lingering).toEqual([]);
    expect(txtAfterKill).toHaveLength(1);
    const [killedValue] = txtAfterKill;

    ws.write("main.tf", providerBlock(environment.acmeDirectory) + config(""));
    const again = await ws.run(APPLY, { TF_LOG: "INFO" });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/presented by a provider run that was killed before it could/);
    // The killed run's value was cleaned up by the next run, before it presented its own.
    const cleanups = readFileSync(recorded, "utf8").split("\n").filter((line) => line.startsWith("cleanup|"));
    expect(cleanups[0]).toContain(killedValue);
    expect(await challengeTxt(name)).toEqual([]);
    await ws.destroy();
  });
});
