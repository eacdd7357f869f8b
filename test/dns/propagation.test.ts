// Propagation checks against the lab: bind9 authoritative for the lab zone, unbound in
// front of it as the recursive resolver (the system resolvers know nothing of the zone).

import { findZone, followCnames } from "../../src/dns/dns-lookup.js";
import { waitForPropagation, type PropagationOptions } from "../../src/dns/propagation.js";
import { lab, nsupdate } from "../lab/index.js";
import { recordingLogger, uniqueLabel } from "./support.js";

const noAbort = new AbortController().signal;
const fast = { timeoutSeconds: 5, intervalSeconds: 0 };

function options(overrides: Partial<PropagationOptions> = {}): PropagationOptions {
  return { recursiveNameservers: [lab().resolver], disableCompletePropagation: false, preCheckDelay: 0, propagationWait: 0, ...overrides };
}

/** A fresh `_acme-challenge.<unique>.<zone>.` name. */
function challengeName(prefix: string): string {
  return `_acme-challenge.${uniqueLabel(prefix)}.${lab().zone}.`;
}

describe("following CNAMEs", () => {
  it("returns the name itself, with its trailing dot, when it has no CNAME", async () => {
    const name = challengeName("plain");
    expect(await followCnames([lab().resolver], name.slice(0, -1), noAbort, recordingLogger().logger)).toBe(name);
  });

  it("follows a chain to its end", async () => {
    const name = challengeName("chain");
    const middle = `${uniqueLabel("middle")}.${lab().zone}.`;
    const end = `${uniqueLabel("end")}.${lab().zone}.`;
    await nsupdate(lab(), [`update add ${name} 1 CNAME ${middle}`, `update add ${middle} 1 CNAME ${end}`]);
    expect(await followCnames([lab().resolver], name, noAbort, recordingLogger().logger)).toBe(end);
  });

  it("reports a loop", async () => {
    const name = challengeName("loop");
    const other = `${uniqueLabel("other")}.${lab().zone}.`;
    await nsupdate(lab(), [`update add ${name} 1 CNAME ${other}`, `update add ${other} 1 CNAME ${name}`]);
    await expect(followCnames([lab().resolver], name, noAbort, recordingLogger().logger)).rejects.toThrow(/^CNAME loop: _acme-challenge\.loop-.* -> .* -> _acme-challenge\.loop-/);
  });
});

it("finds the zone of a name deep inside it", async () => {
  expect(await findZone([lab().resolver], `_acme-challenge.a.b.${uniqueLabel("deep")}.${lab().zone}.`, noAbort)).toBe(lab().zone);
});

describe("waiting for propagation", () => {
  it("resolves once the authoritative server answers the value", async () => {
    const fqdn = challengeName("later");
    setTimeout(() => void nsupdate(lab(), [`update add ${fqdn} 1 TXT "v-later"`]), 500);
    await waitForPropagation([{ fqdn, value: "v-later" }], fast, options(), noAbort, recordingLogger().logger);
  });

  it("says which server answered what when the value never shows", async () => {
    const fqdn = challengeName("wrong");
    await nsupdate(lab(), [`update add ${fqdn} 1 TXT "abc"`]);
    const error = await waitForPropagation([{ fqdn, value: "def" }], { timeoutSeconds: 1, intervalSeconds: 0 }, options(), noAbort, recordingLogger().logger).catch(
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as Error).message).toContain(
      `${fqdn} not visible after 1 s: ns1.${lab().zone} (${lab().authoritative}) answered ["abc"] for ${fqdn}, waiting for "def"`,
    );
  });

  it("reports every record that is missing, not only the last", async () => {
    const first = challengeName("first");
    const second = challengeName("second");
    const error = (await waitForPropagation(
      [
        { fqdn: first, value: "one" },
        { fqdn: second, value: "two" },
      ],
      { timeoutSeconds: 1, intervalSeconds: 0 },
      options(),
      noAbort,
      recordingLogger().logger,
    ).catch((caught: Error) => caught)) as AggregateError;
    expect(error.errors).toHaveLength(2);
    expect(error.message).toContain(`${first} not visible`);
    expect(error.message).toContain(`${second} not visible`);
  });

  it("asks the recursive resolvers instead when complete propagation is disabled", async () => {
    const fqdn = challengeName("recursive");
    await nsupdate(lab(), [`update add ${fqdn} 1 TXT "v-recursive"`]);
    await waitForPropagation([{ fqdn, value: "v-recursive" }], fast, options({ disableCompletePropagation: true }), noAbort, recordingLogger().logger);

    const missing = challengeName("recursive-missing");
    await expect(
      waitForPropagation([{ fqdn: missing, value: "x" }], { timeoutSeconds: 1, intervalSeconds: 0 }, options({ disableCompletePropagation: true }), noAbort, recordingLogger().logger),
    ).rejects.toThrow(`${lab().resolver} answered [] for ${missing}, waiting for "x"`);
  });

  it("only waits when propagationWait is set, after the pre-check delay", async () => {
    const started = Date.now();
    await waitForPropagation([{ fqdn: challengeName("never"), value: "x" }], fast, options({ preCheckDelay: 1, propagationWait: 1 }), noAbort, recordingLogger().logger);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it("stops polling when aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("terraform stopped")), 300);
    await expect(
      waitForPropagation([{ fqdn: challengeName("aborted"), value: "x" }], { timeoutSeconds: 60, intervalSeconds: 1 }, options(), controller.signal, recordingLogger().logger),
    ).rejects.toThrow("terraform stopped");
  });
});
