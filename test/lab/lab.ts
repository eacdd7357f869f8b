// The test lab: bind9, unbound and Pebble on loopback, started together and ready to use.
//
//   ipBase.1:53  bind9, authoritative for acme-tf.test, takes TSIG-signed updates
//   ipBase.2:53  unbound, recursive, stub for acme-tf.test -> bind9; Pebble resolves here
//   ipBase.3:53  left free for an acme-dns test server (acmedns.acme-tf.test is delegated there)
//   127.0.0.1:<free ports>  Pebble's ACME and management endpoints (HTTPS, lab CA)

import dgram from "node:dgram";
import fs from "node:fs/promises";
import { readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ACME_DNS_ZONE, LAB_ZONE, startBind } from "./bind.js";
import type { LabDescription, PebbleInstance, PebbleOptions } from "./lab-contract.js";
import { httpsGet, labTlsPaths, makeLabTls, startPebbleIn, type PebbleIdentity } from "./pebble.js";
import type { Stoppable } from "./process.js";
import { spawnUnbound, waitForUnbound } from "./unbound.js";

export { dig, nsupdate, type DigAnswer } from "./dns-tools.js";
export type { LabDescription, PebbleInstance, PebbleOptions } from "./lab-contract.js";

const FIRST_FREE_OCTET = 53;
export const DEFAULT_IP_BASE = `127.0.${FIRST_FREE_OCTET}`;
const DEFAULT_READY_TIMEOUT_MS = 10_000;
const LAB_DIR_PREFIX = "acme-tf-lab-";
const OWNER_FILE = "owner.pid";

export interface StartLabOptions {
  /** First three octets of the lab's DNS addresses. Default: 127.0.53, or the next free one. */
  ipBase?: string;
  /** Directory for the lab's files; default a new temporary directory (removed by stop). */
  dir?: string;
  /** Options of the lab's main Pebble (EAB, nonce rejection, authz reuse). */
  pebble?: PebbleOptions;
  /** How long each service may take to become ready. */
  readyTimeoutMs?: number;
}

export type RunningLab = LabDescription & { stop(): Promise<void> };

/**
 * Starts the lab and resolves once every service answers. Without an explicit ipBase,
 * a busy 127.0.53 (another developer's lab, a demo still running) moves the lab to the
 * next free base rather than failing.
 */
export async function startLab(opts: StartLabOptions = {}): Promise<RunningLab> {
  const ownDir = opts.dir === undefined;
  if (ownDir) await removeAbandonedLabDirs();
  const dir = opts.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), LAB_DIR_PREFIX)));
  await fs.mkdir(dir, { recursive: true });
  if (ownDir) await fs.writeFile(path.join(dir, OWNER_FILE), String(process.pid));
  const removeDir = () => (ownDir ? fs.rm(dir, { recursive: true, force: true }) : Promise.resolve());
  try {
    const running = await startOnFreeBase(dir, opts);
    return {
      ...running.description,
      stop: async () => {
        await running.stop();
        await removeDir();
      },
    };
  } catch (err) {
    await removeDir();
    throw err;
  }
}

/**
 * A run killed outright (SIGKILL, Ctrl-C on jest) takes its services along (parent-death
 * signal) but leaves its directory: remove those whose owner process is gone.
 */
async function removeAbandonedLabDirs(): Promise<void> {
  const tmp = os.tmpdir();
  const names = (await fs.readdir(tmp)).filter((n) => n.startsWith(LAB_DIR_PREFIX));
  for (const name of names) {
    const dir = path.join(tmp, name);
    const owner = Number(await fs.readFile(path.join(dir, OWNER_FILE), "utf8").catch(() => "unknown"));
    if (Number.isInteger(owner) && !processExists(owner)) await fs.rm(dir, { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function startOnFreeBase(dir: string, opts: StartLabOptions): Promise<StartedServices> {
  if (opts.ipBase !== undefined) return startServices(dir, opts.ipBase, opts);
  const tried: string[] = [];
  for (;;) {
    const ipBase = await findFreeIpBase(tried);
    tried.push(ipBase);
    try {
      return await startServices(dir, ipBase, opts);
    } catch (err) {
      // Lost a race for the addresses with another lab starting right now: move on.
      const busy = err instanceof Error && /address (already )?in use/i.test(err.message);
      if (!busy || tried.length >= 3) throw err;
    }
  }
}

interface StartedServices {
  description: LabDescription;
  stop(): Promise<void>;
}

/**
 * Starts the three services concurrently (the whole lab is paid by every test run).
 * On any failure every process already spawned is stopped before the error is thrown.
 */
async function startServices(dir: string, ipBase: string, opts: StartLabOptions): Promise<StartedServices> {
  const timeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const services: Stoppable[] = [];
  const track = (s: Stoppable) => void services.push(s);
  const stopAll = async () => void (await Promise.all(services.map((s) => s.stop())));
  const authoritative = `${ipBase}.1`;
  const resolver = `${ipBase}.2:53`;
  // named and unbound may share a taken port with its owner rather than fail: check first.
  for (const address of [authoritative, `${ipBase}.2`]) {
    if (!(await port53Free(address))) throw new Error(`port 53 on ${address} is already in use (another lab, or a DNS server)`);
  }

  const tls = makeLabTls(dir);
  const bind = startBind(dir, ipBase, timeoutMs, track);
  const unbound = spawnUnbound(dir, ipBase, authoritative).then((s) => (track(s), s));
  const unboundReady = Promise.all([bind, unbound]).then(([b, s]) => waitForUnbound(s, resolver, b.serial, timeoutMs));
  const pebble = tls.then((t) => startPebbleIn(dir, t, resolver, opts.pebble ?? {}, timeoutMs, track));

  const results = await Promise.allSettled([tls, bind, unbound, unboundReady, pebble]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) {
    await stopAll();
    throw failure.reason;
  }
  const [{ caCertPath }, bindFiles, started] = [await tls, await bind, await pebble];
  return {
    description: {
      acmeDirectory: started.acmeDirectory,
      managementUrl: started.managementUrl,
      caCertPath,
      zone: LAB_ZONE,
      authoritative,
      resolver,
      tsigKeyFile: bindFiles.tsigKeyFile,
      dir,
      acmeDnsAddress: `${ipBase}.3`,
      acmeDnsZone: ACME_DNS_ZONE,
    },
    stop: stopAll,
  };
}

/** The first base from 127.0.53 on whose .1, .2 and .3 nothing holds port 53 (UDP or TCP). */
async function findFreeIpBase(skip: string[]): Promise<string> {
  for (let octet = FIRST_FREE_OCTET; octet < 100; octet++) {
    const base = `127.0.${octet}`;
    if (skip.includes(base)) continue;
    const free = await Promise.all([1, 2, 3].map((host) => port53Free(`${base}.${host}`)));
    if (free.every(Boolean)) return base;
  }
  throw new Error("no free lab address: port 53 is busy on 127.0.53-99.{1,2,3}");
}

async function port53Free(address: string): Promise<boolean> {
  const udp = new Promise<boolean>((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", (err: NodeJS.ErrnoException) => {
      socket.close();
      resolve(err.code !== "EADDRINUSE"); // EACCES etc.: not ours to judge, named will say
    });
    socket.bind(53, address, () => socket.close(() => resolve(true)));
  });
  const tcp = new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code !== "EADDRINUSE"));
    server.listen(53, address, () => server.close(() => resolve(true)));
  });
  return (await udp) && (await tcp);
}

