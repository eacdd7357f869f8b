// acme_certificate's `profile` through the real terraform CLI. Debian's Pebble (2.4) lists no
// certificate profiles and no profile-capable CA runs here, so the CA is the lab's stand-in
// (test/lab/ca-stand-in.ts) in front of Pebble, listing three profiles as Let's Encrypt
// does and following the ACME profiles draft to the letter: it refuses an unlisted profile
// with invalidProfile and echoes the order's profile. The same stand-in listing nothing is
// a transparent proxy of Pebble, there to see what the orders carried.
import { startCaStandIn, type CaStandIn } from "../lab/ca-stand-in.js";
import {
  ACCOUNT,
  allOutput,
  certificate,
  certificateValues,
  challengeTxt,
  eager,
  execChallenge,
  hcl,
  nsupdateConfig,
  removeScratch,
  removeWorkspaces,
  scratch,
  stateList,
  uniqueName,
  workspace,
  environment,
} from "./fixtures/stack.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { providerBlock, wrapped } from "./workspace.js";

const PROFILES = {
  classic: "https://ca.test/docs/profiles#classic",
  shortlived: "https://ca.test/docs/profiles#shortlived",
  tlsserver: "https://ca.test/docs/profiles#tlsserver",
};

const standIns = eager(async () => {
  const [profiled, plain] = await Promise.all([startCaStandIn(environment, { profiles: PROFILES }), startCaStandIn(environment, {})]);
  return { profiled, plain };
});
afterAll(async () => {
  removeWorkspaces();
  removeScratch();
  const { profiled, plain } = await standIns();
  await Promise.all([profiled.stop(), plain.stop()]);
});

/** Every run of the DNS program appends a line here: it must stay empty when nothing may be presented. */
const calls = scratch({ calls: "" }).calls!;
const cert = (name: string, profile: string, extra = "") =>
  ACCOUNT + certificate("cert", `  common_name = ${hcl(name)}\n  key_type = "P256"\n  profile = ${profile}\n${extra}`, execChallenge(nsupdateConfig({ RECORD_FILE: calls })));
/** Every newOrder request for `name`, refused or not (Pebble rejects some nonces, and the client then sends it again). */
const ordersFor = (standIn: CaStandIn, name: string) =>
  standIn.orderRequests.filter((payload) => JSON.stringify(payload.identifiers ?? []).includes(name));
/** The orders the CA made for `name`. */
const ordersMade = (standIn: CaStandIn, name: string) => standIn.orders.filter((order) => JSON.stringify(order.request.identifiers ?? []).includes(name));

/** An initialised workspace on a stand-in: a certificate for a fresh name with `profile` (an HCL expression). */
async function stack(ca: "profiled" | "plain" | CaStandIn, prefix: string, profile: string, before = "") {
  const standIn = typeof ca === "string" ? (await standIns())[ca] : ca;
  const name = uniqueName(prefix);
  const ws = workspace(before + cert(name, profile), { serverUrl: standIn.acmeDirectory });
  await ws.init();
  return { standIn, name, ws };
}

test.concurrent("a profile the CA lists is ordered, and the order the CA made carries it", async () => {
  const { standIn: profiled, name, ws } = await stack("profiled", "profile", hcl("shortlived"));
  const applied = await ws.apply();
  expect(allOutput(applied)).not.toMatch(/Warning/);
  expect(new Set(ordersFor(profiled, name).map((payload) => payload.profile))).toEqual(new Set(["shortlived"]));
  expect(ordersMade(profiled, name).map((order) => [order.request.profile, order.profile])).toEqual([["shortlived", "shortlived"]]);
  expect((await certificateValues(ws)).profile).toBe("shortlived");
  expect((await ws.plan()).exitCode).toBe(0);
});

