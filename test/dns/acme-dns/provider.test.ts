// The acme-dns DNS provider against the acme-dns stand-in (test/acme-dns-server, on free
// ports) and the lab's bind9 + unbound for the `_acme-challenge` CNAMEs it checks. The
// stand-in's DNS is not reached here: test/terraform/acme-dns.test.ts has it serve the
// lab's delegated zone, for Pebble.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { acmeDnsDescription } from "../../../src/dns/acme-dns/description.js";
import { FileStorage } from "../../../src/dns/acme-dns/storage.js";
import { registerAccount } from "../../../src/dns/acme-dns/api.js";
import { createAcmeDnsProvider } from "../../../src/dns/acme-dns/runtime.js";
import type { ChallengeRecord, DnsProvider } from "../../../src/dns/dns-provider.js";
import { problemMessage, resolveSettings } from "../../../src/dns/settings.js";
import { startAcmeDnsServer, type AcmeDnsServer, type Credentials } from "../../acme-dns-server/server.js";
import { lab, nsupdate, unusedPort } from "../../lab/index.js";
import { challengeFor, recordingLogger, temporaryDirectory, uniqueLabel, type RecordingLogger } from "../support.js";

const noAbort = new AbortController().signal;
let server: AcmeDnsServer;
let dir: string;
let log: RecordingLogger;

beforeAll(async () => {
  server = await startAcmeDnsServer({ domain: lab().acmeDnsZone!, dnsAddress: "127.0.0.1", dnsPort: 0 });
});
afterAll(() => server?.stop());
beforeEach(async () => {
  dir = await temporaryDirectory();
  log = recordingLogger();
});

/** Fast checks: these tests wait for CNAMEs only when they mean to. */
const quick = { ACME_DNS_PROPAGATION_TIMEOUT: "1", ACME_DNS_POLLING_INTERVAL: "0" };

async function provider(config: Record<string, string>): Promise<DnsProvider> {
  const resolved = await resolveSettings(acmeDnsDescription, { ACME_DNS_API_BASE: server.apiBase, ...quick, ...config }, {});
  if (!resolved.ok) throw new Error(resolved.problems.map(problemMessage).join("\n"));
  return createAcmeDnsProvider(resolved.settings, { env: {}, logger: log.logger, resolvers: [lab().resolver] });
}

function newDomain(): string {
  return `${uniqueLabel("adns")}.${lab().zone}`;
}

async function delegate(domain: string, fulldomain: string): Promise<void> {
  await nsupdate(lab(), [`update add _acme-challenge.${domain}. 1 CNAME ${fulldomain}.`]);
}

function recordFor(domain: string, token?: string): ChallengeRecord {
  const challenge = challengeFor(domain, token);
  return { challenge, fqdn: `_acme-challenge.${domain}.` };
}

function wildcardRecord(domain: string): ChallengeRecord {
  const challenge = { ...challengeFor(domain, "wild-token"), identifier: `*.${domain}` };
  return { challenge, fqdn: `_acme-challenge.${domain}.` };
}

async function credentialsFile(entries: Record<string, Credentials>): Promise<string> {
  const file = join(dir, "acme-dns.json");
  await writeFile(file, JSON.stringify(entries, null, 2), { mode: 0o600 });
  return file;
}

const updatesOf = (subdomain: string) => server.requests.filter((request) => request.path === "/update" && request.body.includes(subdomain));
const errorOf = (promise: Promise<unknown>) => promise.then(() => new Error("no error"), (error: Error) => error);

