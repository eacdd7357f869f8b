// What can be checked of an acme-dns dns_challenge block before anything runs: the API
// base, the credentials (the inline JSON, or the file and its content) and the allowlist.
// Credentials are secret: problems name the setting, the domain and the field, never values.

import { readFile } from "node:fs/promises";
import { whyUnreadable } from "../../shared/index.js";
import type { SettingProblem, SettingsToCheck } from "../description.js";
import { allowlistNetworks, whyNotApiBase, whyNotCidr, whyUnsafeApiBase } from "./addresses.js";
import { credentialsKey, parseCredentials } from "./credentials.js";
import { ALLOWLIST, API_BASE, STORAGE_JSON, STORAGE_PATH } from "./setting-names.js";

export async function checkAcmeDnsSettings(settings: SettingsToCheck): Promise<SettingProblem[]> {
  const problem = (setting: string, summary: string, detail: string): SettingProblem => ({
    setting,
    summary: `${setting}: ${summary}`,
    detail: `${detail} (the value comes from ${settings.sourceOf(setting)})`,
  });
  const problems: SettingProblem[] = [];

  const apiBase = settings.known.get(API_BASE);
  if (apiBase !== undefined) {
    const why = whyNotApiBase(apiBase);
    if (why) problems.push(problem(API_BASE, "not an acme-dns API base URL", why));
    const unsafe = whyUnsafeApiBase(apiBase);
    if (unsafe) problems.push({ ...problem(API_BASE, "plain http", unsafe), severity: "warning" });
  }

  const allowlist = settings.known.get(ALLOWLIST);
  if (allowlist !== undefined) {
    for (const network of allowlistNetworks(allowlist)) {
      const why = whyNotCidr(network);
      if (why) problems.push(problem(ALLOWLIST, "not a list of CIDR networks", `${why}; separate networks with commas`));
    }
  }

  const path = settings.known.get(STORAGE_PATH);
  const json = settings.known.get(STORAGE_JSON);
  const pathOpen = path === undefined && settings.undecided.has(STORAGE_PATH);
  const jsonOpen = json === undefined && settings.undecided.has(STORAGE_JSON);
  if (path !== undefined && json !== undefined) {
    problems.push(
      problem(STORAGE_JSON, `cannot be used with ${STORAGE_PATH}`, `give the credentials either as a file (${STORAGE_PATH}) or as JSON (${STORAGE_JSON} or ${STORAGE_JSON}_FILE), not both`),
    );
  } else if (path === undefined && json === undefined && !pathOpen && !jsonOpen) {
    problems.push({
      setting: STORAGE_PATH,
      summary: `${STORAGE_PATH} or ${STORAGE_JSON} is required`,
      detail: `give the acme-dns credentials as a file (${STORAGE_PATH}), or as JSON (${STORAGE_JSON}, or a file holding it with ${STORAGE_JSON}_FILE), in the dns_challenge config or the environment`,
    });
  }
  if (json !== undefined) {
    const parsed = parseCredentials(json);
    if (!parsed.ok) for (const why of parsed.problems) problems.push(problem(STORAGE_JSON, "invalid acme-dns credentials", why));
    // Inline credentials are read-only: a domain without an entry would fail at apply, after
    // the order was made. File credentials get an account registered instead.
    const missing = parsed.ok ? [...new Set((settings.names ?? []).map(credentialsKey))].filter((domain) => !parsed.credentials.accounts.has(domain)) : [];
    for (const domain of missing) {
      problems.push(
        problem(
          STORAGE_JSON,
          `no account for ${domain}`,
          `add an entry under the key "${domain}" (e.g. from an acme_dns_registration resource with domain = "${domain}", whose credentials_json has it), and create the CNAME _acme-challenge.${domain} to its fulldomain`,
        ),
      );
    }
  }
  if (path !== undefined) problems.push(...(await credentialsFileProblems(path, (summary, detail) => problem(STORAGE_PATH, summary, detail))));
  return problems;
}

async function credentialsFileProblems(path: string, problem: (summary: string, detail: string) => SettingProblem): Promise<SettingProblem[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // As lego: a file that does not exist yet is an empty one, created with the first
    // account registered (which then asks for the domain's CNAME).
    if (code === "ENOENT") return [];
    return [problem(`cannot read ${path}`, whyUnreadable(error))];
  }
  const parsed = parseCredentials(text);
  return parsed.ok ? [] : parsed.problems.map((why) => problem(`invalid acme-dns credentials in ${path}`, why));
}
