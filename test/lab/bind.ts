// bind9 as the zone's only authoritative server, taking TSIG-signed RFC 2136 updates.

import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { dig } from "./dns-tools.js";
import { NotOursError, runTool, startService, waitUntilReady, type Stoppable } from "./process.js";

export const LAB_ZONE = "acme-tf.test";
/** Delegated to the acme-dns slot (ipBase.3) so CNAMEs into it resolve like in production. */
export const ACME_DNS_ZONE = `acmedns.${LAB_ZONE}`;
const TSIG_KEY_NAME = "acme-tf-lab";

export interface BindFiles {
  address: string;
  tsigKeyFile: string;
  /** The zone's initial SOA serial, random per lab. */
  serial: number;
}

/**
 * TTL 1 and negative TTL 1 everywhere: tests add and delete records and expect to see it
 * at once. The serial is random: it tells this lab's named from any other answering.
 */
function zoneFile(ipBase: string, serial: number): string {
  return `$TTL 1
@             IN SOA ns1.${LAB_ZONE}. hostmaster.${LAB_ZONE}. ${serial} 60 60 3600 1
@             IN NS  ns1.${LAB_ZONE}.
ns1           IN A   ${ipBase}.1
acmedns       IN NS  ns.${ACME_DNS_ZONE}.
ns.acmedns    IN A   ${ipBase}.3
`;
}

function namedConf(dir: string, address: string): string {
  // lock-file, pid-file and controls are disabled because their defaults are machine-wide
  // (/run/named, 127.0.0.1:953): they would stop a second lab or clash with a system named.
  // reuseport no: by default a second named binds the same address and steals half the queries.
  return `include "${dir}/tsig.key";
options {
  directory "${dir}";
  listen-on port 53 { ${address}; };
  listen-on-v6 { none; };
  reuseport no;
  pid-file none;
  lock-file none;
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  recursion no;
  dnssec-validation no;
  notify no;
  allow-query { any; };
};
controls { };
zone "${LAB_ZONE}" {
  type primary;
  file "${dir}/${LAB_ZONE}.zone";
  allow-update { key "${TSIG_KEY_NAME}"; };
};
`;
}

async function writeBindFiles(dir: string, ipBase: string, serial: number): Promise<string> {
  const { stdout: key } = await runTool("tsig-keygen", ["-a", "hmac-sha256", TSIG_KEY_NAME]);
  await fs.writeFile(path.join(dir, "tsig.key"), key, { mode: 0o600 });
  await fs.writeFile(path.join(dir, `${LAB_ZONE}.zone`), zoneFile(ipBase, serial));
  const conf = path.join(dir, "named.conf");
  await fs.writeFile(conf, namedConf(dir, `${ipBase}.1`));
  return conf;
}

/**
 * named only listens on addresses that an interface carries (it scans interfaces rather
 * than binding what listen-on names), and lo carries just 127.0.0.1: give lo the lab's
 * address. Needs CAP_NET_ADMIN (root on a host; a container needs --cap-add NET_ADMIN).
 * Returns the undo, a no-op when the address was there already.
 */
async function addLoopbackAddress(address: string): Promise<Stoppable> {
  try {
    await runTool("ip", ["addr", "add", `${address}/32`, "dev", "lo"]);
  } catch (err) {
    if (/File exists|already assigned/.test((err as Error).message)) return { stop: async () => undefined };
    throw new Error(`cannot add ${address} to lo, which named needs to listen there: ${(err as Error).message}`);
  }
  return { stop: () => runTool("ip", ["addr", "del", `${address}/32`, "dev", "lo"]).then(() => undefined, () => undefined) };
}

/** Starts named in `dir` on ipBase.1:53; `onSpawn` learns of what to stop before it is ready. */
export async function startBind(
  dir: string,
  ipBase: string,
  timeoutMs: number,
  onSpawn: (s: Stoppable) => void,
): Promise<BindFiles> {
  const address = `${ipBase}.1`;
  const serial = crypto.randomInt(1, 2 ** 31);
  const [conf, loopback] = await Promise.all([writeBindFiles(dir, ipBase, serial), addLoopbackAddress(address)]);
  onSpawn(loopback);
  // -g: foreground with every log line on stderr; -n 1: one worker, the machine is small.
  const service = startService("named", "named", ["-g", "-4", "-n", "1", "-c", conf], { logFile: path.join(dir, "named.log") });
  onSpawn(service);
  await waitUntilReady(service, () => expectSerial(address, serial), timeoutMs);
  return { address, tsigKeyFile: path.join(dir, "tsig.key"), serial };
}

/**
 * Ready when `server` answers the zone's SOA with this lab's serial. named keeps running
 * when its port is taken, so another lab's named answering must not pass for ours.
 */
export async function expectSerial(server: string, serial: number): Promise<void> {
  const soa = await dig(server, LAB_ZONE, "SOA");
  if (soa.length === 0) throw new Error(`no SOA for ${LAB_ZONE} from ${server} yet`);
  const got = Number(soa[0]!.data.split(/\s+/)[2]);
  if (got !== serial) throw new NotOursError(`another lab answers on ${server}:53 (port 53 address in use?): serial ${got}, ours ${serial}`);
}
