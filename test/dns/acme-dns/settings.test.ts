// The acme-dns provider's settings and credentials, checked without a server: what
// Terraform's validate/plan reports for each kind of bad input, and that no secret leaks.

import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { allowlistNetworks, whyNotApiBase, whyNotCidr, whyUnsafeApiBase } from "../../../src/dns/acme-dns/addresses.js";
import { credentialsKey, parseCredentials, serializeCredentials, withAccount } from "../../../src/dns/acme-dns/credentials.js";
import type { SettingProblem } from "../../../src/dns/description.js";
import { problemMessage, resolveDnsChallenge, validateDnsChallenge } from "../../../src/dns/settings.js";
import { temporaryDirectory } from "../support.js";

const PASSWORD = "pbAXVjlIOE01xbut7YnAbkhMQIkcwoHO0ek2j4Q0";
const USERNAME = "eabcdb41-d89f-4580-826f-3e62e9755ef2";
const SUBDOMAIN = "d420c923-bbd7-4056-ab64-c3ca54c9b3cf";
const entry = { username: USERNAME, password: PASSWORD, fulldomain: `${SUBDOMAIN}.auth.example.com`, subdomain: SUBDOMAIN, allowfrom: ["10.244.0.0/16"] };
const API_BASE = "https://auth.example.com";

let dir: string;
beforeAll(async () => {
  dir = await temporaryDirectory();
});

const validate = (config: Record<string, string | undefined>, env: Record<string, string> = {}) => validateDnsChallenge({ provider: "acme-dns", config }, env);
const messages = (problems: SettingProblem[]) => problems.map(problemMessage);

function expectNoSecret(problems: SettingProblem[]): void {
  const text = JSON.stringify(problems);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(USERNAME);
}