test.concurrent("an unknown profile fails the plan, naming profile and what the CA offers; nothing reaches the CA, DNS or state", async () => {
  const { standIn: profiled, name, ws } = await stack("profiled", "profile-unknown", hcl("longlived"));
  const planned = await ws.plan();
  expect(planned.exitCode).toBe(1);
  const output = allOutput(planned);
  expect(output).toMatch(/Error: Unknown certificate profile/);
  expect(output).toMatch(wrapped('profile: the CA offers no certificate profile "longlived"; it offers: classic (https://ca.test/docs/profiles#classic), shortlived'));
  expect(output).toMatch(wrapped("tlsserver (https://ca.test/docs/profiles#tlsserver)"));
  expect(output).toMatch(/with acme_certificate\.cert,/);
  expect(output).not.toMatch(/\n\s+at .*\.[cm]?js:\d+/);
  const applied = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
  expect(applied.exitCode).toBe(1);
  expect(allOutput(applied)).toMatch(/Unknown certificate profile/);
  expect(ordersFor(profiled, name)).toEqual([]);
  // Not even the account: the plan stopped the whole run.
  expect(existsSync(join(ws.dir, "terraform.tfstate"))).toBe(false);
  expect(readFileSync(calls, "utf8")).not.toContain(name);
});

test.concurrent("a profile unknown until apply is checked before ordering: no order, no record, no state entry", async () => {
  const later = `resource "terraform_data" "profile" {\n  input = "longlived"\n}\n`;
  const { standIn: profiled, name, ws } = await stack("profiled", "profile-late", "terraform_data.profile.output", later);
  // Not known at plan: nothing to check yet. Terraform plans the certificate again once it
  // is known, right before applying it: the check runs then, before anything is ordered.
  expect((await ws.plan()).exitCode).toBe(2);
  const applied = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
  expect(applied.exitCode).toBe(1);
  expect(allOutput(applied)).toMatch(wrapped('profile: the CA offers no certificate profile "longlived"; it offers: classic'));
  expect(ordersFor(profiled, name)).toEqual([]);
  expect(await stateList(ws)).not.toContain("acme_certificate.cert");
  expect(readFileSync(calls, "utf8")).not.toContain(name);
  expect(await challengeTxt(name)).toEqual([]);
});

test.concurrent("a CA that lists no profiles: a warning naming profile, and the order goes without one (the draft forbids requesting it)", async () => {
  const { standIn: plain, name, ws } = await stack("plain", "profile-none", hcl("classic"));
  const planned = await ws.plan();
  expect(planned.exitCode).toBe(2);
  expect(allOutput(planned)).toMatch(/Warning: The CA lists no certificate profiles/);
  expect(allOutput(planned)).toMatch(wrapped(`lists no profiles, so the order goes without profile "classic"`));
  const applied = await ws.apply();
  expect(allOutput(applied).match(/Warning: The CA lists no certificate profiles/g)).toHaveLength(1);
  const made = ordersMade(plain, name);
  expect(made).toHaveLength(1);
  expect(made[0]!.request).not.toHaveProperty("profile");
  for (const sent of ordersFor(plain, name)) expect(sent).not.toHaveProperty("profile");
  // As configured: the next plan is stable.
  expect((await certificateValues(ws)).profile).toBe("classic");
  expect((await ws.plan()).exitCode).toBe(0);
});

test.concurrent("a renewal is planned while the CA lists the profile; once it no longer does, the plan says so and the certificate stays", async () => {
  // Its own stand-in: the list changes during the test.
  const standIn = await startCaStandIn(environment, { profiles: PROFILES });
  try {
    const { name, ws } = await stack(standIn, "profile-renew", hcl("tlsserver"));
    await ws.apply();
    const issued = await certificateValues(ws);
    // A threshold beyond the certificate's lifetime: every plan renews.
    ws.write("main.tf", providerBlock(standIn.acmeDirectory) + cert(name, hcl("tlsserver"), "  min_days_remaining = 100000\n"));
    const renewing = await ws.plan();
    expect(renewing.exitCode).toBe(2);
    expect(renewing.stdout).toMatch(/acme_certificate\.cert will be updated in-place/);
    standIn.setProfiles({ classic: PROFILES.classic });
    const planned = await ws.plan();
    expect(planned.exitCode).toBe(1);
    expect(allOutput(planned)).toMatch(wrapped('profile: the CA offers no certificate profile "tlsserver"; it offers: classic (https://ca.test/docs/profiles#classic)'));
    expect(ordersMade(standIn, name)).toHaveLength(1);
    expect((await certificateValues(ws)).certificate_serial).toBe(issued.certificate_serial);
  } finally {
    await standIn.stop();
  }
});
