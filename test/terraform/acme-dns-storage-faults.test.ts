// The acme-dns credentials file (ACME_DNS_STORAGE_PATH) on a read-only or full file
// system, through the real terraform CLI: terraform, and so the provider, run inside a
// mount namespace where the file's directory is a small tmpfs of its own (as root,
// permissions stop no write; a read-only mount and a full disk do). acme-dns itself is
// not packaged for Debian: the stand-in (test/acme-dns-server) follows its protocol.
//
// What must hold: a diagnostic naming the setting and what to do, no stack trace; the
// existing file left whole, no lock or temporary file left; no account registered that
// cannot be saved (acme-dns cannot delete one, and nobody would know its password), and
// when one is lost anyway (the disk filled up during /register), the message says so and
// which CNAME target never to use; no certificate in state, no process left; and the next
// apply, once the file system is writable, registers, asks for the CNAME, then issues.
import { readdirSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AcmeDnsServer, Credentials } from "../acme-dns-server/server.js";
import { acmeDnsChallenge, delegate, startAcmeDnsOnLab } from "./fixtures/acme-dns.js";
import { isolatedTmpfs, type IsolatedMount } from "./fixtures/mount-namespace.js";
import { ACCOUNT, allOutput, certificate, certificateValues, environment, removeWorkspaces, stateList, subjectAltNames, uniqueName, workspace } from "./fixtures/stack.js";
import { type TerraformResult, type TerraformWorkspace, wrapped } from "./workspace.js";

const APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"];
const FILE = "acme-dns.json";

let server: AcmeDnsServer;
let mount: IsolatedMount;
/** What happens when the stand-in receives /register, before it answers. */
let onRegister: (() => void) | undefined;

// A stand-in per test, as in acme-dns.test.ts: port 53 of the lab's acme-dns address is
// free in between for the other files using it.
beforeEach(async () => {
  onRegister = undefined;
  server = await startAcmeDnsOnLab({ onRequest: (path) => (path === "/register" ? onRegister?.() : undefined) });
  mount = await isolatedTmpfs(64);
});
afterEach(async () => {
  await Promise.all([server?.stop(), mount?.stop()]);
});
afterAll(() => removeWorkspaces());

const registrations = () => server.requests.filter((request) => request.path === "/register").length;

/** A credentials file holding another domain's account, and a workspace whose terraform runs inside the namespace. */
async function setUp(domain: string): Promise<{ ws: TerraformWorkspace; file: string; seeded: string }> {
  const seeded = `${JSON.stringify({ "other.example": await server.register() }, null, 2)}\n`;
  writeFileSync(mount.outside(FILE), seeded, { mode: 0o600 });
  const file = join(mount.dir, FILE);
  const config = ACCOUNT + certificate("cert", `  common_name = "${domain}"\n  key_type = "P256"\n`, acmeDnsChallenge({ ACME_DNS_API_BASE: server.apiBase, ACME_DNS_STORAGE_PATH: file }));
  const ws = workspace(config);
  ws.runUnder(mount.enter(ws.dir));
  await ws.init();
  return { ws, file, seeded };
}

/** Failed clean: a diagnostic, no trace, the file whole, nothing beside it, no certificate, no process. */
async function expectCleanFailure(result: TerraformResult, ws: TerraformWorkspace, seeded: string, besides: string[] = []): Promise<void> {
  expect(result.exitCode).toBe(1);
  expect(allOutput(result)).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  expect(readFileSync(mount.outside(FILE), "utf8")).toBe(seeded);
  expect(readdirSync(mount.outside("")).sort()).toEqual([FILE, ...besides].sort());
  expect(await stateList(ws)).toEqual(["acme_registration.account"]);
  expect(mount.processes()).toEqual([]);
}

