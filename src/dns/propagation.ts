// Waiting until presented TXT records are visible where the CA will look.
//
// Complete propagation (the default): find the record's zone by walking up with SOA queries
// through the recursive resolvers, look up the zone's nameservers and their addresses the
// same way, then ask each nameserver directly until every one answers the value.
// With `disableCompletePropagation` the authoritative servers are not asked (split-horizon
// setups often cannot reach them); each recursive resolver must answer the value instead.

import type { Logger } from "../log/logger.js";
import type { PropagationTimings } from "./dns-provider.js";
import { findZone, systemResolvers, txtValues, zoneNameservers } from "./dns-lookup.js";
import { DnsChallengeError, rejectionsOf } from "./errors.js";
import { sleep } from "../shared/index.js";

const MIN_POLL_SECONDS = 0.2;

export interface PropagationOptions {
  /** "ip" or "ip:port"; when given, they replace the system resolvers for every lookup. */
  recursiveNameservers?: readonly string[];
  /** Check through the recursive resolvers instead of every authoritative server. */
  disableCompletePropagation: boolean;
  /** Seconds to wait before the first check (or before propagationWait). */
  preCheckDelay: number;
  /** Seconds to wait instead of checking at all (the reference's semantics); 0 = check. */
  propagationWait: number;
}

/** A TXT record that must become visible. */
export interface ExpectedTxt {
  /** With the trailing dot. */
  fqdn: string;
  value: string;
}

export function recursiveResolvers(options: Pick<PropagationOptions, "recursiveNameservers">): string[] {
  return options.recursiveNameservers?.length ? [...options.recursiveNameservers] : systemResolvers();
}

/** Resolves once every record is visible; rejects with a DnsChallengeError naming each one that is not. */
export async function waitForPropagation(
  records: readonly ExpectedTxt[],
  timings: PropagationTimings,
  options: PropagationOptions,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  if (options.preCheckDelay > 0) {
    logger.debug("dns: waiting before the first propagation check", { seconds: options.preCheckDelay });
    await sleep(options.preCheckDelay * 1000, signal);
  }
  if (options.propagationWait > 0) {
    logger.debug("dns: waiting for propagation instead of checking", { seconds: options.propagationWait });
    await sleep(options.propagationWait * 1000, signal);
    return;
  }
  const resolvers = recursiveResolvers(options);
  if (records[0]) await requireAnsweringResolvers(resolvers, records[0].fqdn, options, signal, logger);
  const results = await Promise.allSettled(
    records.map((record) => pollUntilVisible(record, timings, resolvers, !options.disableCompletePropagation, signal, logger)),
  );
  signal.throwIfAborted();
  const errors = rejectionsOf(results);
  if (errors.length > 0) throw new DnsChallengeError(`DNS propagation: ${errors.length} of ${records.length} TXT records not visible in time`, errors);
}

/** Resolver failures that polling cannot cure: nothing listens there, or nothing answers. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ETIMEOUT"]);

/**
 * Fails at once, naming each resolver that refuses or does not answer, instead of polling
 * until the propagation timeout only to report a bare ECONNREFUSED. Any DNS answer
 * (even NXDOMAIN or SERVFAIL) shows the server is there. Lookups fall over to the next
 * resolver, so for complete propagation one that answers is enough (the others get a
 * warning); without it, every resolver must show the record.
 */
async function requireAnsweringResolvers(
  resolvers: readonly string[],
  probe: string,
  options: PropagationOptions,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  const configured = Boolean(options.recursiveNameservers?.length);
  const failures = await Promise.all(
    resolvers.map(async (server) => {
      try {
        await txtValues([server], probe, signal);
        return undefined;
      } catch (error) {
        signal.throwIfAborted();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === undefined || !UNREACHABLE.has(code)) return undefined;
        const what = configured ? `the recursive nameserver ${server} (recursive_nameservers)` : `the system resolver ${server} (/etc/resolv.conf)`;
        return new Error(`${what} ${code === "ECONNREFUSED" ? "refused the query" : "did not answer"} (${code})`);
      }
    }),
  );
  const errors = failures.filter((failure) => failure !== undefined);
  if (errors.length > 0 && errors.length < resolvers.length && !options.disableCompletePropagation) {
    for (const failure of errors) logger.warn(`dns: ${failure.message}; asking the other resolvers`);
  } else if (errors.length > 0) {
    const fix = configured ? "fix recursive_nameservers" : "set recursive_nameservers to resolvers that answer";
    throw new DnsChallengeError(`DNS propagation cannot be checked: ${fix}`, errors);
  }
}

async function pollUntilVisible(
  record: ExpectedTxt,
  { timeoutSeconds, intervalSeconds }: PropagationTimings,
  resolvers: readonly string[],
  complete: boolean,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const missing = await whatIsMissing(record, resolvers, complete, signal);
    if (missing === undefined) {
      logger.debug("dns: TXT record visible", { fqdn: record.fqdn });
      return;
    }
    const remainingSeconds = (deadline - Date.now()) / 1000;
    if (remainingSeconds <= 0) throw new Error(`${record.fqdn} not visible after ${timeoutSeconds} s: ${missing}`);
    logger.debug("dns: TXT record not visible yet", { fqdn: record.fqdn, missing });
    // An interval of 0 means "as often as sensible", not a tight loop of DNS queries.
    await sleep(Math.min(Math.max(intervalSeconds, MIN_POLL_SECONDS), remainingSeconds) * 1000, signal);
  }
}

/** undefined when every server answers the value, else which servers answered what. */
async function whatIsMissing(record: ExpectedTxt, resolvers: readonly string[], complete: boolean, signal: AbortSignal): Promise<string | undefined> {
  try {
    if (resolvers.length === 0) return "no recursive resolvers to ask: set recursive_nameservers";
    const servers = complete ? await authoritativeServers(record.fqdn, resolvers, signal) : resolvers.map((address) => ({ label: address, address }));
    const answers = await Promise.all(servers.map(async (server) => answerOf(server, record, signal)));
    const missing = answers.filter((answer) => answer !== undefined);
    return missing.length === 0 ? undefined : missing.join("; ");
  } catch (error) {
    signal.throwIfAborted();
    return (error as Error).message;
  }
}

interface ServerToAsk {
  /** How messages name it, e.g. "ns1.acme-tf.test (127.0.53.1)". */
  label: string;
  /** undefined when the nameserver's name has no address. */
  address: string | undefined;
}

async function authoritativeServers(fqdn: string, resolvers: readonly string[], signal: AbortSignal): Promise<ServerToAsk[]> {
  const zone = await findZone(resolvers, fqdn, signal);
  const nameservers = await zoneNameservers(resolvers, zone, signal);
  if (nameservers.length === 0) throw new Error(`the zone ${zone} has no NS records`);
  // One address per nameserver: its other addresses are the same server.
  return nameservers.map(({ name, addresses }) => ({ label: addresses[0] ? `${name} (${addresses[0]})` : name, address: addresses[0] }));
}

/** undefined when the server answers the value, else what it answered. */
async function answerOf(server: ServerToAsk, { fqdn, value }: ExpectedTxt, signal: AbortSignal): Promise<string | undefined> {
  if (server.address === undefined) return `${server.label} has no address`;
  try {
    const values = await txtValues([server.address], fqdn, signal);
    return values.includes(value) ? undefined : `${server.label} answered ${JSON.stringify(values)} for ${fqdn}, waiting for "${value}"`;
  } catch (error) {
    signal.throwIfAborted();
    return `${server.label} did not answer for ${fqdn}: ${(error as Error).message}`;
  }
}