describe("presenting", () => {
  it("sends POST /update with acme-dns's headers and body, and names the fulldomain as the record to check", async () => {
    const domain = newDomain();
    const account = await server.register();
    await delegate(domain, account.fulldomain);
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }) });
    const record = recordFor(domain);

    expect(await dns.present(record, noAbort)).toBe(`${account.fulldomain}.`);

    const [update] = updatesOf(account.subdomain);
    expect(update).toMatchObject({ method: "POST", status: 200 });
    expect(update!.headers).toMatchObject({ "x-api-user": account.username, "x-api-key": "[redacted]", "content-type": "application/json" });
    expect(update!.body).toBe(JSON.stringify({ subdomain: account.subdomain, txt: record.challenge.txtValue }));
    expect(server.records(account.subdomain)).toEqual([record.challenge.txtValue]);
  });

  it("answers an apex and its wildcard on the one account at once, one update after the other; cleanup sends nothing", async () => {
    const domain = newDomain();
    const account = await server.register();
    await delegate(domain, account.fulldomain);
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }) });
    expect(dns.valuesPerName).toBe(2);
    const [apex, wildcard] = [recordFor(domain), wildcardRecord(domain)];

    await Promise.all([dns.present(apex, noAbort), dns.present(wildcard, noAbort)]);
    expect(server.records(account.subdomain).sort()).toEqual([apex.challenge.txtValue, wildcard.challenge.txtValue].sort());

    const before = server.requests.length;
    await dns.cleanup(apex, noAbort);
    await dns.cleanup(wildcard, noAbort);
    expect(server.requests.length).toBe(before);
  });

  it("refuses a third value at once on one account, saying which names share it", async () => {
    const [one, two] = [newDomain(), newDomain()];
    const account = await server.register();
    await Promise.all([delegate(one, account.fulldomain), delegate(two, account.fulldomain)]);
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ [one]: account, [two]: account }) });
    await dns.present(recordFor(one), noAbort);
    await dns.present(wildcardRecord(one), noAbort);
    const error = await errorOf(dns.present(recordFor(two), noAbort));
    expect(error.message).toMatch(`the acme-dns account is already answering ${one} and *.${one}, and it holds only 2 TXT values at a time: give ${two} an account of its own`);
    expect(updatesOf(account.subdomain)).toHaveLength(2);
  });

  it("makes another certificate sharing the account wait until the first one's values are cleaned up", async () => {
    const [one, two] = [newDomain(), newDomain()];
    const account = await server.register();
    await Promise.all([delegate(one, account.fulldomain), delegate(two, account.fulldomain)]);
    const credentials = { ACME_DNS_STORAGE_JSON: JSON.stringify({ [one]: account, [two]: account }) };
    const [first, second] = [await provider(credentials), await provider(credentials)];
    const oneRecords = [recordFor(one), wildcardRecord(one)];
    await Promise.all(oneRecords.map((record) => first.present(record, noAbort)));

    let secondDone = false;
    const secondPresent = second.present(recordFor(two), noAbort).then(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);
    expect(updatesOf(account.subdomain)).toHaveLength(2);

    await Promise.all(oneRecords.map((record) => first.cleanup(record, noAbort)));
    await secondPresent;
    expect(updatesOf(account.subdomain)).toHaveLength(3);
    await second.cleanup(recordFor(two), noAbort);
  });
});

describe("the _acme-challenge CNAME", () => {
  it("missing: stops with the exact record to create, sending nothing", async () => {
    const domain = newDomain();
    const account = await server.register();
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }) });
    const error = await errorOf(dns.present(recordFor(domain), noAbort));
    expect(error.message).toContain(`the CNAME that delegates ${domain}'s challenges to acme-dns is missing. Create this record in the zone of ${domain}:\n  _acme-challenge.${domain}. CNAME ${account.fulldomain}.\n`);
    expect(error.message).toContain(`checked through ${lab().resolver} for 1 s`);
    expect(updatesOf(account.subdomain)).toHaveLength(0);
  });

  it("pointing elsewhere: shows where it leads and the record to put instead", async () => {
    const domain = newDomain();
    const account = await server.register();
    await nsupdate(lab(), [`update add _acme-challenge.${domain}. 1 CNAME elsewhere.${lab().zone}.`]);
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }) });
    const error = await errorOf(dns.present(recordFor(domain), noAbort));
    expect(error.message).toContain(`_acme-challenge.${domain} does not lead to the acme-dns account (_acme-challenge.${domain} -> elsewhere.${lab().zone}), so the CA would not find its TXT record. Replace it with this record:\n  _acme-challenge.${domain}. CNAME ${account.fulldomain}.`);
  });

  it("created while waiting: presenting goes on once it shows", async () => {
    const domain = newDomain();
    const account = await server.register();
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }), ACME_DNS_PROPAGATION_TIMEOUT: "20" });
    const presenting = dns.present(recordFor(domain), noAbort);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await delegate(domain, account.fulldomain);
    await presenting;
    expect(updatesOf(account.subdomain)).toHaveLength(1);
  });

  it("through another CNAME first: fine as long as the chain reaches the fulldomain", async () => {
    const domain = newDomain();
    const middle = `${uniqueLabel("middle")}.${lab().zone}`;
    const account = await server.register();
    await nsupdate(lab(), [`update add _acme-challenge.${domain}. 1 CNAME ${middle}.`, `update add ${middle}. 1 CNAME ${account.fulldomain}.`]);
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }) });
    await dns.present(recordFor(domain), noAbort);
  });
});

