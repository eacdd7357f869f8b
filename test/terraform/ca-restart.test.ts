// A CA restarted empty at the same URL (Pebble keeps everything in memory: a new Pebble on
// the same ports is exactly that), through the real terraform CLI. Terraform sees no
// configuration change; only reading the account tells that the CA forgot everything.
//
// What plan shows follows the reference (vancluever/acme): an account the CA no longer
// knows is dropped from state with a warning and registered again. A certificate of a
// generated account key is then replaced (its account_key_pem is new); one of a given key
// stays, as the reference keeps it: it is the user's until it expires, and renews with the
// account registered again. Revoking what the CA forgot is impossible: a warning, never
// an error, so apply and destroy go through.
import { certStatus, startPebble, type PebbleInstance } from "../lab/index.js";
import {
  ACCOUNT,
  allOutput,
  certificate,
  certificateValues,
  eager,
  environment,
  hcl,
  openssl,
  removeWorkspaces,
  serialHex,
  stateList,
  uniqueName,
  workspace,
  type Values,
} from "./fixtures/stack.js";
import { providerBlock, resourceValues, type TerraformResult, type TerraformWorkspace, wrapped } from "./workspace.js";

const APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"];
const DESTROY = ["destroy", "-auto-approve", "-input=false", "-no-color"];

const pebbles: PebbleInstance[] = [];
afterAll(async () => {
  await Promise.all(pebbles.map((pebble) => pebble.stop()));
  removeWorkspaces();
});

/** A workspace on a Pebble of its own, applied once, then that Pebble restarted empty. */
async function appliedThenRestarted(config: string): Promise<{ ws: TerraformWorkspace; pebble: PebbleInstance; before: { registration: Values; cert: Values } }> {
  const pebble = await startPebble(environment);
  pebbles.push(pebble);
  const ws = workspace(config, { serverUrl: pebble.acmeDirectory });
  await ws.init();
  await ws.apply();
  const state = await ws.state();
  const before = { registration: resourceValues(state, "acme_registration.account"), cert: resourceValues(state, "acme_certificate.cert") };
  await pebble.restart();
  return { ws, pebble, before };
}

const noErrorNorTrace = (result: TerraformResult) => {
  expect(allOutput(result)).not.toMatch(/Error:/);
  expect(allOutput(result)).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
};

