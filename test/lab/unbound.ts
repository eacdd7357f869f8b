// unbound as the recursive resolver in front of bind9: what Pebble validates through and
// what the provider's propagation checks ask. It must follow CNAMEs and delegations like
// a production resolver, yet show record changes at once and never wait for the internet.

import fs from "node:fs/promises";
import path from "node:path";
import { expectSerial, LAB_ZONE } from "./bind.js";
import { startService, waitUntilReady, type Service } from "./process.js";

function unboundConf(dir: string, address: string, authoritative: string): string {
  return `server:
  interface: ${address}
  port: 53
  do-ip6: no
  interface-automatic: no
  access-control: 127.0.0.0/8 allow
  num-threads: 1
  # fail on a taken port rather than share it with another lab's unbound
  so-reuseport: no
  # run as we are, where we are: the lab dir is the only place it touches
  chroot: ""
  username: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  logfile: "${dir}/unbound.log"
  verbosity: 1
  # no trust anchor in a lab: validation would only turn answers into SERVFAIL
  module-config: "iterator"
  # bind9 is on 127.x, which unbound refuses to query by default
  do-not-query-localhost: no
  qname-minimisation: no
  # TXT records come and go during tests: no caching at all. A TTL of 1 is not enough,
  # unbound counts whole seconds and keeps a 1 s record for up to 2 s. Loopback is fast.
  # Note: a SERVFAIL is still cached for 5 s (fixed in unbound 1.17).
  cache-max-ttl: 0
  cache-max-negative-ttl: 0
  # Forget quickly that a server did not answer (e.g. the acme-dns slot before its test
  # starts a server there): the next query tries again.
  infra-host-ttl: 1
  infra-keep-probing: yes
  prefetch: no
  serve-expired: no
  # test. is a built-in empty zone; everything else would be fetched from the internet,
  # which is not there: refuse it at once instead of timing out on root servers.
  local-zone: "test." nodefault
  local-zone: "." refuse
  local-zone: "${LAB_ZONE}." transparent

stub-zone:
  name: "${LAB_ZONE}."
  stub-addr: ${authoritative}@53
`;
}

/** Spawns unbound on ipBase.2:53; call waitForUnbound once bind9 answers. */
export async function spawnUnbound(dir: string, ipBase: string, authoritative: string): Promise<Service> {
  const conf = path.join(dir, "unbound.conf");
  await fs.writeFile(conf, unboundConf(dir, `${ipBase}.2`, authoritative));
  // -d: stay in the foreground; -p: no pid file. Early errors (bad config) go to stderr.
  return startService("unbound", "unbound", ["-d", "-p", "-c", conf], { logFile: path.join(dir, "unbound.log") });
}

/**
 * Ready means resolving the lab zone, with this lab's serial, through bind9. Only ask once
 * bind9 is up: a failed query would make unbound cache a SERVFAIL.
 */
export async function waitForUnbound(service: Service, resolver: string, serial: number, timeoutMs: number): Promise<void> {
  await waitUntilReady(service, () => expectSerial(resolver, serial), timeoutMs);
}