describe("the credentials JSON", () => {
  it("reads the seed's document, keyed by bare domain, several domains sharing one account", () => {
    const parsed = parseCredentials(JSON.stringify({ "example.com": entry, "Example.ORG.": entry }));
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    expect([...parsed.credentials.accounts.keys()]).toEqual(["example.com", "example.org"]);
    expect(parsed.credentials.accounts.get("example.com")).toEqual(entry);
  });

  it("takes an entry without allowfrom, and an empty document as no accounts", () => {
    const { allowfrom: _unused, ...withoutAllowfrom } = entry;
    const parsed = parseCredentials(JSON.stringify({ "example.com": withoutAllowfrom }));
    expect(parsed.ok && parsed.credentials.accounts.get("example.com")?.allowfrom).toEqual([]);
    expect(parseCredentials("  \n").ok).toBe(true);
    expect(parseCredentials("{}").ok).toBe(true);
  });

  it("says where the JSON breaks, without quoting it", () => {
    const text = `{\n  "example.com": {"username": "${USERNAME}", "password": "${PASSWORD}",}\n}`;
    const parsed = parseCredentials(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const column = text.split("\n")[1]!.indexOf(",}") + 2; // the brace after the trailing comma
    expect(parsed.problems).toEqual([`it is not valid JSON (line 2, column ${column})`]);
    const early = parseCredentials(`{"example.com": {"password": "${PASSWORD}"`);
    expect(early.ok || early.problems.join()).toMatch(/not valid JSON/);
    expect(JSON.stringify(early)).not.toContain(PASSWORD);
    const bare = parseCredentials(PASSWORD);
    expect(JSON.stringify(bare)).not.toContain(PASSWORD);
  });

  it("names the domain and the field of an incomplete entry", () => {
    const { fulldomain: _a, password: _b, ...incomplete } = entry;
    const parsed = parseCredentials(JSON.stringify({ "example.com": incomplete }));
    expect(parsed.ok || parsed.problems).toEqual(['the entry for "example.com" has no password, fulldomain (each a non-empty string, as /register returns it)']);
  });

  it("refuses a wildcard key, a non-object, an entry whose fulldomain is not its subdomain's, and a bad allowfrom", () => {
    const parsed = parseCredentials(
      JSON.stringify({
        "*.example.com": entry,
        "a.example": "text",
        "b.example": { ...entry, fulldomain: "other.auth.example.com" },
        "c.example": { ...entry, allowfrom: "10.0.0.0/8" },
      }),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      'the key "*.example.com" has a wildcard: use the bare domain "example.com", whose entry also serves *.example.com',
      'the entry for "a.example" must be an object with username, password, fulldomain and subdomain, as /register returns them',
      `the entry for "b.example": its fulldomain "other.auth.example.com" must be its subdomain "${SUBDOMAIN}" followed by the acme-dns server's zone`,
      'the entry for "c.example": allowfrom must be a list of CIDR strings, like ["10.244.0.0/16"], or absent',
    ]);
    expect(parseCredentials("[]").ok).toBe(false);
  });

  it("adds an entry without touching the others (unknown fields kept), written indented", () => {
    const document = { "example.org": { ...entry, server_url: API_BASE } };
    const added = withAccount(document, "*.Example.com.", { ...entry, allowfrom: [] });
    expect(added).toEqual({ "example.org": { ...entry, server_url: API_BASE }, "example.com": { ...entry, allowfrom: [] } });
    expect(serializeCredentials(added)).toMatch(/^{\n  "example.org": {\n    "username"/);
    expect(credentialsKey("*.WWW.Example.com.")).toBe("www.example.com");
  });
});

describe("addresses", () => {
  it("checks the API base: a URL, http(s), no credentials nor query; plain http elsewhere than loopback is a warning", () => {
    for (const fine of ["https://auth.example.com", "http://127.0.0.1:8080", "http://localhost/acme-dns/", "http://[::1]:8080"]) {
      expect(whyNotApiBase(fine)).toBeUndefined();
      expect(whyUnsafeApiBase(fine)).toBeUndefined();
    }
    expect(whyNotApiBase("auth.example.com")).toMatch(/is not a URL/);
    expect(whyNotApiBase("ftp://auth.example.com")).toMatch(/http:\/\/ or https:\/\//);
    expect(whyNotApiBase("https://u:p@auth.example.com")).toMatch(/must not contain credentials/);
    expect(whyNotApiBase("https://auth.example.com/?x=1")).toMatch(/query/);
    expect(whyNotApiBase("http://auth.example.com")).toBeUndefined();
    expect(whyUnsafeApiBase("http://auth.example.com")).toMatch(/plain http.*unencrypted/);
    // An unusable URL is an error, not a warning too.
    expect(whyUnsafeApiBase("http://u:p@auth.example.com")).toBeUndefined();
  });

  it("reports plain http to another host as a warning at validate time, which does not block apply", async () => {
    const config = { ACME_DNS_API_BASE: "http://auth.example.com", ACME_DNS_STORAGE_JSON: JSON.stringify({ "example.com": entry }) };
    const problems = await validate(config);
    expect(problems).toEqual([expect.objectContaining({ setting: "ACME_DNS_API_BASE", severity: "warning" })]);
    expect(problemMessage(problems[0]!)).toMatch(/plain http.*unencrypted/);
    expect((await resolveDnsChallenge({ provider: "acme-dns", config }, {})).ok).toBe(true);
  });

  it("reads an allowlist of CIDR networks separated by commas", () => {
    const networks = allowlistNetworks(" 10.0.0.0/8, 2001:db8::/32,[::1]/128 ,");
    expect(networks).toEqual(["10.0.0.0/8", "2001:db8::/32", "[::1]/128"]);
    expect(networks.map(whyNotCidr)).toEqual([undefined, undefined, undefined]);
    expect(allowlistNetworks("10.0.0.1").map(whyNotCidr)).toEqual(['"10.0.0.1" is not a network in CIDR notation, like 10.244.0.0/16 or 2001:db8::/32']);
    expect(whyNotCidr("10.0.0.0/33")).toMatch(/beyond 32/);
    expect(whyNotCidr("2001:db8::/129")).toMatch(/beyond 128/);
  });
});

describe("validation at plan time", () => {
  it("accepts a credentials file, or inline JSON", async () => {
    const file = join(dir, "good.json");
    await writeFile(file, JSON.stringify({ "example.com": entry }));
    expect(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_PATH: file })).toEqual([]);
    expect(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_JSON: JSON.stringify({ "example.com": entry }) })).toEqual([]);
    expect(await validate({}, { ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_JSON: "{}" })).toEqual([]);
  });

  it("reads the inline JSON from ACME_DNS_STORAGE_JSON_FILE (a mounted secret)", async () => {
    const secret = join(dir, "acmedns.json");
    await writeFile(secret, JSON.stringify({ "example.com": entry }) + "\n");
    const resolved = await resolveDnsChallenge({ provider: "acme-dns", config: { ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_JSON_FILE: secret } }, {});
    expect(resolved.ok).toBe(true);
  });

  it("needs the API base and one source of credentials, not two", async () => {
    expect(messages(await validate({}))).toEqual([
      "ACME_DNS_API_BASE is required: set it in the dns_challenge config or the ACME_DNS_API_BASE environment variable (or ACME_DNS_API_BASE_FILE)",
      expect.stringMatching(/^ACME_DNS_STORAGE_PATH or ACME_DNS_STORAGE_JSON is required: give the acme-dns credentials as a file/),
    ]);
    const file = join(dir, "both.json");
    await writeFile(file, "{}");
    expect(messages(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_PATH: file, ACME_DNS_STORAGE_JSON: "{}" }))).toEqual([
      expect.stringMatching(/^ACME_DNS_STORAGE_JSON: cannot be used with ACME_DNS_STORAGE_PATH/),
    ]);
  });

  it("accepts an ACME_DNS_STORAGE_PATH that does not exist yet, as lego does (it is created with the first account)", async () => {
    expect(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_PATH: join(dir, "not-yet", "credentials.json") })).toEqual([]);
  });

  it("skips what is not known yet", async () => {
    expect(await validate({ ACME_DNS_API_BASE: undefined, ACME_DNS_STORAGE_JSON: undefined })).toEqual([]);
    await writeFile(join(dir, "broken.json"), "not JSON");
    expect(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_JSON: undefined, ACME_DNS_STORAGE_PATH: join(dir, "broken.json") })).toHaveLength(1);
  });

  it("reports an API base that is not a URL", async () => {
    const problems = await validate({ ACME_DNS_API_BASE: "auth.example.com", ACME_DNS_STORAGE_JSON: "{}" });
    expect(problems).toEqual([
      {
        setting: "ACME_DNS_API_BASE",
        summary: "ACME_DNS_API_BASE: not an acme-dns API base URL",
        detail: '"auth.example.com" is not a URL: give the acme-dns server\'s base URL, like https://auth.example.com (the value comes from the dns_challenge config)',
      },
    ]);
  });

  it("reports malformed inline JSON and incomplete entries, naming the setting and never a secret", async () => {
    const malformed = await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_JSON: `{"example.com": {"password": "${PASSWORD}", }` });
    expect(malformed).toEqual([
      expect.objectContaining({ setting: "ACME_DNS_STORAGE_JSON", summary: "ACME_DNS_STORAGE_JSON: invalid acme-dns credentials", detail: expect.stringMatching(/^it is not valid JSON \(line 1, column \d+\) \(the value comes from the dns_challenge config\)$/) }),
    ]);
    expectNoSecret(malformed);

    const { fulldomain: _unused, ...noFulldomain } = entry;
    const incomplete = await validate({}, { ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_JSON: JSON.stringify({ "example.com": noFulldomain }) });
    expect(messages(incomplete)).toEqual([
      'ACME_DNS_STORAGE_JSON: invalid acme-dns credentials: the entry for "example.com" has no fulldomain (each a non-empty string, as /register returns it) (the value comes from the ACME_DNS_STORAGE_JSON environment variable)',
    ]);
    expectNoSecret(incomplete);
  });

  it("reports a credentials file that is unreadable, a directory or invalid", async () => {
    const locked = join(dir, "locked.json");
    await writeFile(locked, "{}");
    await chmod(locked, 0o000);
    const unreadable = messages(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_PATH: locked }));
    // root reads anything: only check when the file really is unreadable
    if (process.getuid?.() !== 0) expect(unreadable).toEqual([expect.stringMatching(/cannot read .*permission denied/)]);

    const directory = join(dir, "a-directory");
    await mkdir(directory, { recursive: true });
    expect(messages(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_PATH: directory }))).toEqual([expect.stringMatching(/cannot read .*it is a directory/)]);

    const invalid = join(dir, "invalid.json");
    await writeFile(invalid, JSON.stringify({ "example.com": { ...entry, subdomain: "" } }));
    const problems = await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_PATH: invalid });
    expect(messages(problems)).toEqual([
      `ACME_DNS_STORAGE_PATH: invalid acme-dns credentials in ${invalid}: the entry for "example.com" has no subdomain (each a non-empty string, as /register returns it) (the value comes from the dns_challenge config)`,
    ]);
    expectNoSecret(problems);
  });

  it("reports an allowlist entry that is not a CIDR network", async () => {
    expect(messages(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_JSON: "{}", ACME_DNS_ALLOWLIST: "10.0.0.0/8,192.0.2.1" }))).toEqual([
      'ACME_DNS_ALLOWLIST: not a list of CIDR networks: "192.0.2.1" is not a network in CIDR notation, like 10.244.0.0/16 or 2001:db8::/32; separate networks with commas (the value comes from the dns_challenge config)',
    ]);
  });

  it("rejects keys that are not settings, and reads durations as whole seconds", async () => {
    expect(messages(await validate({ ACME_DNS_API_BASE: API_BASE, ACME_DNS_STORAGE_JSON: "{}", ACME_DNS_STORAGE: "x", ACME_DNS_PROPAGATION_TIMEOUT: "1m" }))).toEqual([
      expect.stringMatching(/^ACME_DNS_STORAGE is not a setting of the acme-dns DNS provider/),
      expect.stringMatching(/^ACME_DNS_PROPAGATION_TIMEOUT: "1m" is not a whole number of seconds/),
    ]);
  });
});