describe("a generated account key: the account is registered again and the certificate replaced", () => {
  const name = uniqueName("restart");
  const run = eager(async () => {
    const { ws, pebble, before } = await appliedThenRestarted(ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "P256"`));
    const plan = await ws.plan();
    const apply = await ws.run(APPLY);
    const after = apply.exitCode === 0 ? { registration: resourceValues(await ws.state(), "acme_registration.account"), cert: await certificateValues(ws) } : undefined;
    const planAgain = await ws.plan();
    const destroy = await ws.run(DESTROY);
    const revoked = after ? await certStatus(pebble.managementUrl, serialHex(after.cert)) : undefined;
    return { before, plan, apply, after, planAgain, destroy, revoked, list: await stateList(ws) };
  });

  test("plan: the account is gone (a warning naming it), so it is created again and the certificate replaced", async () => {
    const { plan, before } = await run();
    expect(plan.exitCode).toBe(2);
    noErrorNorTrace(plan);
    expect(allOutput(plan)).toMatch(wrapped("Warning: The ACME account no longer exists: the CA does not know its key"));
    expect(allOutput(plan)).toMatch(wrapped("It is removed from the state; the next apply registers it again"));
    expect(allOutput(plan)).toContain(before.registration.registration_url as string);
    expect(plan.stdout).toMatch(/acme_registration\.account will be created/);
    expect(plan.stdout).toMatch(/acme_certificate\.cert must be replaced/);
    expect(plan.stdout).toMatch(/Plan: 2 to add, 0 to change, 1 to destroy/);
  });

  test("apply: a new account and certificate from the restarted CA; the old certificate's revocation is a warning", async () => {
    const { apply, after, before } = await run();
    noErrorNorTrace(apply);
    expect(apply.exitCode).toBe(0);
    expect(allOutput(apply)).toMatch(wrapped("the certificate was not revoked: revoking the certificate"));
    expect(allOutput(apply)).toMatch(wrapped("stays valid until it expires"));
    expect(after!.registration.account_key_pem).not.toBe(before.registration.account_key_pem);
    expect(after!.cert.certificate_serial).not.toBe(before.cert.certificate_serial);
    expect(after!.cert.account_key_pem).toBe(after!.registration.account_key_pem);
  });

  test("then nothing to change, and destroy revokes the new certificate and leaves nothing", async () => {
    const { planAgain, destroy, revoked, list } = await run();
    expect(planAgain.exitCode).toBe(0);
    noErrorNorTrace(destroy);
    expect(destroy.exitCode).toBe(0);
    expect(revoked!.Status).toBe("Revoked");
    expect(list).toEqual([]);
  });
});

describe("a given account key: the account is registered again, the certificate stays and renews", () => {
  const name = uniqueName("restartkey");
  const run = eager(async () => {
    const key = await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    const config = (minDays: number) =>
      `resource "acme_registration" "account" {\n  account_key_pem = ${hcl(key)}\n  email_address   = "tests@${environment.zone}"\n}\n` +
      certificate("cert", `  common_name = "${name}"\n  key_type = "P256"\n  min_days_remaining = ${minDays}`);
    const { ws, pebble, before } = await appliedThenRestarted(config(30));
    const plan = await ws.plan();
    const apply = await ws.run(APPLY);
    const kept = await certificateValues(ws);
    // Renewal, due now (Pebble's certificates last 5 years): issued by the restarted CA for the account registered again.
    ws.write("main.tf", providerBlock(pebble.acmeDirectory) + config(4000));
    const renew = await ws.run(APPLY);
    const renewed = await certificateValues(ws);
    const destroy = await ws.run(DESTROY);
    const revoked = renew.exitCode === 0 ? await certStatus(pebble.managementUrl, serialHex(renewed)) : undefined;
    return { before, plan, apply, kept, renew, renewed, destroy, revoked, list: await stateList(ws) };
  });

  test("plan: only the account is created again; the certificate is not touched", async () => {
    const { plan } = await run();
    expect(plan.exitCode).toBe(2);
    noErrorNorTrace(plan);
    expect(allOutput(plan)).toMatch(wrapped("Warning: The ACME account no longer exists: the CA does not know its key"));
    expect(plan.stdout).toMatch(/acme_registration\.account will be created/);
    expect(plan.stdout).not.toMatch(/acme_certificate\.cert (will|must)/);
    expect(plan.stdout).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy/);
  });

  test("apply registers the key again and keeps the certificate", async () => {
    const { apply, kept, before } = await run();
    noErrorNorTrace(apply);
    expect(apply.exitCode).toBe(0);
    expect(kept.certificate_pem).toBe(before.cert.certificate_pem);
  });

  test("a renewal is then issued in place by the restarted CA; destroy revokes it and leaves nothing", async () => {
    const { renew, renewed, kept, destroy, revoked, list } = await run();
    noErrorNorTrace(renew);
    expect(renew.exitCode).toBe(0);
    expect(renewed.id).toBe(kept.id);
    expect(renewed.certificate_serial).not.toBe(kept.certificate_serial);
    noErrorNorTrace(destroy);
    expect(destroy.exitCode).toBe(0);
    expect(revoked!.Status).toBe("Revoked");
    expect(list).toEqual([]);
  });
});

describe("destroy right after the restart, with or without refreshing first: warnings, and nothing left", () => {
  const runs = ["-refresh=true", "-refresh=false"].map((refresh) => {
    const name = uniqueName("restartdestroy");
    return {
      refresh,
      run: eager(async () => {
        const { ws } = await appliedThenRestarted(ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "P256"`));
        const destroy = await ws.run([...DESTROY, refresh]);
        return { destroy, list: await stateList(ws) };
      }),
    };
  });

  test.each(runs)("$refresh", async ({ run }) => {
    const { destroy, list } = await run();
    noErrorNorTrace(destroy);
    expect(destroy.exitCode).toBe(0);
    expect(allOutput(destroy)).toMatch(wrapped("the certificate was not revoked"));
    expect(list).toEqual([]);
  });
});
