// acme-dns's database, in memory. Registration creates an account and two empty TXT
// slots for its subdomain; an update overwrites the slot written longest ago
// (pkg/database/db.go: `UPDATE txt ... WHERE rowid=(SELECT rowid FROM txt WHERE
// Subdomain=$3 ORDER BY LastUpdate LIMIT 1)`), so the two most recent values stay and
// DNS answers list them in slot order. There is no delete. The real server orders by
// whole seconds, so several updates within one second can evict the newer value; this
// store uses a counter instead, which is what the real server intends.

import { randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { sanitizeCidr } from "./validation.js";

/** What /register answers and what clients keep in their credentials file. */
export interface Credentials {
  username: string;
  password: string;
  fulldomain: string;
  subdomain: string;
  allowfrom: string[];
}

interface Slot {
  value: string;
  writtenAt: number;
}

interface Account {
  username: string;
  password: string;
  subdomain: string;
  allowfrom: string[];
}

/** generatePassword's alphabet (pkg/acmedns/util.go): 64 characters, 40 drawn. */
const PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz1234567890-_";

function generatePassword(length = 40): string {
  let out = "";
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

export class AcmeDnsStore {
  private readonly accounts = new Map<string, Account>();
  private readonly slots = new Map<string, Slot[]>();
  private clock = 0;

  constructor(private readonly domain: string) {}

  /**
   * DB.Register: new UUIDs for username and subdomain, a fresh password. `allowfrom` must
   * be valid already; it is kept (and answered) bracket-stripped, like ValidEntries().
   */
  register(requested: readonly string[]): Credentials {
    const allowfrom = requested.map(sanitizeCidr);
    const account: Account = { username: randomUUID(), password: generatePassword(), subdomain: randomUUID(), allowfrom };
    this.accounts.set(account.username, account);
    this.slots.set(account.subdomain, [
      { value: "", writtenAt: 0 },
      { value: "", writtenAt: 0 },
    ]);
    return {
      username: account.username,
      password: account.password,
      fulldomain: `${account.subdomain}.${this.domain}`,
      subdomain: account.subdomain,
      allowfrom: [...allowfrom],
    };
  }

  /** GetByUsername + correctPassword; undefined for either failure (the API does not tell which). */
  authenticate(username: string, password: string): Account | undefined {
    const account = this.accounts.get(username);
    if (!account) return undefined;
    const given = Buffer.from(password);
    const want = Buffer.from(account.password);
    return given.length === want.length && timingSafeEqual(given, want) ? account : undefined;
  }

  /** DB.Update: overwrite the oldest of the subdomain's two slots. */
  update(subdomain: string, value: string): void {
    const slots = this.slots.get(subdomain);
    if (!slots) throw new Error(`no such subdomain: ${subdomain}`);
    const oldest = slots.reduce((a, b) => (b.writtenAt < a.writtenAt ? b : a));
    oldest.value = value;
    oldest.writtenAt = ++this.clock;
  }

  /** GetTXTForDomain without the empty slots, in slot order (the order DNS answers use). */
  txt(subdomain: string): string[] {
    return (this.slots.get(subdomain.toLowerCase()) ?? []).map((s) => s.value).filter((v) => v.length > 0);
  }
}
