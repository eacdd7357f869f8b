// recursive_nameservers entries: IP addresses or host names, each with an optional port.
// The reference (lego) dials "host:port", so a name such as `localhost:53` works there; here
// names are resolved once per operation, before any DNS query, and the addresses used.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isDnsName } from "../shared/index.js";

/** Host and port of an entry; undefined when it is neither `ip[:port]`, `[ipv6][:port]` nor `name[:port]`. */
export function parseNameserver(entry: string): { host: string; port?: number } | undefined {
  let host = entry;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) [, host, port] = bracketed as unknown as [string, string, string | undefined];
  else if (isIP(entry) !== 6) {
    const withPort = /^(.*):(\d+)$/.exec(entry);
    if (withPort) [, host, port] = withPort as unknown as [string, string, string];
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  if (isIP(host) === 0 && (bracketed || !isDnsName(host.replace(/\.$/, "")))) return undefined;
  return { host, ...(port !== undefined ? { port: Number(port) } : {}) };
}

/** The entries with host names replaced by their address (one lookup each); throws naming the entry that does not resolve. */
export async function resolveNameservers(entries: readonly string[]): Promise<string[]> {
  return Promise.all(
    entries.map(async (entry) => {
      const parsed = parseNameserver(entry);
      if (!parsed || isIP(parsed.host) !== 0) return entry;
      let address: string;
      let family: number;
      try {
        ({ address, family } = await lookup(parsed.host));
      } catch (error) {
        throw new Error(`recursive_nameservers: cannot resolve ${JSON.stringify(entry)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const host = family === 6 ? `[${address}]` : address;
      return `${host}:${parsed.port ?? 53}`;
    }),
  );
}