describe("a domain missing from the credentials", () => {
  it("in a writable file: registers an account with the allowlist, saves it (0600, others kept), and asks for the CNAME", async () => {
    const other = await server.register();
    const file = await credentialsFile({ "other.example": other });
    const domain = newDomain();
    const dns = await provider({ ACME_DNS_STORAGE_PATH: file, ACME_DNS_ALLOWLIST: "127.0.0.0/8, ::1/128" });

    const error = await errorOf(dns.present(recordFor(domain), noAbort));

    const saved = JSON.parse(await readFile(file, "utf8")) as Record<string, Credentials>;
    expect(Object.keys(saved)).toEqual(["other.example", domain]);
    expect(saved["other.example"]).toEqual(other);
    const account = saved[domain]!;
    expect(account.allowfrom).toEqual(["127.0.0.0/8", "::1/128"]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const registration = server.requests.filter((request) => request.path === "/register").at(-1)!;
    expect(registration.body).toBe(JSON.stringify({ allowfrom: ["127.0.0.0/8", "::1/128"] }));
    expect(error.message).toBe(
      `${domain} had no acme-dns account: one was registered on ${server.apiBase} (allowfrom 127.0.0.0/8, ::1/128) and saved in ${file} under "${domain}". ` +
        `Create this DNS record in the zone of ${domain}, then apply again:\n  _acme-challenge.${domain}. CNAME ${account.fulldomain}.`,
    );
    expect(error.message).not.toContain(account.password);

    // The next run, once the CNAME is there, uses the saved account.
    await delegate(domain, account.fulldomain);
    const next = await provider({ ACME_DNS_STORAGE_PATH: file });
    await next.present(recordFor(domain), noAbort);
    expect(server.records(account.subdomain)).toHaveLength(1);
  });

  it("in a file that does not exist yet (nor its directory): registers, creates the file (0600) with the account, then asks for the CNAME, as lego does", async () => {
    const file = join(await temporaryDirectory(), "new", "credentials.json");
    const domain = newDomain();
    const error = await errorOf((await provider({ ACME_DNS_STORAGE_PATH: file })).present(recordFor(domain), noAbort));
    const saved = JSON.parse(await readFile(file, "utf8")) as Record<string, Credentials>;
    expect(Object.keys(saved)).toEqual([domain]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(error.message).toContain(`Create this DNS record in the zone of ${domain}, then apply again:\n  _acme-challenge.${domain}. CNAME ${saved[domain]!.fulldomain}.`);
  });

  it("an apex and its wildcard register one account between them", async () => {
    const file = await credentialsFile({});
    const domain = newDomain();
    const registrations = server.requests.filter((request) => request.path === "/register").length;
    const dns = await provider({ ACME_DNS_STORAGE_PATH: file });
    const errors = await Promise.all([errorOf(dns.present(recordFor(domain), noAbort)), errorOf(dns.present(wildcardRecord(domain), noAbort))]);
    expect(errors[0]!.message).toMatch(/had no acme-dns account/);
    expect(errors[1]!.message).toBe(`as for ${domain}, whose acme-dns account and CNAME this name shares`);
    expect(server.requests.filter((request) => request.path === "/register").length).toBe(registrations + 1);
  });

  it("concurrent writers (other certificates, other runs) lose no entry and register each domain once", async () => {
    const file = await credentialsFile({});
    const domains = Array.from({ length: 6 }, () => newDomain());
    const endpoint = { apiBase: server.apiBase, setting: "ACME_DNS_API_BASE", timeoutSeconds: 5 };
    const registrations = server.requests.filter((request) => request.path === "/register").length;
    // Separate storages, as separate processes would have: only the lock file is shared.
    const results = await Promise.all(
      [...domains, ...domains].map((domain) => {
        const signal = new AbortController().signal; // one per writer, as separate runs have
        return new FileStorage(file, "ACME_DNS_STORAGE_PATH").addAccount(domain, () => registerAccount(endpoint, undefined, signal), signal);
      }),
    );
    const saved = JSON.parse(await readFile(file, "utf8")) as Record<string, Credentials>;
    expect(Object.keys(saved).sort()).toEqual([...domains].sort());
    expect(results.filter((result) => result.registered)).toHaveLength(domains.length);
    expect(server.requests.filter((request) => request.path === "/register").length).toBe(registrations + domains.length);
    for (const [index, domain] of [...domains, ...domains].entries()) expect(results[index]!.account.fulldomain).toBe(saved[domain]!.fulldomain);
    expect((await stat(`${file}.lock`).catch(() => null)) === null).toBe(true);
  });

  it("in inline JSON: says which domain is missing and how to add it, registering nothing", async () => {
    const domain = newDomain();
    const registrations = server.requests.filter((request) => request.path === "/register").length;
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ "other.example": await server.register() }) });
    const error = await errorOf(dns.present(recordFor(domain), noAbort));
    expect(error.message).toMatch(new RegExp(`^${domain.replaceAll(".", "\\.")} is not in ACME_DNS_STORAGE_JSON: register an account for it \\(an acme_dns_registration resource with domain = "${domain.replaceAll(".", "\\.")}"`));
    expect(server.requests.filter((request) => request.path === "/register").length).toBe(registrations);
  });

  (process.getuid?.() === 0 ? it.skip : it)("in a file it cannot write: says so, registering nothing", async () => {
    const file = await credentialsFile({});
    await chmod(file, 0o400);
    const error = await errorOf((await provider({ ACME_DNS_STORAGE_PATH: file })).present(recordFor(newDomain()), noAbort));
    expect(error.message).toMatch(/and no account can be registered into it: the file is not writable/);
  });
});

