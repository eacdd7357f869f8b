// Pebble, the ACME test CA, with its own HTTPS certificate and its management API.

import crypto from "node:crypto";
import fs from "node:fs/promises";
import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import type { PebbleInstance, PebbleOptions } from "./lab-contract.js";
import { unusedPort } from "./ports.js";
import { runTool, startService, waitUntilReady, type Service } from "./process.js";

export interface LabTls {
  caCertPath: string;
  certPath: string;
  keyPath: string;
}

/** Where a lab keeps its TLS files: startPebble finds them from LabDescription.dir alone. */
export function labTlsPaths(dir: string): LabTls {
  const tls = path.join(dir, "tls");
  return { caCertPath: path.join(tls, "ca.pem"), certPath: path.join(tls, "localhost.pem"), keyPath: path.join(tls, "localhost.key") };
}

/**
 * A throw-away CA and a leaf for localhost/127.0.0.1 signed by it. P-256 keys because
 * they are generated instantly (an RSA key costs noticeable start-up time).
 */
export async function makeLabTls(dir: string): Promise<LabTls> {
  const tls = labTlsPaths(dir);
  await fs.mkdir(path.dirname(tls.caCertPath), { recursive: true });
  const caKey = path.join(path.dirname(tls.caCertPath), "ca.key");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30"];
  await runTool("openssl", [
    "req", "-x509", ...ec, "-keyout", caKey, "-out", tls.caCertPath, "-subj", "/CN=acme-tf lab CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  // OpenSSL 3's `req -x509 -CA` signs the new key's certificate with the CA in one step.
  await runTool("openssl", [
    "req", "-x509", ...ec, "-keyout", tls.keyPath, "-out", tls.certPath, "-subj", "/CN=localhost",
    "-CA", tls.caCertPath, "-CAkey", caKey,
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
    "-addext", "extendedKeyUsage=serverAuth",
  ]);
  return tls;
}

/** Pebble reads the MAC key as unpadded base64url; so do lego and acme-client. */
function newEabKey(): { keyId: string; hmacBase64: string } {
  return { keyId: `kid-${crypto.randomBytes(6).toString("hex")}`, hmacBase64: crypto.randomBytes(32).toString("base64url") };
}

function pebbleEnv(opts: PebbleOptions): NodeJS.ProcessEnv {
  // A clean environment: a PEBBLE_* variable in the developer's shell must not change tests.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PEBBLE_VA_NOSLEEP: "1" };
  if (opts.nonceReject !== undefined) env.PEBBLE_WFE_NONCEREJECT = String(opts.nonceReject);
  if (opts.authzReuse !== undefined) env.PEBBLE_AUTHZREUSE = String(opts.authzReuse);
  return env;
}

export interface StartedPebble extends Omit<PebbleInstance, "stop" | "restart"> {
  service: Service;
}

/** What a restarted Pebble keeps: its URLs (ports) and EAB key. Everything else starts empty. */
export interface PebbleIdentity {
  acmePort: number;
  mgmtPort: number;
  eab?: { keyId: string; hmacBase64: string };
}

async function startPebbleOnce(
  dir: string,
  tls: LabTls,
  dnsServer: string,
  opts: PebbleOptions,
  timeoutMs: number,
  onSpawn: (s: Service) => void,
  identity?: PebbleIdentity,
): Promise<StartedPebble> {
  const [acmePort, mgmtPort] = identity ? [identity.acmePort, identity.mgmtPort] : [await unusedPort(), await unusedPort()];
  const eab = identity ? identity.eab : opts.eab ? newEabKey() : undefined;
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${mgmtPort}`,
      certificate: tls.certPath,
      privateKey: tls.keyPath,
      // Ports Pebble connects to for http-01/tls-alpn-01; the lab only does dns-01.
      httpPort: 5002,
      tlsPort: 5001,
      ocspResponderURL: "",
      externalAccountBindingRequired: Boolean(eab),
      externalAccountMACKeys: eab ? { [eab.keyId]: eab.hmacBase64 } : {},
    },
  };
  const configPath = path.join(dir, "pebble-config.json");
  await fs.writeFile(configPath, JSON.stringify(config, null, 2));
  const service = startService("pebble", "pebble", ["-config", configPath, "-dnsserver", dnsServer], {
    logFile: path.join(dir, "pebble.log"),
    env: pebbleEnv(opts),
    cwd: dir,
  });
  onSpawn(service);
  const acmeDirectory = `https://127.0.0.1:${acmePort}/dir`;
  const managementUrl = `https://127.0.0.1:${mgmtPort}`;
  const ca = readFileSync(tls.caCertPath);
  await waitUntilReady(
    service,
    async () => {
      await httpsGet(acmeDirectory, ca);
      await httpsGet(`${managementUrl}/roots/0`, ca);
    },
    timeoutMs,
  );
  return { acmeDirectory, managementUrl, eab, service };
}

/**
 * Starts Pebble with its files in `dir`. Free ports are picked before Pebble binds them,
 * so another process may take one in between: then Pebble exits and we try new ports.
 * With `identity` (a restart), the ports are given: there is nothing else to try.
 */
export async function startPebbleIn(
  dir: string,
  tls: LabTls,
  dnsServer: string,
  opts: PebbleOptions,
  timeoutMs: number,
  onSpawn: (s: Service) => void = () => undefined,
  identity?: PebbleIdentity,
): Promise<StartedPebble> {
  for (let attempt = 1; ; attempt++) {
    let spawned: Service | undefined;
    try {
      return await startPebbleOnce(
        dir,
        tls,
        dnsServer,
        opts,
        timeoutMs,
        (s) => {
          spawned = s;
          onSpawn(s);
        },
        identity,
      );
    } catch (err) {
      const portTaken = err instanceof Error && /address already in use/.test(err.message);
      if (!portTaken || attempt >= 3 || identity) throw err;
      await spawned?.stop();
    }
  }
}

export interface HttpsResponse {
  status: number;
  body: string;
}

/** GET trusting exactly `ca` (not the system store, not NODE_EXTRA_CA_CERTS). 2xx or reject. */
export function httpsGet(url: string, ca: Buffer | string, timeoutMs = 5000): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: "GET", ca, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ status, body });
        else reject(new Error(`GET ${url}: HTTP ${status} ${body.slice(0, 300)}`));
      });
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url}: timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
