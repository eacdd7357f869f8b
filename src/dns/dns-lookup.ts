// DNS questions the propagation checks ask, with node:dns. Every lookup goes to the servers
// it is given ("ip" or "ip:port"): the recursive nameservers the user chose replace the
// system resolvers everywhere, including for the addresses of a zone's nameservers.

import { NODATA, NOTFOUND, promises as dns } from "node:dns";
import type { Logger } from "../log/logger.js";

type Resolver = dns.Resolver;

/** Loopback and LAN servers answer in milliseconds; a slow one must not eat the whole timeout. */
const QUERY_TIMEOUT_MS = 2000;
const QUERY_TRIES = 2;
/** Longer CNAME chains than this are broken configurations (resolvers give up sooner still). */
export const MAX_CNAME_HOPS = 16;

export interface Nameserver {
  name: string;
  addresses: string[];
}

/** The system's resolvers, as /etc/resolv.conf names them. */
export function systemResolvers(): string[] {
  return new dns.Resolver().getServers();
}

/** Why a list of recursive nameservers is unusable ("1.2.3.4", "1.2.3.4:53", "[::1]:53"), or undefined. */
export function whyBadNameservers(servers: readonly string[]): string | undefined {
  try {
    new dns.Resolver().setServers(servers);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Absence of data, as opposed to a failure to get an answer. */
export function isNoData(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === NODATA || code === NOTFOUND;
}

export async function withResolver<T>(servers: readonly string[], signal: AbortSignal, use: (resolver: Resolver) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const resolver = new dns.Resolver({ timeout: QUERY_TIMEOUT_MS, tries: QUERY_TRIES });
  resolver.setServers(servers);
  const cancel = () => resolver.cancel();
  signal.addEventListener("abort", cancel, { once: true });
  try {
    return await use(resolver);
  } catch (error) {
    // A cancelled query is the abort, and should say so.
    signal.throwIfAborted();
    throw error;
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

/** The TXT values at `name` (each record's strings joined); none for NXDOMAIN or NODATA. */
export async function txtValues(servers: readonly string[], name: string, signal: AbortSignal): Promise<string[]> {
  return withResolver(servers, signal, async (resolver) => {
    try {
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
    } catch (error) {
      if (isNoData(error)) return [];
      throw error;
    }
  });
}

/**
 * The name at the end of `name`'s CNAME chain (`name` itself without CNAME), with the
 * trailing dot. A failed lookup stops the chain where it is, with a warning: the resolvers
 * may not see the user's private zones, and the propagation check that follows reports
 * what the servers answer. A loop or an endless chain is an error: no CA can follow it.
 */
export async function followCnames(servers: readonly string[], name: string, signal: AbortSignal, logger: Logger): Promise<string> {
  return withResolver(servers, signal, async (resolver) => {
    const chain = [withoutDot(name)];
    for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      const current = chain[chain.length - 1]!;
      let targets: string[];
      try {
        targets = await resolver.resolveCname(current);
      } catch (error) {
        if (!isNoData(error)) {
          signal.throwIfAborted();
          logger.warn("dns: cannot follow CNAMEs further; using the name reached", { name, reached: current, reason: (error as Error).message });
        }
        return `${current}.`;
      }
      const target = withoutDot(targets[0]!);
      if (chain.includes(target)) throw new Error(`CNAME loop: ${[...chain, target].join(" -> ")}`);
      chain.push(target);
    }
    throw new Error(`more than ${MAX_CNAME_HOPS} CNAMEs: ${chain.join(" -> ")}`);
  });
}

/** The zone holding `name`: the closest enclosing name with an SOA record, without trailing dot. */
export async function findZone(servers: readonly string[], name: string, signal: AbortSignal): Promise<string> {
  return withResolver(servers, signal, async (resolver) => {
    const labels = withoutDot(name).split(".");
    for (let start = 0; start < labels.length; start++) {
      const candidate = labels.slice(start).join(".");
      try {
        await resolver.resolveSoa(candidate);
        return candidate;
      } catch (error) {
        if (!isNoData(error)) throw new Error(`cannot find the zone of ${name}: SOA query for ${candidate} failed: ${(error as Error).message}`);
      }
    }
    throw new Error(`cannot find the zone of ${name}: no SOA record at any of its parents`);
  });
}

/** The zone's NS names and their addresses (IPv4, else IPv6), looked up through `servers`. */
export async function zoneNameservers(servers: readonly string[], zone: string, signal: AbortSignal): Promise<Nameserver[]> {
  return withResolver(servers, signal, async (resolver) => {
    const names = await resolver.resolveNs(zone).catch((error: unknown) => {
      throw new Error(`cannot get the nameservers of ${zone}: ${(error as Error).message}`);
    });
    return Promise.all(names.map(async (ns) => ({ name: ns, addresses: await addressesOf(resolver, ns) })));
  });
}

async function addressesOf(resolver: Resolver, host: string): Promise<string[]> {
  const orNone = (error: unknown): string[] => {
    if (isNoData(error)) return [];
    throw error;
  };
  const ipv4 = await resolver.resolve4(host).catch(orNone);
  return ipv4.length > 0 ? ipv4 : resolver.resolve6(host).catch(orNone);
}

/** Lower case, without the trailing dot: how names are compared. */
export function withoutDot(name: string): string {
  return name.replace(/\.$/, "").toLowerCase();
}