describe("what the server answers", () => {
  it("a wrong password: 401 forbidden, explained, without the password or username", async () => {
    const domain = newDomain();
    const account = await server.register();
    await delegate(domain, account.fulldomain);
    const wrong = { ...account, password: "x".repeat(40) };
    const dns = await provider({ ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: wrong }) });
    const error = await errorOf(dns.present(recordFor(domain), noAbort));
    expect(error.message).toMatch(/answered 401 forbidden: the server refused the account whose fulldomain is .*the username and password must be the ones \/register returned on this server \(ACME_DNS_API_BASE\)/);
    for (const secret of [wrong.password, account.password, account.username]) expect(error.message).not.toContain(secret);
    expect(JSON.stringify(log.lines())).not.toContain(wrong.password);
  });

  it("a server that is down: connection refused, at once", async () => {
    const domain = newDomain();
    const account = await server.register();
    await delegate(domain, account.fulldomain);
    const closed = await unusedPort();
    const dns = await provider({ ACME_DNS_API_BASE: `http://127.0.0.1:${closed}`, ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }) });
    const started = Date.now();
    const error = await errorOf(dns.present(recordFor(domain), noAbort));
    expect(error.message).toBe(`cannot reach http://127.0.0.1:${closed}/update: connection refused: is the acme-dns server running there, and is ACME_DNS_API_BASE right?`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  describe("a server that is not acme-dns", () => {
    let other: Server;
    let base: string;
    beforeAll(async () => {
      other = createServer((request, response) => {
        if (request.url === "/silent/update") return; // never answers
        if (request.url === "/failing/update") return response.writeHead(500, { "content-type": "application/json" }).end('{"error": "db_error"}');
        if (request.url === "/garbage/update") return response.writeHead(400, { "content-type": "application/json" }).end("{not json");
        if (request.url === "/webapp/update") return response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>Sign in</title>");
        if (request.url === "/terse/update") return response.writeHead(200).end();
        if (request.url === "/moved/update") {
          response.writeHead(308, { location: "https://auth.example.com/update" });
          return response.end();
        }
        response.writeHead(404).end("404 page not found\n");
      });
      await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      other.closeAllConnections();
      other.close();
    });

    async function presentThrough(apiBase: string, extra: Record<string, string> = {}): Promise<Error> {
      const domain = newDomain();
      const account = await server.register();
      await delegate(domain, account.fulldomain);
      const dns = await provider({ ACME_DNS_API_BASE: apiBase, ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }), ...extra });
      return errorOf(dns.present(recordFor(domain), noAbort));
    }

    it("404: no acme-dns API there", async () => {
      expect((await presentThrough(`${base}/wrong`)).message).toMatch(/answered 404: 404 page not found: no acme-dns API there\. ACME_DNS_API_BASE must be the server's base URL/);
    });

    it("500, and an error answer that is not JSON: errors that say what the server answered, no crash", async () => {
      const failing = await presentThrough(`${base}/failing`);
      expect(failing.message).toMatch(/answered 500/);
      expect(failing.message).toMatch(/db_error: the acme-dns server failed/);
      const garbage = await presentThrough(`${base}/garbage`);
      expect(garbage.message).toContain(`${base}/garbage/update`);
      expect(garbage.message).not.toMatch(/Unexpected token|SyntaxError/);
    });

    it("200 with a body that is not JSON (a web app's page): the record was not set, said at once; an empty 200 counts, as for goacmedns", async () => {
      const webapp = await presentThrough(`${base}/webapp`);
      expect(webapp.message).toBe(
        `${base}/webapp/update answered 200: <!doctype html><title>Sign in</title>, not acme-dns's JSON ({"txt": ...}): the TXT record was not set. Is ACME_DNS_API_BASE the acme-dns server's base URL?`,
      );
      expect((await presentThrough(`${base}/terse`)).message).toBe("no error");
    });

    it("a redirect is not followed, and says where to point instead", async () => {
      expect((await presentThrough(`${base}/moved`)).message).toMatch(/redirects \(308\) to https:\/\/auth\.example\.com\/update; redirects are not followed/);
    });

    it("no answer: gives up after ACME_DNS_HTTP_TIMEOUT", async () => {
      const started = Date.now();
      expect((await presentThrough(`${base}/silent`, { ACME_DNS_HTTP_TIMEOUT: "1" })).message).toBe(
        `no answer from ${base}/silent/update within 1 s: is the acme-dns server up, and is ACME_DNS_API_BASE right?`,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });
});

