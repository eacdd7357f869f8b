// The acme-dns DNS provider and acme_dns_registration through the real terraform CLI, the
// installed provider, Pebble and the acme-dns stand-in serving the lab's delegated zone
// (acmedns.acme-tf.test): Pebble validates through unbound, which follows the user's
// `_acme-challenge` CNAME in bind9 to the stand-in, exactly as in production.
import { copyFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { AcmeDnsServer, Credentials } from "../acme-dns-server/server.js";
import { dig, unusedPort } from "../lab/index.js";
import { acmeDnsChallenge, delegate, startAcmeDnsOnLab } from "./fixtures/acme-dns.js";
import {
  ACCOUNT,
  allOutput,
  certificate,
  certificateValues,
  environment,
  removeScratch,
  removeWorkspaces,
  scratch,
  stateList,
  subjectAltNames,
  uniqueName,
  workspace,
} from "./fixtures/stack.js";
import { resourceValues, TerraformWorkspace, wrapped } from "./workspace.js";

const APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"];
const example = new URL("../../examples/acme-dns/", import.meta.url).pathname;

let server: AcmeDnsServer;

// Each test has its own stand-in, so that port 53 of the lab's acme-dns address is free in
// between for the stand-in's own lab test (test/acme-dns-server), which may run meanwhile.
beforeEach(async () => {
  server = await startAcmeDnsOnLab();
});
afterEach(() => server?.stop());
afterAll(() => {
  removeWorkspaces();
  removeScratch();
});

function credentialsFile(entries: Record<string, Credentials>): string {
  return scratch({ "acme-dns.json": JSON.stringify(entries, null, 2) })["acme-dns.json"]!;
}

const names = (domain: string, wildcard = false) => `  common_name = "${domain}"\n  key_type = "P256"\n${wildcard ? `  subject_alternative_names = ["*.${domain}"]\n` : ""}`;
const updates = () => server.requests.filter((request) => request.path === "/update");

test("credentials file: an apex and its wildcard on one account, in one round; a second plan is empty", async () => {
  const domain = uniqueName("file");
  const account = await server.register();
  await delegate(domain, account.fulldomain);
  const file = credentialsFile({ [domain]: account });
  const ws = workspace(ACCOUNT + certificate("cert", names(domain, true), acmeDnsChallenge({ ACME_DNS_API_BASE: server.apiBase, ACME_DNS_STORAGE_PATH: file })));
  await ws.init();
  await ws.apply();

  expect(await subjectAltNames((await certificateValues(ws)).certificate_pem as string)).toEqual([`*.${domain}`, domain]);
  const sent = updates();
  expect(sent.map((request) => request.status)).toEqual([200, 200]);
  expect(new Set(sent.map((request) => JSON.parse(request.body).txt)).size).toBe(2);
  // One round: both values were sent before anyone (the propagation check, Pebble) asked for them.
  const asked = server.dnsQueries.filter((query) => query.name.toLowerCase() === account.fulldomain && query.type === "TXT");
  expect(asked.length).toBeGreaterThan(0);
  expect(sent.map((request) => request.time).sort().at(-1)! <= asked.map((query) => query.time).sort()[0]!).toBe(true);

  expect((await ws.plan()).exitCode).toBe(0);
});

test("inline credentials from a sensitive variable, never shown", async () => {
  const domain = uniqueName("inline");
  const account = await server.register();
  await delegate(domain, account.fulldomain);
  const ws = workspace(
    `variable "acme_dns_credentials" {\n  type      = string\n  sensitive = true\n}\n` +
      ACCOUNT +
      certificate("cert", names(domain), acmeDnsChallenge({ ACME_DNS_API_BASE: server.apiBase }).replace("config = {", "config = {\n      ACME_DNS_STORAGE_JSON = var.acme_dns_credentials")),
    { env: { TF_VAR_acme_dns_credentials: JSON.stringify({ [domain]: account }) } },
  );
  await ws.init();
  const applied = await ws.apply();
  expect(await subjectAltNames((await certificateValues(ws)).certificate_pem as string)).toEqual([domain]);
  expect(updates()).toHaveLength(1);
  expect(allOutput(applied)).not.toContain(account.password);
  expect((await ws.plan()).exitCode).toBe(0);
});

test("a domain missing from a writable file: an account is registered and saved (0600), the error gives the CNAME; with it, the next apply issues", async () => {
  const domain = uniqueName("missing");
  const other = await server.register();
  const file = credentialsFile({ "other.example": other });
  const ws = workspace(
    ACCOUNT + certificate("cert", names(domain, true), acmeDnsChallenge({ ACME_DNS_API_BASE: server.apiBase, ACME_DNS_STORAGE_PATH: file, ACME_DNS_ALLOWLIST: "127.0.0.0/8" })),
  );
  await ws.init();
  const failed = await ws.run(APPLY);
  expect(failed.exitCode).toBe(1);

  const saved = JSON.parse(await readFile(file, "utf8")) as Record<string, Credentials>;
  expect(Object.keys(saved)).toEqual(["other.example", domain]);
  expect(saved["other.example"]).toEqual(other);
  const account = saved[domain]!;
  expect(account.allowfrom).toEqual(["127.0.0.0/8"]);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(server.requests.filter((request) => request.path === "/register")).toHaveLength(1);
  expect(failed.stderr).toMatch(wrapped(`${domain} had no acme-dns account: one was registered on ${server.apiBase}`));
  expect(failed.stderr).toMatch(wrapped(`_acme-challenge.${domain}. CNAME ${account.fulldomain}.`));
  expect(allOutput(failed)).not.toContain(account.password);
  expect(await stateList(ws)).toEqual(["acme_registration.account"]);

  await delegate(domain, account.fulldomain);
  await ws.apply();
  expect(await subjectAltNames((await certificateValues(ws)).certificate_pem as string)).toEqual([`*.${domain}`, domain]);
  expect(server.requests.filter((request) => request.path === "/register")).toHaveLength(1);
});

test("a missing CNAME: the error gives the exact record to create, and nothing is sent", async () => {
  const domain = uniqueName("nocname");
  const account = await server.register();
  const file = credentialsFile({ [domain]: account });
  const ws = workspace(
    ACCOUNT + certificate("cert", names(domain), acmeDnsChallenge({ ACME_DNS_API_BASE: server.apiBase, ACME_DNS_STORAGE_PATH: file, ACME_DNS_PROPAGATION_TIMEOUT: "2" })),
  );
  await ws.init();
  const failed = await ws.run(APPLY);
  expect(failed.exitCode).toBe(1);
  expect(failed.stderr).toMatch(wrapped(`the CNAME that delegates ${domain}'s challenges to acme-dns is missing. Create this record in the zone of ${domain}:`));
  expect(failed.stderr).toMatch(wrapped(`_acme-challenge.${domain}. CNAME ${account.fulldomain}.`));
  expect(updates()).toHaveLength(0);
});

test("a wrong password: 401 forbidden explained, no password nor username in the output or the provider's log", async () => {
  const domain = uniqueName("forbidden");
  const account = await server.register();
  await delegate(domain, account.fulldomain);
  const wrongPassword = `${account.password.slice(0, 20)}${"Z".repeat(20)}`;
  const file = credentialsFile({ [domain]: { ...account, password: wrongPassword } });
  const ws = workspace(ACCOUNT + certificate("cert", names(domain), acmeDnsChallenge({ ACME_DNS_API_BASE: server.apiBase, ACME_DNS_STORAGE_PATH: file })));
  await ws.init();
  const failed = await ws.run(APPLY, { TF_LOG_PROVIDER: "DEBUG" });
  expect(failed.exitCode).toBe(1);
  expect(failed.stderr).toMatch(wrapped("answered 401 forbidden: the server refused the account whose fulldomain is"));
  expect(failed.stderr).toMatch(wrapped("the username and password must be the ones /register returned on this server (ACME_DNS_API_BASE)"));
  for (const secret of [wrongPassword, account.password, account.username]) expect(allOutput(failed)).not.toContain(secret);
  expect(updates().map((request) => request.error)).toEqual(["forbidden"]);
});

test("an acme-dns server that is down: a clear error at once, no hang", async () => {
  const domain = uniqueName("down");
  const account = await server.register();
  await delegate(domain, account.fulldomain);
  const port = await unusedPort();
  const file = credentialsFile({ [domain]: account });
  const ws = workspace(ACCOUNT + certificate("cert", names(domain), acmeDnsChallenge({ ACME_DNS_API_BASE: `http://127.0.0.1:${port}`, ACME_DNS_STORAGE_PATH: file })));
  await ws.init();
  await ws.apply(["-target=acme_registration.account"]);
  const started = Date.now();
  const failed = await ws.run(APPLY);
  expect(failed.exitCode).toBe(1);
  expect(failed.stderr).toMatch(wrapped(`cannot reach http://127.0.0.1:${port}/update: connection refused: is the acme-dns server running there, and is ACME_DNS_API_BASE right?`));
  expect(Date.now() - started).toBeLessThan(30_000);
});

describe("examples/acme-dns: registration, CNAME and certificate in a single apply", () => {
  let ws: TerraformWorkspace;
  const domain = uniqueName("example");

  test("one apply registers, delegates and issues; a second plan is empty; destroy leaves nothing", async () => {
    ws = new TerraformWorkspace({ NODE_EXTRA_CA_CERTS: environment.caCertPath });
    copyFileSync(join(example, "main.tf"), join(ws.dir, "main.tf"));
    ws.write(
      "terraform.tfvars.json",
      JSON.stringify({
        server_url: environment.acmeDirectory,
        acme_dns_url: server.apiBase,
        domain,
        nsupdate_server: environment.authoritative,
        nsupdate_zone: environment.zone,
        tsig_key_file: environment.tsigKeyFile,
        recursive_nameservers: [environment.resolver],
      }),
    );
    try {
      await ws.init();
      await ws.apply();

      const state = await ws.state();
      const registration = resourceValues(state, "acme_dns_registration.account");
      expect(registration).toMatchObject({ server_url: server.apiBase, domain, allowfrom: ["127.0.0.0/8"], cname_name: `_acme-challenge.${domain}` });
      expect(registration.fulldomain).toBe(`${registration.subdomain}.${environment.acmeDnsZone}`);
      expect(registration.id).toBe(registration.subdomain);
      expect(JSON.parse(registration.credentials_json as string)).toEqual({
        [domain]: { username: registration.username, password: registration.password, fulldomain: registration.fulldomain, subdomain: registration.subdomain, allowfrom: ["127.0.0.0/8"] },
      });
      const cname = await dig(environment.authoritative, `_acme-challenge.${domain}.`, "CNAME");
      expect(cname.map((answer) => answer.data)).toEqual([`${registration.fulldomain}.`]);

      const outputs = await ws.outputs();
      expect(outputs.cname_record!.value).toBe(`_acme-challenge.${domain}. CNAME ${registration.fulldomain}.`);
      expect(await subjectAltNames(outputs.certificate_pem!.value as string)).toEqual([`*.${domain}`, domain]);
      expect(server.requests.filter((request) => request.path === "/register")).toHaveLength(1);
      expect(updates().map((request) => request.status)).toEqual([200, 200]);

      expect((await ws.plan()).exitCode).toBe(0);

      await ws.destroy();
      expect(await stateList(ws)).toEqual([]);
      expect(await dig(environment.authoritative, `_acme-challenge.${domain}.`, "CNAME")).toEqual([]);
    } finally {
      ws.remove();
    }
  });
});

describe("bad input, reported at validate or plan time, without secrets", () => {
  const SECRET = "pbAXVjlIOE01xbut7YnAbkhMQIkcwoHO0ek2j4Q0";

  test("a bad API base, allowlist or credentials file, each naming its setting", async () => {
    const ws = workspace(
      ACCOUNT +
        certificate("base", names("a.example"), acmeDnsChallenge({ ACME_DNS_API_BASE: "auth.example.com", ACME_DNS_ALLOWLIST: "10.0.0.1", ACME_DNS_STORAGE_JSON: "{}" })) +
        certificate("file", names("b.example"), acmeDnsChallenge({ ACME_DNS_API_BASE: "https://auth.example.com", ACME_DNS_STORAGE_PATH: "/etc" })),
    );
    await ws.init();
    const validated = await ws.run(["validate", "-no-color"]);
    expect(validated.exitCode).toBe(1);
    expect(validated.stderr).toMatch(wrapped('ACME_DNS_API_BASE: not an acme-dns API base URL'));
    expect(validated.stderr).toMatch(wrapped('"auth.example.com" is not a URL'));
    expect(validated.stderr).toMatch(wrapped("ACME_DNS_ALLOWLIST: not a list of CIDR networks"));
    // A file that does not exist yet is fine (created with the first account, as lego does); a directory is not.
    expect(validated.stderr).toMatch(wrapped("ACME_DNS_STORAGE_PATH: cannot read /etc"));
  });

  test("malformed credentials JSON from a sensitive variable: the setting and the place, never the content", async () => {
    // Variables are unknown to `validate`, known to `plan`: the JSON is checked then.
    // Terraform's source excerpt shows "(sensitive value)"; the diagnostic quotes nothing.
    const ws = workspace(
      `variable "acme_dns_credentials" {\n  type      = string\n  sensitive = true\n}\n` +
        ACCOUNT +
        certificate(
          "json",
          names("a.example"),
          acmeDnsChallenge({ ACME_DNS_API_BASE: "https://auth.example.com" }).replace("config = {", "config = {\n      ACME_DNS_STORAGE_JSON = var.acme_dns_credentials"),
        ),
      { env: { TF_VAR_acme_dns_credentials: `{"a.example": {"password": "${SECRET}",}` } },
    );
    await ws.init();
    const planned = await ws.run(["plan", "-input=false", "-no-color"]);
    expect(planned.exitCode).toBe(1);
    expect(planned.stderr).toMatch(wrapped("ACME_DNS_STORAGE_JSON: invalid acme-dns credentials"));
    expect(planned.stderr).toMatch(wrapped("it is not valid JSON (line 1, column 71)"));
    expect(allOutput(planned)).not.toContain(SECRET);
  });

  test("acme_dns_registration: server_url not a URL is an error, plain http to another host a warning, allowfrom and domain checked", async () => {
    const ws = workspace(`
resource "acme_dns_registration" "bad" {
  server_url = "auth.example.com"
  allowfrom  = ["10.0.0.0/8", "10.0.0.1"]
  domain     = "*.example.com"
}

resource "acme_dns_registration" "plain" {
  server_url = "http://192.0.2.1:8080"
}
`);
    await ws.init();
    const result = await ws.run(["validate", "-no-color"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(wrapped('server_url: "auth.example.com" is not a URL'));
    expect(result.stderr).toMatch(wrapped('allowfrom[1]: "10.0.0.1" is not a network in CIDR notation'));
    expect(result.stderr).toMatch(wrapped('domain must be the bare domain, here "example.com"'));
    expect(allOutput(result)).toMatch(wrapped("Warning: Unencrypted acme-dns server_url"));
    expect(allOutput(result)).toMatch(wrapped("http://192.0.2.1:8080 is plain http to another host"));
  });
});
