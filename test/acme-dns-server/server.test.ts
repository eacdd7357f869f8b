// The acme-dns stand-in against the behaviours of the real acme-dns it claims to have
// (see server.ts and the headers of http-api.ts / dns-server.ts for their sources).
// Runs on its own loopback address with free ports; the last test needs the lab.

import { existsSync } from "node:fs";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { answerData, queryDns, txtValues } from "./dns-client.js";
import { startAcmeDnsServer, type AcmeDnsServer, type Credentials } from "./server.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DOMAIN = "acmedns.acme-tf.test";
const ADDRESS = "127.0.60.3";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VALUE_A = "A".repeat(43);
const VALUE_B = "b".repeat(42) + "_";
const VALUE_C = "0123456789-_abcdefghijklmnopqrstuvwxyzABCDE";

let server: AcmeDnsServer;

beforeAll(async () => {
  server = await startAcmeDnsServer({ domain: DOMAIN, dnsAddress: ADDRESS, dnsPort: 0 });
});

afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function post(pathname: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(server.apiBase + pathname, { method: "POST", headers, ...(body !== undefined ? { body } : {}), redirect: "manual" });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function register(body?: string): Promise<Credentials> {
  const res = await post("/register", body, body ? { "content-type": "application/json" } : {});
  expect(res.status).toBe(201);
  return JSON.parse(res.text) as Credentials;
}

function update(creds: Pick<Credentials, "username" | "password">, subdomain: string, txt: string): Promise<Answer> {
  return post("/update", JSON.stringify({ subdomain, txt }), { "X-Api-User": creds.username, "X-Api-Key": creds.password });
}

function dns(name: string, type: Parameters<typeof queryDns>[2], transport: "udp" | "tcp" = "udp") {
  return queryDns({ host: server.dnsAddress, port: server.dnsPort }, name, type, { transport });
}

describe("POST /register", () => {
  test("without a body: 201 with fresh UUIDs, a 40-character password and the full domain", async () => {
    const creds = await register();
    expect(creds.username).toMatch(UUID);
    expect(creds.subdomain).toMatch(UUID);
    expect(creds.password).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(creds.fulldomain).toBe(`${creds.subdomain}.${DOMAIN}`);
    expect(creds.allowfrom).toEqual([]);
    expect(Object.keys(creds)).toEqual(["username", "password", "fulldomain", "subdomain", "allowfrom"]);
    expect((await register()).username).not.toBe(creds.username);
  });

  test("with allowfrom: answered back, brackets stripped as acme-dns does", async () => {
    const creds = await register(JSON.stringify({ allowfrom: ["10.244.0.0/16", "[::1]/128"] }));
    expect(creds.allowfrom).toEqual(["10.244.0.0/16", "::1/128"]);
    expect(creds.subdomain).toMatch(UUID);
  });

  test.each(["invalid", "1.2.3.4/33", "1.2/24", "1.2.3.4", "12345:db8:a0b:12f0::1/32", "1234::123::123::1/32"])(
    "allowfrom %j: 400 invalid_allowfrom_cidr (acme-dns's own test values)",
    async (cidr) => {
      const res = await post("/register", JSON.stringify({ allowfrom: [cidr] }));
      expect(res).toMatchObject({ status: 400, text: '{"error": "invalid_allowfrom_cidr"}' });
    },
  );

  test.each([
    "{\"allowfrom': '1.1.1.1/32'}",
    '"allowfrom": "1.1.1.1/32"',
    '{"allowfrom": "[1.1.1.1/32]"',
    "{allowfrom: [1.2.3.4]}",
    "whatever that's not a json payload",
    '{"allowfrom": "1.1.1.1/32"}',
    "[]",
  ])("body %j: 400 malformed_json_payload", async (body) => {
    const res = await post("/register", body);
    expect(res).toMatchObject({ status: 400, text: '{"error": "malformed_json_payload"}' });
    expect(res.headers.get("content-type")).toBe("application/json");
  });

  test("malformed JSON wins over a bad CIDR; an empty object and null are fine", async () => {
    expect((await post("/register", '{"allowfrom": ["bad"]')).text).toBe('{"error": "malformed_json_payload"}');
    expect((await post("/register", "{}")).status).toBe(201);
    expect((await post("/register", "null")).status).toBe(201);
  });
});

describe("POST /update", () => {
  let creds: Credentials;
  beforeAll(async () => {
    creds = await register();
  });

  test("right credentials: 200 with acme-dns's exact body, and DNS serves the value", async () => {
    const res = await update(creds, creds.subdomain, VALUE_A);
    expect(res).toMatchObject({ status: 200, text: `{"txt": "${VALUE_A}"}` });
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(server.records(creds.subdomain)).toEqual([VALUE_A]);
    const answer = await dns(creds.fulldomain, "TXT");
    expect(answer.rcode).toBe("NOERROR");
    expect(answer.flag_aa).toBe(true);
    expect(txtValues(answer)).toEqual([VALUE_A]);
    expect(answer.answers?.[0]).toMatchObject({ ttl: 1 });
  });

  test("every authentication failure is 401 forbidden", async () => {
    const other = await register();
    const cases: Array<[string, Record<string, string>, string]> = [
      ["unknown user", { "X-Api-User": "00000000-0000-4000-8000-000000000000", "X-Api-Key": creds.password }, creds.subdomain],
      ["wrong key", { "X-Api-User": creds.username, "X-Api-Key": other.password }, creds.subdomain],
      ["key of the wrong length", { "X-Api-User": creds.username, "X-Api-Key": creds.password + "x" }, creds.subdomain],
      ["username not a UUID", { "X-Api-User": "me", "X-Api-Key": creds.password }, creds.subdomain],
      ["no headers", {}, creds.subdomain],
      ["someone else's subdomain", { "X-Api-User": creds.username, "X-Api-Key": creds.password }, other.subdomain],
    ];
    for (const [what, headers, subdomain] of cases) {
      const res = await post("/update", JSON.stringify({ subdomain, txt: VALUE_B }), headers);
      expect({ what, status: res.status, text: res.text }).toEqual({ what, status: 401, text: '{"error": "forbidden"}' });
    }
    expect(server.records(other.subdomain)).toEqual([]);
  });

  test("forbidden wins over a bad value: credentials are checked first", async () => {
    const res = await post("/update", JSON.stringify({ subdomain: creds.subdomain, txt: "short" }), {
      "X-Api-User": creds.username,
      "X-Api-Key": "x".repeat(40),
    });
    expect(res).toMatchObject({ status: 401, text: '{"error": "forbidden"}' });
  });

  test.each([
    ["42 characters", "a".repeat(42)],
    ["44 characters", "a".repeat(44)],
    ["a '+' (standard base64)", "+".repeat(1) + "a".repeat(42)],
    ["padding", "a".repeat(42) + "="],
    ["empty", ""],
  ])("txt with %s: 400 bad_txt", async (_what, txt) => {
    const res = await update(creds, creds.subdomain, txt);
    expect(res).toMatchObject({ status: 400, text: '{"error": "bad_txt"}' });
  });

  test("the username may be spelled in any form google/uuid parses", async () => {
    const upper = { username: creds.username.toUpperCase(), password: creds.password };
    expect((await update(upper, creds.subdomain, VALUE_A)).status).toBe(200);
  });

  test("a body that is not JSON is forbidden (the subdomain cannot match)", async () => {
    const res = await post("/update", "not json", { "X-Api-User": creds.username, "X-Api-Key": creds.password });
    expect(res).toMatchObject({ status: 401, text: '{"error": "forbidden"}' });
  });
});

describe("two values per subdomain", () => {
  test("a third update evicts the oldest, over UDP and TCP", async () => {
    const creds = await register();
    for (const value of [VALUE_A, VALUE_B, VALUE_C]) expect((await update(creds, creds.subdomain, value)).status).toBe(200);
    for (const transport of ["udp", "tcp"] as const) {
      const answer = await dns(creds.fulldomain, "TXT", transport);
      expect(txtValues(answer).sort()).toEqual([VALUE_B, VALUE_C].sort());
    }
    expect(server.records(creds.subdomain).sort()).toEqual([VALUE_B, VALUE_C].sort());
    // And once more: B (now the oldest) goes, C stays.
    await update(creds, creds.subdomain, VALUE_A);
    expect(txtValues(await dns(creds.fulldomain, "TXT")).sort()).toEqual([VALUE_A, VALUE_C].sort());
  });
});

describe("allowfrom", () => {
  test("an update from outside the allowed networks is forbidden even with the right key", async () => {
    const creds = await register(JSON.stringify({ allowfrom: ["192.0.2.0/24", "::1/128"] }));
    expect(await update(creds, creds.subdomain, VALUE_A)).toMatchObject({ status: 401, text: '{"error": "forbidden"}' });
    expect(server.records(creds.subdomain)).toEqual([]);
  });

  test("an update from inside them goes through", async () => {
    const creds = await register(JSON.stringify({ allowfrom: ["192.0.2.0/24", "127.0.0.0/8"] }));
    expect((await update(creds, creds.subdomain, VALUE_A)).status).toBe(200);
  });
});

describe("GET /health and routing", () => {
  test("health is 200 with an empty body", async () => {
    const res = await fetch(`${server.apiBase}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  test("a known path with another method is 405 with Allow; an unknown path is 404", async () => {
    const res = await fetch(`${server.apiBase}/update`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("OPTIONS, POST");
    expect((await fetch(`${server.apiBase}/nothing`)).status).toBe(404);
  });

  test("a trailing slash on a POST is a 307 to the clean path", async () => {
    const res = await post("/register/");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("/register");
  });
});

describe("the request log", () => {
  test("records method, path, status, headers and body, with the key redacted", async () => {
    const creds = await register();
    const before = server.requests.length;
    await update(creds, creds.subdomain, VALUE_A);
    const entry = server.requests[before];
    expect(entry).toMatchObject({ method: "POST", path: "/update", status: 200, remoteAddress: "127.0.0.1" });
    expect(entry?.headers["x-api-user"]).toBe(creds.username);
    expect(entry?.headers["x-api-key"]).toBe("[redacted]");
    expect(JSON.parse(entry?.body ?? "")).toEqual({ subdomain: creds.subdomain, txt: VALUE_A });
    expect(JSON.stringify(server.requests)).not.toContain(creds.password);
  });

  test("failures carry their acme-dns error code", async () => {
    await post("/update", "{}");
    expect(server.requests.at(-1)).toMatchObject({ status: 401, error: "forbidden" });
  });
});

describe("register() in-process", () => {
  test("gives working credentials without an API request", async () => {
    const before = server.requests.length;
    const creds = await server.register(["127.0.0.1/32"]);
    expect(server.requests.length).toBe(before);
    expect(creds.fulldomain).toBe(`${creds.subdomain}.${DOMAIN}`);
    expect((await update(creds, creds.subdomain, VALUE_A)).status).toBe(200);
  });

  test("refuses what /register refuses", async () => {
    await expect(server.register(["1.2.3.4"])).rejects.toThrow(/invalid_allowfrom_cidr/);
  });
});

describe("DNS", () => {
  test("the apex has SOA and NS, the name server its address, all authoritative", async () => {
    const soa = await dns(DOMAIN, "SOA");
    expect(soa).toMatchObject({ rcode: "NOERROR", flag_aa: true });
    expect(soa.answers?.[0]).toMatchObject({
      type: "SOA",
      data: { mname: `ns.${DOMAIN}`, refresh: 28800, retry: 7200, expire: 604800, minimum: 86400 },
    });
    const ns = await dns(DOMAIN, "NS", "tcp");
    expect(answerData(ns)).toEqual([`ns.${DOMAIN}`]);
    const a = await dns(`ns.${DOMAIN}`, "A");
    expect(answerData(a)).toEqual([ADDRESS]);
  });

  test("names are case-insensitive and the question is echoed as asked", async () => {
    const creds = await server.register();
    await update(creds, creds.subdomain, VALUE_C);
    const mixed = creds.fulldomain.toUpperCase();
    const answer = await dns(mixed, "TXT");
    expect(txtValues(answer)).toEqual([VALUE_C]);
    expect(answer.questions?.[0]?.name).toBe(mixed);
  });

  test("unknown names and subdomains without a value are NXDOMAIN with the SOA", async () => {
    const empty = await server.register();
    for (const name of [`nothing.${DOMAIN}`, empty.fulldomain, `a.b.${DOMAIN}`]) {
      const answer = await dns(name, "TXT");
      expect({ name, rcode: answer.rcode, aa: answer.flag_aa }).toEqual({ name, rcode: "NXDOMAIN", aa: true });
      expect(answer.authorities?.map((r) => r.type)).toEqual(["SOA"]);
    }
  });

  test("another type at a name that exists is NODATA with the SOA", async () => {
    const creds = await server.register();
    await update(creds, creds.subdomain, VALUE_A);
    const answer = await dns(creds.fulldomain, "A");
    expect(answer).toMatchObject({ rcode: "NOERROR", flag_aa: true, answers: [] });
    expect(answer.authorities?.map((r) => r.type)).toEqual(["SOA"]);
  });

  test("names outside the zone are REFUSED, without AA", async () => {
    const answer = await dns("example.com", "TXT");
    expect(answer).toMatchObject({ rcode: "REFUSED", flag_aa: false });
  });

  test("the DNS log records what was asked", async () => {
    await dns(`log-check.${DOMAIN}`, "TXT", "tcp");
    expect(server.dnsQueries.at(-1)).toMatchObject({ name: `log-check.${DOMAIN}`, type: "TXT", rcode: "NXDOMAIN", transport: "tcp" });
  });
});

describe("main.ts", () => {
  test("prints its API base when ready, serves, and exits 0 on SIGTERM", async () => {
    const tsx = path.join(HERE, "../../node_modules/.bin/tsx");
    const child = spawn(tsx, [path.join(HERE, "main.ts"), "--domain", DOMAIN, "--dns", ADDRESS, "--dns-port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
        });
        child.on("exit", (code) => reject(new Error(`main.ts exited ${code} before it was ready`)));
      });
      const ready = JSON.parse(line) as { apiBase: string; dnsPort: number };
      expect((await fetch(`${ready.apiBase}/health`)).status).toBe(200);
      expect((await queryDns({ host: ADDRESS, port: ready.dnsPort }, DOMAIN, "SOA")).rcode).toBe("NOERROR");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});

// The lab (test/lab) delegates acmedns.acme-tf.test to its acmeDnsAddress, port 53, from
// bind9, with unbound in front. Only run when the lab is there to use.
const labState = await loadLab();

async function loadLab(): Promise<{ resolver: string; acmeDnsAddress: string } | { skip: string }> {
  const index = path.join(HERE, "../lab/index.ts");
  if (!existsSync(index)) return { skip: "test/lab/index.ts does not exist (the lab is not built yet)" };
  try {
    const specifier = "../lab/index.js"; // a variable, so this file compiles without the lab
    const mod = (await import(specifier)) as { lab?: () => { resolver: string; acmeDnsAddress?: string } };
    if (typeof mod.lab !== "function") return { skip: "test/lab/index.ts exports no lab()" };
    const described = mod.lab();
    return { resolver: described.resolver, acmeDnsAddress: described.acmeDnsAddress ?? "127.0.53.3" };
  } catch (err) {
    return { skip: `the lab is not available: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Port 53 on the lab's acme-dns address may be held for a moment by another test file. */
async function startOnLabAddress(address: string): Promise<AcmeDnsServer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await startAcmeDnsServer({ domain: DOMAIN, dnsAddress: address, dnsPort: 53 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe("through the lab's resolver", () => {
  const name =
    "skip" in labState
      ? `unbound follows the delegation to this server (SKIPPED: ${labState.skip})`
      : "unbound follows the delegation to this server";
  const labTest = "skip" in labState ? test.skip : test;

  labTest(name, async () => {
    if ("skip" in labState) return;
    const onLab = await startOnLabAddress(labState.acmeDnsAddress);
    try {
      const creds = await onLab.register();
      const res = await fetch(`${onLab.apiBase}/update`, {
        method: "POST",
        headers: { "X-Api-User": creds.username, "X-Api-Key": creds.password },
        body: JSON.stringify({ subdomain: creds.subdomain, txt: VALUE_B }),
      });
      expect(res.status).toBe(200);
      const answer = await queryDns(labState.resolver, creds.fulldomain, "TXT", { recursionDesired: true });
      expect(answer.rcode).toBe("NOERROR");
      expect(txtValues(answer)).toEqual([VALUE_B]);
      expect(onLab.dnsQueries.some((q) => q.name.toLowerCase() === creds.fulldomain && q.type === "TXT")).toBe(true);
    } finally {
      await onLab.stop();
    }
  });
});
