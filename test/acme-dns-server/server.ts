// An acme-dns-compatible server for tests, benchmarks and demos.
//
// Why a stand-in: acme-dns (github.com/joohoi/acme-dns, Go) is not packaged for Debian,
// and this project's machines and CI install only from Debian and npm. So this module
// reproduces acme-dns's protocol as exactly as its sources allow: the HTTP API
// (register / update / health, with acme-dns's order of checks, status codes and bodies,
// see http-api.ts), its two-values-per-subdomain storage (store.ts) and its authoritative
// DNS answers over UDP and TCP (dns-server.ts), so that a real resolver (unbound) can
// follow `_acme-challenge.<name> CNAME <subdomain>.<domain>` to it, and so can Pebble.
// Each file's header names the acme-dns sources it follows and any deliberate deviation.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { listenDns, respond, soaSerial, type DnsQueryLogEntry, type DnsZone } from "./dns-server.js";
import { createApiHandler, type RequestLogEntry } from "./http-api.js";
import { AcmeDnsStore, type Credentials } from "./store.js";
import { validCidrs } from "./validation.js";

export type { Credentials } from "./store.js";
export type { RequestLogEntry } from "./http-api.js";
export type { DnsQueryLogEntry } from "./dns-server.js";

export interface AcmeDnsServerOptions {
  /** The zone the server is authoritative for, e.g. "acmedns.acme-tf.test". */
  domain: string;
  /** The zone's name server (NS target, SOA mname); default "ns.<domain>". */
  nsName?: string;
  /** The SOA's responsible mailbox as a name; default "hostmaster.<domain>". */
  nsAdmin?: string;
  /** Where DNS listens (UDP and TCP), e.g. "127.0.53.3"; also the A record of nsName. */
  dnsAddress: string;
  /** Default 53; 0 picks a free port. */
  dnsPort?: number;
  /** Default "127.0.0.1". */
  httpHost?: string;
  /** Default 0: a free port. */
  httpPort?: number;
  /**
   * Called with each API request's path before it is answered (a test's moment to change
   * the world between a client's request and acme-dns's answer).
   */
  onRequest?: (path: string) => void | Promise<void>;
}

export interface AcmeDnsServer {
  /** The API's base URL, e.g. "http://127.0.0.1:40123" (no trailing slash). */
  apiBase: string;
  dnsAddress: string;
  /** The DNS port actually listened on. */
  dnsPort: number;
  /** The zone, lower case, without trailing dot. */
  domain: string;
  /**
   * Registers an account in-process (no HTTP request, so nothing in `requests`), as an
   * operator would beforehand. Throws on an invalid CIDR, as /register would refuse it.
   */
  register(allowfrom?: string[]): Promise<Credentials>;
  /** The TXT values DNS currently answers for a subdomain, in answer order. */
  records(subdomain: string): string[];
  /** Every API request answered, oldest first. */
  requests: RequestLogEntry[];
  /** Every DNS question answered, oldest first. */
  dnsQueries: DnsQueryLogEntry[];
  stop(): Promise<void>;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

function zoneFor(opts: AcmeDnsServerOptions): DnsZone {
  const domain = normalizeName(opts.domain);
  return {
    domain,
    nsName: normalizeName(opts.nsName ?? `ns.${domain}`),
    nsAdmin: normalizeName(opts.nsAdmin ?? `hostmaster.${domain}`),
    nsAddress: opts.dnsAddress,
    serial: soaSerial(new Date()),
  };
}

function listenHttp(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeHttp(server: http.Server): Promise<void> {
  // Keep-alive connections of clients would otherwise hold close() open.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export async function startAcmeDnsServer(opts: AcmeDnsServerOptions): Promise<AcmeDnsServer> {
  const zone = zoneFor(opts);
  const store = new AcmeDnsStore(opts.domain.replace(/\.$/, ""));
  const requests: RequestLogEntry[] = [];
  const dnsQueries: DnsQueryLogEntry[] = [];

  const dns = await listenDns(opts.dnsAddress, opts.dnsPort ?? 53, (query, transport, remoteAddress) => {
    const { reply, logged } = respond(zone, store, query);
    if (logged) dnsQueries.push({ time: new Date().toISOString(), transport, remoteAddress, ...logged });
    return reply;
  });

  const api = http.createServer(createApiHandler(store, requests, opts.onRequest));
  const httpHost = opts.httpHost ?? "127.0.0.1";
  let address: AddressInfo;
  try {
    address = await listenHttp(api, httpHost, opts.httpPort ?? 0);
  } catch (err) {
    await dns.close();
    throw err;
  }

  return {
    apiBase: `http://${urlHost(httpHost)}:${address.port}`,
    dnsAddress: opts.dnsAddress,
    dnsPort: dns.port,
    domain: zone.domain,
    register: async (allowfrom = []) => {
      if (!validCidrs(allowfrom)) throw new Error(`invalid_allowfrom_cidr: ${JSON.stringify(allowfrom)}`);
      return store.register(allowfrom);
    },
    records: (subdomain) => store.txt(subdomain),
    requests,
    dnsQueries,
    stop: async () => {
      await Promise.all([closeHttp(api), dns.close()]);
    },
  };
}
