// acme-dns's authoritative DNS server (pkg/nameserver: handler.go, parseconfig.go, on
// miekg/dns), over UDP and TCP on one address and port:
// - the zone apex has the SOA acme-dns builds from its config
//   ("<domain>. SOA <nsname>. <nsadmin>. <YYYYMMDDHH> 28800 7200 604800 86400", TTL 3600)
//   and, as its static records typically configure, an NS record and the NS's A record;
// - "<subdomain>.<domain>" has one TXT record per stored value, TTL 1, owner name as asked;
// - every answer inside the zone is authoritative (AA); a name without records is
//   NXDOMAIN with the SOA in the authority section, including a registered subdomain
//   that has no value yet (acme-dns's nodata_test.go); a name with records but none of
//   the asked type is NOERROR with the SOA (NODATA, as acme-dns answers since that test);
// - names are compared case-insensitively; the question is echoed as sent;
// - EDNS: the answer carries an OPT with a 512-byte payload size; a version other than 0
//   is BADVERS;
// - miekg/dns's defaults: responses are ignored, opcodes other than QUERY and NOTIFY get
//   NOTIMP, a message without exactly one question (or unparsable) gets FORMERR, and a
//   NOTIFY gets an empty NOERROR reply.
// Deviation on purpose: acme-dns answers names outside its zone with a non-authoritative
// NXDOMAIN; this server answers REFUSED, as authoritative servers such as bind9 do, so a
// misdirected query in a test is visible as such.

import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import type { Answer, DecodedPacket, Question } from "dns-packet";
import type { AcmeDnsStore } from "./store.js";

export interface DnsZone {
  /** Lower case, no trailing dot. */
  domain: string;
  nsName: string;
  nsAdmin: string;
  nsAddress: string;
  serial: number;
}

/** One DNS question as the server saw and answered it. */
export interface DnsQueryLogEntry {
  time: string;
  transport: "udp" | "tcp";
  remoteAddress: string;
  name: string;
  type: string;
  rcode: string;
}

const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;
const OPCODE_QUERY = 0;
const OPCODE_NOTIFY = 4;
const STATIC_TTL = 3600; // miekg/dns's default for records parsed without a TTL
const TXT_TTL = 1;

/** acme-dns's SOA serial: the start time as YYYYMMDDHH. */
export function soaSerial(date: Date): number {
  const pad = (n: number) => String(n).padStart(2, "0");
  return Number(`${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}${pad(date.getHours())}`);
}

function soaRecord(zone: DnsZone): Answer {
  return {
    type: "SOA",
    name: zone.domain,
    ttl: STATIC_TTL,
    data: { mname: zone.nsName, rname: zone.nsAdmin, serial: zone.serial, refresh: 28800, retry: 7200, expire: 604800, minimum: 86400 },
  };
}

function inZone(zone: DnsZone, name: string): boolean {
  return name === zone.domain || name.endsWith(`.${zone.domain}`);
}

/** Every record at `name` (lower case), owned by `owner` (as asked); undefined if none. */
function recordsAt(zone: DnsZone, store: AcmeDnsStore, name: string, owner: string): Answer[] | undefined {
  const records: Answer[] = [];
  if (name === zone.domain) {
    records.push({ ...soaRecord(zone), name: owner });
    records.push({ type: "NS", name: owner, ttl: STATIC_TTL, data: zone.nsName });
  }
  if (name === zone.nsName) records.push({ type: "A", name: owner, ttl: STATIC_TTL, data: zone.nsAddress });
  const label = name.slice(0, -(zone.domain.length + 1));
  if (name.endsWith(`.${zone.domain}`) && !label.includes(".")) {
    for (const value of store.txt(label)) records.push({ type: "TXT", name: owner, ttl: TXT_TTL, data: value });
  }
  return records.length > 0 ? records : undefined;
}

interface Answered {
  rcode: number;
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
}

export function answerQuestion(zone: DnsZone, store: AcmeDnsStore, q: Question): Answered {
  const name = q.name.toLowerCase().replace(/\.$/, "");
  if (!inZone(zone, name)) return { rcode: RCODE.REFUSED, authoritative: false, answers: [], authorities: [] };
  const records = recordsAt(zone, store, name, q.name);
  if (!records) return { rcode: RCODE.NXDOMAIN, authoritative: true, answers: [], authorities: [soaRecord(zone)] };
  const answers = records.filter((r) => r.type === q.type);
  return { rcode: RCODE.NOERROR, authoritative: true, answers, authorities: answers.length ? [] : [soaRecord(zone)] };
}