/**
 * An extra Pebble on the lab's DNS, e.g. with EAB required or a badNonce storm. It runs
 * in (and is owned by) the calling process; stop it when the test is done.
 */
export async function startPebble(lab: LabDescription, opts: PebbleOptions = {}): Promise<PebbleInstance> {
  const dir = await fs.mkdtemp(path.join(lab.dir, "extra-pebble-"));
  const start = (identity?: PebbleIdentity) => startPebbleIn(dir, labTlsPaths(lab.dir), lab.resolver, opts, DEFAULT_READY_TIMEOUT_MS, undefined, identity);
  try {
    let { service, ...pebble } = await start();
    const port = (url: string) => Number(new URL(url).port);
    const identity: PebbleIdentity = { acmePort: port(pebble.acmeDirectory), mgmtPort: port(pebble.managementUrl), ...(pebble.eab ? { eab: pebble.eab } : {}) };
    return {
      ...pebble,
      restart: async () => {
        await service.stop();
        ({ service } = await start(identity));
      },
      stop: async () => {
        await service.stop();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The LabDescription the jest global setup (or scripts/lab.ts) published in ACME_TF_LAB. */
export function labFromEnv(): LabDescription {
  const file = process.env.ACME_TF_LAB;
  if (!file) {
    throw new Error(
      "ACME_TF_LAB is not set: run tests with `npm run jest` (its global setup starts the lab), " +
        "or start one with `npx tsx scripts/lab.ts` and point ACME_TF_LAB at a file holding its JSON line",
    );
  }
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LabDescription;
  } catch (err) {
    throw new Error(`ACME_TF_LAB=${file}: cannot read the lab description: ${(err as Error).message}`);
  }
}

export interface PebbleRoots {
  root: string;
  intermediate: string;
}

/**
 * Pebble's current root and intermediate (PEM); they change at every Pebble start.
 * `caCertPath` is the lab CA that signed Pebble's HTTPS certificate (default: the lab in ACME_TF_LAB).
 */
export async function fetchPebbleRoots(managementUrl: string, caCertPath?: string): Promise<PebbleRoots> {
  const ca = readFileSync(caCertPath ?? labFromEnv().caCertPath);
  const [root, intermediate] = await Promise.all([
    httpsGet(`${managementUrl}/roots/0`, ca),
    httpsGet(`${managementUrl}/intermediates/0`, ca),
  ]);
  return { root: root.body, intermediate: intermediate.body };
}

/** What Pebble's /cert-status-by-serial answers. */
export interface PebbleCertStatus {
  /** "Valid" or "Revoked". */
  Status: string;
  Serial: string;
  /** Revocation reason code, when revoked. */
  Reason?: number;
  RevokedAt?: string;
  /** The certificate itself (PEM). */
  Certificate?: string;
}

/** Status of the certificate with serial `serialHex` (hex digits, any case, colons allowed). */
export async function certStatus(managementUrl: string, serialHex: string, caCertPath?: string): Promise<PebbleCertStatus> {
  const ca = readFileSync(caCertPath ?? labFromEnv().caCertPath);
  const serial = serialHex.replace(/:/g, "").toLowerCase();
  const url = `${managementUrl}/cert-status-by-serial/${serial}`;
  const { body } = await httpsGet(url, ca).catch((err: Error) => {
    throw /HTTP 404/.test(err.message) ? new Error(`Pebble at ${managementUrl} issued no certificate with serial ${serial}`) : err;
  });
  return JSON.parse(body) as PebbleCertStatus;
}
