// The lab itself, against the real services the global setup started: if these fail,
// every other test's failure is suspect.

import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import acme from "acme-client";
import { certStatus, dig, fetchPebbleRoots, lab, nsupdate, startPebble, type LabDescription } from "./index.js";
import { runTool } from "./process.js";

/** Tests share one lab and run in parallel with other files: every name is unique. */
function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString("hex")}.${lab().zone}.`;
}

async function txtThroughResolver(name: string): Promise<string[]> {
  return (await dig(lab().resolver, name, "TXT")).filter((a) => a.type === "TXT").map((a) => a.data);
}

/** Polls until `check` holds, as a client waiting for propagation would. */
async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function getJson(url: string, ca: Buffer | string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve(JSON.parse(body)));
      })
      .on("error", reject);
  });
}

describe("DNS: bind9 behind unbound", () => {
  test("a TXT record added with nsupdate shows through the resolver, and goes on delete", async () => {
    const name = uniqueName("_acme-challenge.txt");
    await nsupdate(lab(), [`update add ${name} 1 TXT "first value"`]);
    const started = Date.now();
    expect(await eventually(() => txtThroughResolver(name), (v) => v.length > 0, 2000)).toEqual(["first value"]);
    expect(Date.now() - started).toBeLessThan(2000);

    await nsupdate(lab(), [`update delete ${name} TXT`]);
    expect(await eventually(() => txtThroughResolver(name), (v) => v.length === 0, 2000)).toEqual([]);
  });

  test("a changed TXT value is seen at once (no stale cache)", async () => {
    const name = uniqueName("_acme-challenge.change");
    await nsupdate(lab(), [`update add ${name} 1 TXT "v1"`]);
    expect(await txtThroughResolver(name)).toEqual(["v1"]);
    await nsupdate(lab(), [`update delete ${name} TXT`, `update add ${name} 1 TXT "v2"`]);
    expect(await txtThroughResolver(name)).toEqual(["v2"]);
    await nsupdate(lab(), [`update delete ${name} TXT`]);
  });

  test("unbound follows a CNAME inside the zone", async () => {
    const target = uniqueName("target");
    const alias = uniqueName("_acme-challenge.alias");
    await nsupdate(lab(), [`update add ${target} 1 TXT "behind a cname"`, `update add ${alias} 1 CNAME ${target}`]);
    const answers = await dig(lab().resolver, alias, "TXT");
    expect(answers.map((a) => [a.name, a.type, a.data])).toEqual([
      [alias, "CNAME", target],
      [target, "TXT", "behind a cname"],
    ]);
    await nsupdate(lab(), [`update delete ${alias}`, `update delete ${target}`]);
  });

  test("bind9 is authoritative with 1 s TTLs and refuses unsigned updates", async () => {
    const soa = await dig(lab().authoritative, lab().zone, "SOA");
    expect(soa).toHaveLength(1);
    expect(soa[0]!.ttl).toBe(1);
    expect(soa[0]!.data.split(" ").at(-1)).toBe("1"); // negative TTL
    const ns = await dig(lab().authoritative, lab().zone, "NS");
    expect(ns.map((a) => a.data)).toEqual([`ns1.${lab().zone}.`]);
    expect((await dig(lab().resolver, `ns1.${lab().zone}`, "A")).map((a) => a.data)).toEqual([lab().authoritative]);

    const unsigned = `server ${lab().authoritative} 53\nzone ${lab().zone}.\nupdate add x.${lab().zone}. 1 TXT "x"\nsend\n`;
    await expect(runTool("nsupdate", [], { input: unsigned })).rejects.toThrow(/REFUSED/);
  });

  test("acmedns.<zone> is delegated, with glue, to the acme-dns slot", async () => {
    const { stdout } = await runTool("dig", [
      `@${lab().authoritative}`, `x.${lab().acmeDnsZone}`, "TXT", "+norecurse", "+noall", "+authority", "+additional",
    ]);
    expect(stdout).toMatch(new RegExp(`^${lab().acmeDnsZone}\\.\\s+\\d+\\s+IN\\s+NS\\s+ns\\.${lab().acmeDnsZone}\\.$`, "m"));
    expect(stdout).toMatch(new RegExp(`^ns\\.${lab().acmeDnsZone}\\.\\s+\\d+\\s+IN\\s+A\\s+${lab().acmeDnsAddress!.replace(/\./g, "\\.")}$`, "m"));
  });

  test("names outside the lab fail fast instead of waiting for the internet", async () => {
    const started = Date.now();
    await expect(dig(lab().resolver, "example.com", "A")).rejects.toThrow(/REFUSED|SERVFAIL/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("Pebble", () => {
  test("the directory answers over HTTPS trusting only the lab CA", async () => {
    const ca = readFileSync(lab().caCertPath);
    const dir = (await getJson(lab().acmeDirectory, ca)) as { newOrder?: string };
    expect(dir.newOrder).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    // Any other trust anchor (here: Pebble's own root) must not do.
    const { root } = await fetchPebbleRoots(lab().managementUrl, lab().caCertPath);
    await expect(getJson(lab().acmeDirectory, root)).rejects.toThrow(/certificate/i);
  });

  test("management API: roots, intermediates", async () => {
    const { root, intermediate } = await fetchPebbleRoots(lab().managementUrl); // CA from ACME_TF_LAB
    expect(new crypto.X509Certificate(root).subject).toMatch(/Pebble Root CA/);
    const inter = new crypto.X509Certificate(intermediate);
    expect(inter.checkIssued(new crypto.X509Certificate(root))).toBe(true);
  });

  test("issues a certificate validated by DNS-01 through unbound, and reports revocation", async () => {
    const { certificate, client } = await issueWithDns01(lab(), uniqueName("www").replace(/\.$/, ""));
    const leaf = new crypto.X509Certificate(certificate);
    expect((await certStatus(lab().managementUrl, leaf.serialNumber)).Status).toBe("Valid");
    await client.revokeCertificate(certificate, { reason: 4 });
    const revoked = await certStatus(lab().managementUrl, leaf.serialNumber);
    expect(revoked).toMatchObject({ Status: "Revoked", Reason: 4 });
  });

  test("startPebble with EAB: keys returned, directory requires them, and they work", async () => {
    const pebble = await startPebble(lab(), { eab: true, nonceReject: 0 });
    try {
      expect(pebble.eab?.keyId).toMatch(/\S/);
      expect(Buffer.from(pebble.eab!.hmacBase64, "base64url")).toHaveLength(32);
      const dir = (await getJson(pebble.acmeDirectory, readFileSync(lab().caCertPath))) as { meta: Record<string, unknown> };
      expect(dir.meta.externalAccountRequired).toBe(true);

      const client = newClient(pebble.acmeDirectory, lab());
      await expect(client.createAccount({ termsOfServiceAgreed: true })).rejects.toThrow(/externalAccountBinding/);
      const bound = newClient(pebble.acmeDirectory, lab(), { kid: pebble.eab!.keyId, hmacKey: pebble.eab!.hmacBase64 });
      await expect(bound.createAccount({ termsOfServiceAgreed: true })).resolves.toMatchObject({ status: "valid" });
    } finally {
      await pebble.stop();
    }
  });

  test("a restarted Pebble answers at the same URLs and knows nothing of before (a CA restarted empty)", async () => {
    const pebble = await startPebble(lab(), { nonceReject: 0 });
    try {
      const client = newClient(pebble.acmeDirectory, lab());
      await client.createAccount({ termsOfServiceAgreed: true });
      const { root } = await fetchPebbleRoots(pebble.managementUrl);
      await pebble.restart();
      // The same account URL, at the same server, is unknown now.
      await expect(client.createAccount({ termsOfServiceAgreed: true })).rejects.toThrow(new RegExp(`Account ${pebble.acmeDirectory.replace("/dir", "")}/my-account/\\w+ not found`));
      expect((await fetchPebbleRoots(pebble.managementUrl)).root).not.toBe(root);
    } finally {
      await pebble.stop();
    }
  });
});

function newClient(directoryUrl: string, l: LabDescription, eab?: { kid: string; hmacKey: string }): acme.Client {
  // acme-client talks through its own axios instance: trust the lab CA there.
  acme.axios.defaults.httpsAgent = new https.Agent({ ca: readFileSync(l.caCertPath) });
  return new acme.Client({
    directoryUrl,
    accountKey: crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }),
    externalAccountBinding: eab,
    // acme-client waits at least 5 s between polls by default; Pebble answers in milliseconds.
    backoffAttempts: 30,
    backoffMin: 50,
    backoffMax: 200,
  });
}

/** The DNS-01 flow by hand: Pebble must find the TXT record through unbound -> bind9. */
async function issueWithDns01(l: LabDescription, domain: string): Promise<{ certificate: string; client: acme.Client }> {
  const client = newClient(l.acmeDirectory, l);
  await client.createAccount({ termsOfServiceAgreed: true });
  const order = await client.createOrder({ identifiers: [{ type: "dns", value: domain }] });
  for (const authz of await client.getAuthorizations(order)) {
    if (authz.status === "valid") continue;
    const challenge = authz.challenges.find((c) => c.type === "dns-01")!;
    const value = await client.getChallengeKeyAuthorization(challenge);
    const name = `_acme-challenge.${domain}.`;
    await nsupdate(l, [`update add ${name} 1 TXT "${value}"`]);
    await client.completeChallenge(challenge);
    await client.waitForValidStatus(challenge);
    await nsupdate(l, [`update delete ${name} TXT`]);
  }
  const [, csr] = await acme.crypto.createCsr({ commonName: domain });
  const finalized = await client.finalizeOrder(order, csr);
  return { certificate: await client.getCertificate(finalized), client };
}