/** The header bits miekg's SetReply keeps: opcode, RD, CD. */
function replyFlags(requestFlags: number, rcode: number, authoritative: boolean): number {
  const kept = requestFlags & ((0xf << 11) | dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED);
  return kept | (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | (rcode & 0xf);
}

/** A header-only rejection, as miekg/dns writes for messages it does not accept. */
function reject(query: Buffer, rcode: number, keepOpcode: boolean): Buffer {
  const flags = query.readUInt16BE(2);
  const out = Buffer.alloc(12);
  out.writeUInt16BE(query.readUInt16BE(0), 0);
  out.writeUInt16BE(0x8000 | (keepOpcode ? flags & (0xf << 11) : 0) | (flags & dnsPacket.RECURSION_DESIRED) | rcode, 2);
  return out;
}

function optRecord(rcode: number): Answer {
  // The upper 8 bits of a 12-bit rcode travel in the OPT record (RFC 6891).
  return { type: "OPT", name: ".", udpPayloadSize: 512, extendedRcode: rcode >> 4, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

export interface Responded {
  reply?: Buffer;
  logged?: { name: string; type: string; rcode: string };
}

function decode(query: Buffer): DecodedPacket | undefined {
  try {
    return dnsPacket.decode(query);
  } catch {
    return undefined;
  }
}

/** What miekg's DefaultMsgAcceptFunc says about a message, from its header alone. */
function acceptance(query: Buffer): "accept" | "ignore" | "notimp" | "formerr" {
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000) return "ignore";
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== OPCODE_QUERY && opcode !== OPCODE_NOTIFY) return "notimp";
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => query.readUInt16BE(o));
  return qd !== 1 || (an ?? 0) > 1 || (ns ?? 0) > 1 || (ar ?? 0) > 2 ? "formerr" : "accept";
}

/** Answers one DNS message (wire format); no reply for responses and runts. */
export function respond(zone: DnsZone, store: AcmeDnsStore, query: Buffer): Responded {
  if (query.length < 12) return {};
  const verdict = acceptance(query);
  if (verdict === "ignore") return {};
  if (verdict === "notimp") return { reply: reject(query, RCODE.NOTIMP, true) };
  const packet = verdict === "accept" ? decode(query) : undefined;
  const question = packet?.questions?.[0];
  if (!packet || !question) return { reply: reject(query, RCODE.FORMERR, false) };
  const flags = packet.flags ?? 0;
  const opt = packet.additionals?.find((a) => a.type === "OPT");
  const badVersion = opt !== undefined && "ednsVersion" in opt && opt.ednsVersion !== 0;
  const isQuery = ((flags >> 11) & 0xf) === OPCODE_QUERY;
  const answered: Answered =
    !badVersion && isQuery
      ? answerQuestion(zone, store, question)
      : { rcode: badVersion ? RCODE.BADVERS : RCODE.NOERROR, authoritative: false, answers: [], authorities: [] };
  const reply = dnsPacket.encode({
    type: "response",
    id: packet.id ?? 0,
    flags: replyFlags(flags, answered.rcode, answered.authoritative),
    questions: [question],
    answers: answered.answers,
    authorities: answered.authorities,
    additionals: opt ? [optRecord(answered.rcode)] : [],
  });
  const rcodeName = Object.entries(RCODE).find(([, v]) => v === answered.rcode)?.[0] ?? String(answered.rcode);
  return { reply, logged: { name: question.name, type: question.type, rcode: rcodeName } };
}

export interface DnsListener {
  port: number;
  close(): Promise<void>;
}

type Responder = (query: Buffer, transport: "udp" | "tcp", remoteAddress: string) => Buffer | undefined;

function bindUdp(address: string, port: number, respondTo: Responder): Promise<dgram.Socket> {
  const socket = dgram.createSocket(net.isIPv6(address) ? "udp6" : "udp4");
  socket.on("message", (msg, rinfo) => {
    const reply = respondTo(msg, "udp", rinfo.address);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, address, () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

/** TCP carries each message behind a two-byte length; one connection may carry many. */
function serveTcpConnection(conn: net.Socket, respondTo: Responder): void {
  let pending = Buffer.alloc(0);
  conn.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + message.length);
      const reply = respondTo(message, "tcp", conn.remoteAddress ?? "");
      if (reply) conn.write(Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 0xff]), reply]));
    }
  });
  conn.on("error", () => conn.destroy()); // a client hanging up is not the server's problem
}

interface TcpListener {
  server: net.Server;
  connections: Set<net.Socket>;
}

function bindTcp(address: string, port: number, respondTo: Responder): Promise<TcpListener> {
  const connections = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    connections.add(conn);
    conn.on("close", () => connections.delete(conn));
    serveTcpConnection(conn, respondTo);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => {
      server.off("error", reject);
      resolve({ server, connections });
    });
  });
}

function closeAll(udp: dgram.Socket, tcp: TcpListener): Promise<void> {
  // Open TCP connections are ended too, or close() would wait for clients that keep them.
  for (const conn of tcp.connections) conn.destroy();
  const tcpClosed = new Promise<void>((resolve) => tcp.server.close(() => resolve()));
  const udpClosed = new Promise<void>((resolve) => udp.close(() => resolve()));
  return Promise.all([tcpClosed, udpClosed]).then(() => undefined);
}

/**
 * Listens on UDP and TCP at the same port. With port 0 the UDP socket picks a free port
 * and TCP takes the same one, retrying with another if TCP finds it taken.
 */
export async function listenDns(address: string, port: number, respondTo: Responder): Promise<DnsListener> {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(address, port, respondTo);
    const chosen = udp.address().port;
    try {
      const tcp = await bindTcp(address, chosen, respondTo);
      return { port: chosen, close: () => closeAll(udp, tcp) };
    } catch (err) {
      udp.close();
      if (port !== 0 || attempt >= 20 || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    }
  }
}