/** Once writable again: the next apply registers and asks for the CNAME; with it, the one after issues. */
async function expectRepaired(ws: TerraformWorkspace, domain: string, file: string, registeredBefore: number): Promise<Credentials> {
  const asked = await ws.run(APPLY);
  expect(asked.exitCode).toBe(1);
  expect(registrations()).toBe(registeredBefore + 1);
  const saved = JSON.parse(readFileSync(mount.outside(FILE), "utf8")) as Record<string, Credentials>;
  expect(Object.keys(saved)).toEqual(["other.example", domain]);
  const account = saved[domain]!;
  expect(asked.stderr).toMatch(wrapped(`${domain} had no acme-dns account: one was registered on ${server.apiBase} and saved in ${file}`));
  expect(asked.stderr).toMatch(wrapped(`_acme-challenge.${domain}. CNAME ${account.fulldomain}.`));
  await delegate(domain, account.fulldomain);
  await ws.apply();
  expect(await subjectAltNames((await certificateValues(ws)).certificate_pem as string)).toEqual([domain]);
  expect(statSync(mount.outside(FILE)).mode & 0o777).toBe(0o600);
  return account;
}

test("read-only: says so, naming the setting and what to do, registers nothing; once read-write, the next applies repair", async () => {
  const domain = uniqueName("rofs");
  const { ws, file, seeded } = await setUp(domain);
  await mount.remount("ro");

  const failed = await ws.run(APPLY);
  expect(failed.stderr).toMatch(wrapped(`${domain} is not in the credentials file ${file} (ACME_DNS_STORAGE_PATH), and no account can be registered into it`));
  expect(failed.stderr).toMatch(wrapped("its file system is mounted read-only (EROFS)"));
  expect(failed.stderr).toMatch(wrapped(`Nothing was registered on ${server.apiBase}. Either make the file writable (mounted read-write, with free space), then apply again, or register an account for it`));
  expect(registrations()).toBe(0);
  await expectCleanFailure(failed, ws, seeded);

  await mount.remount("rw");
  await expectRepaired(ws, domain, file, 0);
});

describe("full: says so and registers nothing, whether even the lock file does not fit or only it does", () => {
  test.each([
    ["no byte free", 0, "cannot write the lock file"],
    ["room for the lock file only", 1, "cannot write a temporary copy next to"],
  ])("%s", async (_, freePages, what) => {
    const domain = uniqueName("fullfs");
    const { ws, file, seeded } = await setUp(domain);
    mount.fill();
    const filler = mount.outside("filler");
    truncateSync(filler, statSync(filler).size - freePages * 4096);

    const failed = await ws.run(APPLY);
    expect(failed.stderr).toMatch(wrapped(`${domain} is not in the credentials file ${file} (ACME_DNS_STORAGE_PATH), and no account can be registered into it: ${what}`));
    expect(failed.stderr).toMatch(wrapped("no space is left on its file system (ENOSPC). Nothing was registered"));
    expect(registrations()).toBe(0);
    await expectCleanFailure(failed, ws, seeded, ["filler"]);

    rmSync(filler);
    await expectRepaired(ws, domain, file, 0);
  });
});

test("full during /register: the lost account is named with the CNAME target never to use; the next apply registers another", async () => {
  const domain = uniqueName("lost");
  const { ws, file, seeded } = await setUp(domain);
  onRegister = () => mount.fill();

  const failed = await ws.run(APPLY);
  expect(registrations()).toBe(1);
  expect(failed.stderr).toMatch(
    wrapped(`${domain} had no acme-dns account: one was registered on ${server.apiBase}, but saving it in the credentials file ${file} (ACME_DNS_STORAGE_PATH) failed: no space is left on its file system (ENOSPC).`),
  );
  expect(failed.stderr).toMatch(wrapped("That account is lost (its password was never saved, and acme-dns cannot delete accounts)"));
  const lost = new RegExp(`${wrapped(`do not point _acme-challenge.${domain} at `).source}(\\S+)\\s`).exec(failed.stderr)?.[1];
  expect(lost).toMatch(new RegExp(`^[0-9a-f-]{36}\\.${environment.acmeDnsZone!.replaceAll(".", "\\.")}$`));
  expect(failed.stderr).toMatch(wrapped("then apply again: a new account is registered and saved, and the error then gives the CNAME to create"));
  await expectCleanFailure(failed, ws, seeded, ["filler"]);

  onRegister = undefined;
  rmSync(mount.outside("filler"));
  const account = await expectRepaired(ws, domain, file, 1);
  expect(account.fulldomain).not.toBe(lost);
});
