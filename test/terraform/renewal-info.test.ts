// use_renewal_info through the real terraform CLI. Debian's Pebble (2.4) has no ACME
// Renewal Information: the CA here is the lab's CA stand-in with ARI (test/lab/ca-stand-in.ts), which
// stands in for a CA with ARI in front of Pebble and follows RFC 9773 to the letter.
import { startCaStandIn, type CaStandIn } from "../lab/ca-stand-in.js";
import { certStatus } from "../lab/index.js";
import { ACCOUNT, certificate, certificateValues, environment, hcl, removeWorkspaces, serialHex, uniqueName, workspace } from "./fixtures/stack.js";
import { providerBlock } from "./workspace.js";

let ari: CaStandIn;
beforeAll(async () => {
  ari = await startCaStandIn(environment, { renewalInfo: true });
});
afterAll(async () => {
  removeWorkspaces();
  await ari.stop();
});

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

test("inside the CA's window: renew in place (with `replaces`); before it: no change; Retry-After honoured until renewal_info_ignore_retry_after", async () => {
  const name = uniqueName("ari");
  const config = (extra = "") => ACCOUNT + certificate("cert", `  common_name = ${hcl(name)}\n  key_type = "P256"\n  use_renewal_info = true\n${extra}`);
  const ws = workspace(config(), { serverUrl: ari.acmeDirectory });
  await ws.init();
  await ws.apply();
  const first = await certificateValues(ws);
  // Issuing read the window at once: the stand-in's default is the last third of the lifetime.
  expect(first.renewal_info_window_start).toMatch(RFC3339);
  expect(first.renewal_info_window_end).toMatch(RFC3339);
  const selected = Date.parse(first.renewal_info_window_selected as string);
  expect(selected).toBeGreaterThanOrEqual(Date.parse(first.renewal_info_window_start as string));
  expect(selected).toBeLessThan(Date.parse(first.renewal_info_window_end as string));
  // The stand-in's Retry-After of six hours, as a moment.
  expect(Date.parse(first.renewal_info_retry_after as string) - Date.now()).toBeGreaterThan(5 * 3600_000);

  // Before the window: no change, and the plan is stable (the selected moment is kept).
  expect((await ws.plan()).exitCode).toBe(0);
  expect((await certificateValues(ws)).renewal_info_window_selected).toBe(first.renewal_info_window_selected);

  // The CA moves the window into the past (as after a revocation) ...
  ari.setWindow(serialHex(first), { start: new Date(Date.now() - 2 * 3600_000), end: new Date(Date.now() - 3600_000), explanationUrl: "https://ca.test/incident" });
  const asked = ari.renewalInfoRequests.length;
  // ... but its Retry-After has not passed: terraform does not ask, nothing changes.
  expect((await ws.plan()).exitCode).toBe(0);
  expect(ari.renewalInfoRequests.length).toBe(asked);

  // renewal_info_ignore_retry_after (stored by one apply, used by the next refresh, as in the reference).
  ws.write("main.tf", providerBlock(ari.acmeDirectory) + config("  renewal_info_ignore_retry_after = true\n"));
  await ws.apply();
  const plan = await ws.plan();
  expect(ari.renewalInfoRequests.length).toBeGreaterThan(asked);
  expect(plan.exitCode).toBe(2);
  expect(plan.stdout).toMatch(/acme_certificate\.cert will be updated in-place/);
  expect(plan.stdout).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy/);
  await ws.apply();
  const renewed = await certificateValues(ws);
  expect(renewed.certificate_serial).not.toBe(first.certificate_serial);
  expect(renewed.id).toBe(first.id);
  expect(ari.replaced).toHaveLength(1);
  // The new certificate's window is the stand-in's default again: no further renewal.
  expect(Date.parse(renewed.renewal_info_window_selected as string)).toBeGreaterThan(Date.now());
  expect((await ws.plan()).exitCode).toBe(0);

  await ws.destroy();
  expect((await certStatus(environment.managementUrl, serialHex(renewed), environment.caCertPath)).Status).toBe("Revoked");
});
