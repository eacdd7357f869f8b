// The credentials JSON of acme-dns clients: a map from a bare domain (no "*.", no trailing
// dot) to the account that answers its challenges, as /register returned it. cert-manager
// and lego read the same document; entries may carry fields of their own (server_url),
// which are kept when the document is written back.
//
//   { "example.com": { "username": "…", "password": "…", "fulldomain": "….auth.example.com",
//                      "subdomain": "…", "allowfrom": ["10.244.0.0/16"] } }
//
// Problems never quote the document: it holds passwords.

import { isDnsName } from "../../shared/index.js";

/** One account on an acme-dns server. */
export interface AcmeDnsAccount {
  username: string;
  password: string;
  /** `<subdomain>.<server's zone>`, lower case, without trailing dot: the CNAME's target. */
  fulldomain: string;
  subdomain: string;
  allowfrom: string[];
}

export interface Credentials {
  /** By bare domain, lower case. */
  accounts: ReadonlyMap<string, AcmeDnsAccount>;
  /** The document as parsed, to write back with an entry added and nothing else changed. */
  document: Readonly<Record<string, unknown>>;
}

export type ParsedCredentials = { ok: true; credentials: Credentials } | { ok: false; problems: string[] };

export const EMPTY_CREDENTIALS: Credentials = { accounts: new Map(), document: {} };

/** The key an entry for `domain` has: lower case, no trailing dot, no wildcard label. */
export function credentialsKey(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, "").replace(/^\*\./, "");
}

/** Parses a credentials document; whitespace only is an empty one (a freshly created file). */
export function parseCredentials(text: string): ParsedCredentials {
  if (text.trim() === "") return { ok: true, credentials: EMPTY_CREDENTIALS };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`it is not valid JSON (${whereJsonBreaks(text, error as Error)})`] };
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    return { ok: false, problems: ['it must be a JSON object keyed by domain, like {"example.com": {"username": …, "password": …, "fulldomain": …, "subdomain": …}}'] };
  }
  const problems: string[] = [];
  const accounts = new Map<string, AcmeDnsAccount>();
  for (const [key, entry] of Object.entries(document)) {
    const keyProblem = whyNotDomainKey(key);
    if (keyProblem) {
      problems.push(keyProblem);
      continue;
    }
    const parsed = parseEntry(key, entry);
    if (typeof parsed === "string") problems.push(parsed);
    else accounts.set(credentialsKey(key), parsed);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, credentials: { accounts, document: document as Record<string, unknown> } };
}

/** The document with `account` stored under `domain`, in the seed's field order. */
export function withAccount(document: Readonly<Record<string, unknown>>, domain: string, account: AcmeDnsAccount): Record<string, unknown> {
  return { ...document, [credentialsKey(domain)]: accountEntry(account) };
}

/** An account as its credentials entry (the fields /register answers). */
export function accountEntry(account: AcmeDnsAccount): Record<string, unknown> {
  const { username, password, fulldomain, subdomain, allowfrom } = account;
  return { username, password, fulldomain, subdomain, allowfrom };
}

/** Written as people and cert-manager's docs write it: indented, with a final newline. */
export function serializeCredentials(document: Readonly<Record<string, unknown>>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

function whyNotDomainKey(key: string): string | undefined {
  if (key.startsWith("*.")) return `the key ${JSON.stringify(key)} has a wildcard: use the bare domain ${JSON.stringify(credentialsKey(key))}, whose entry also serves *.${credentialsKey(key)}`;
  if (!isDnsName(key.replace(/\.$/, ""))) {
    return `the key ${JSON.stringify(key.slice(0, 80))} is not a domain name: keys are the domains to certify, like "example.com"`;
  }
  return undefined;
}

const REQUIRED_FIELDS = ["username", "password", "fulldomain", "subdomain"] as const;

function parseEntry(key: string, entry: unknown): AcmeDnsAccount | string {
  const where = `the entry for ${JSON.stringify(key)}`;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    return `${where} must be an object with username, password, fulldomain and subdomain, as /register returns them`;
  }
  const fields = entry as Record<string, unknown>;
  const missing = REQUIRED_FIELDS.filter((field) => typeof fields[field] !== "string" || (fields[field] as string).trim() === "");
  if (missing.length > 0) {
    return `${where} has no ${missing.join(", ")} (each a non-empty string, as /register returns it)`;
  }
  const fulldomain = (fields.fulldomain as string).trim().toLowerCase().replace(/\.$/, "");
  const subdomain = (fields.subdomain as string).trim().toLowerCase();
  if (!fulldomain.startsWith(`${subdomain}.`)) {
    return `${where}: its fulldomain ${JSON.stringify(fulldomain)} must be its subdomain ${JSON.stringify(subdomain)} followed by the acme-dns server's zone`;
  }
  const allowfrom = fields.allowfrom ?? [];
  if (!Array.isArray(allowfrom) || !allowfrom.every((item) => typeof item === "string")) {
    return `${where}: allowfrom must be a list of CIDR strings, like ["10.244.0.0/16"], or absent`;
  }
  return { username: fields.username as string, password: fields.password as string, fulldomain, subdomain, allowfrom: allowfrom as string[] };
}

/** Line and column of a JSON syntax error, from V8's "at position N"; never the text itself. */
function whereJsonBreaks(text: string, error: Error): string {
  if (/Unexpected end of JSON input/.test(error.message)) return "it ends too early";
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return "check its quotes, commas and braces";
  const before = text.slice(0, Number(position));
  const line = before.split("\n").length;
  const column = Number(position) - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}
