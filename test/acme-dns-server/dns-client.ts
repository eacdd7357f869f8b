// A minimal DNS client for tests: one question, over UDP or TCP, to one server, with a
// timeout. Kept beside the server so tests of acme-dns clients can look at what DNS says
// without depending on the system resolver or on dig.

import dgram from "node:dgram";
import net from "node:net";
import { randomInt } from "node:crypto";
import dnsPacket from "dns-packet";
import type { DecodedPacket, RecordType } from "dns-packet";

/** dns-packet decodes the rcode and opcode too; its type declarations leave them out. */
export type DnsResponse = DecodedPacket & { rcode: string; opcode: string };

export interface DnsQueryOptions {
  /** Default "udp". */
  transport?: "udp" | "tcp";
  /** Ask for recursion (for a resolver); default false. */
  recursionDesired?: boolean;
  /** Default 3000 ms. */
  timeoutMs?: number;
}

function encodeQuery(name: string, type: RecordType, rd: boolean): { id: number; wire: Buffer } {
  const id = randomInt(0x10000);
  const wire = dnsPacket.encode({
    type: "query",
    id,
    flags: rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type, name, class: "IN" }],
  });
  return { id, wire };
}

function withTimeout<T>(ms: number, what: string, run: (done: (err: Error | null, v?: T) => void) => () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let cleanup = () => {};
    const timer = setTimeout(() => finish(new Error(`DNS ${what}: no answer within ${ms} ms`)), ms);
    function finish(err: Error | null, v?: T) {
      clearTimeout(timer);
      cleanup();
      if (err) reject(err);
      else resolve(v as T);
    }
    cleanup = run(finish);
  });
}

function queryUdp(host: string, port: number, id: number, wire: Buffer, timeoutMs: number, what: string): Promise<Buffer> {
  return withTimeout<Buffer>(timeoutMs, what, (done) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? "udp6" : "udp4");
    socket.on("message", (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) done(null, msg);
    });
    socket.on("error", (err) => done(err));
    socket.send(wire, port, host);
    return () => socket.close();
  });
}

function queryTcp(host: string, port: number, wire: Buffer, timeoutMs: number, what: string): Promise<Buffer> {
  return withTimeout<Buffer>(timeoutMs, what, (done) => {
    let received = Buffer.alloc(0);
    const socket = net.connect(port, host, () => {
      socket.write(Buffer.concat([Buffer.from([wire.length >> 8, wire.length & 0xff]), wire]));
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        done(null, received.subarray(2, 2 + received.readUInt16BE(0)));
      }
    });
    socket.on("error", (err) => done(err));
    return () => socket.destroy();
  });
}

/** Asks `server` ("host:port", or host and port) one question and decodes the answer. */
export async function queryDns(
  server: { host: string; port: number } | string,
  name: string,
  type: RecordType,
  opts: DnsQueryOptions = {},
): Promise<DnsResponse> {
  const { host, port } = typeof server === "string" ? parseHostPort(server) : server;
  const { id, wire } = encodeQuery(name, type, opts.recursionDesired ?? false);
  const what = `${type} ${name} @${host}:${port}`;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const reply =
    opts.transport === "tcp" ? await queryTcp(host, port, wire, timeoutMs, what) : await queryUdp(host, port, id, wire, timeoutMs, what);
  return dnsPacket.decode(reply) as DnsResponse;
}

/** "127.0.0.1:53", "[::1]:53" or a bare host (port 53). */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\[(.+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (m?.[1] && m[2]) return { host: m[1], port: Number(m[2]) };
  return { host: s, port: 53 };
}

/** The data of each answer record (a string for A, NS and friends). */
export function answerData(packet: DecodedPacket): unknown[] {
  return (packet.answers ?? []).map((a) => ("data" in a ? a.data : undefined));
}

/** The TXT strings of an answer's TXT records, each record's strings joined. */
export function txtValues(packet: DecodedPacket): string[] {
  return (packet.answers ?? []).flatMap((a) => {
    if (a.type !== "TXT") return [];
    const parts = Array.isArray(a.data) ? a.data : [a.data];
    return [parts.map((p) => p.toString()).join("")];
  });
}
