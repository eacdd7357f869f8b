// Starts the provider the way Terraform does (go-plugin client side) and talks to it
// over gRPC, so that protocol tests and the start-up benchmark exercise the real
// launcher, handshake, AutoMTLS and process lifecycle rather than in-process objects.
//
// Needs a built dist/ (`npm run build`): bin/terraform-provider-acme runs dist/bundle/provider.cjs.
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { decodeBlock, encodeBlock } from "../../src/plugin/codec.js";
import type { Message } from "../../src/plugin/grpc-definitions.js";
import { loadProtos, serviceDefinition } from "./reflected-protocol.js";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/plugin/handshake.js";
import type { Block, CtyType, NestedBlock } from "../../src/plugin/schema.js";
import { createServerCertificate } from "../../src/plugin/tls.js";
import type { TfObject } from "../../src/plugin/values.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const LAUNCHER = `${REPO_ROOT}bin/terraform-provider-acme`;
export const BUILT_ENTRY = `${REPO_ROOT}dist/bundle/provider.cjs`;

/** Terraform uses up to 256 MiB messages; grpc-js would refuse more than 4 MiB by default. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 15_000;
const DEFAULT_RPC_TIMEOUT_MS = 15_000;

export interface StartOptions {
  /** PLUGIN_PROTOCOL_VERSIONS; Terraform >= 0.15 sends "5,6". */
  protocolVersions?: string;
  /** Leave PLUGIN_CLIENT_CERT out, as Terraform does under TF_DISABLE_PLUGIN_TLS. */
  noTls?: boolean;
  /** Extra environment for the provider (undefined removes a variable). */
  env?: Record<string, string | undefined>;
  /** Override the magic cookie; null leaves it out. */
  cookie?: string | null;
  handshakeTimeoutMs?: number;
  /** What to spawn instead of the launcher (e.g. node directly, to measure the launcher's cost). */
  command?: { file: string; args: string[] };
}

/** The six fields of the handshake line. */
export interface HandshakeInfo {
  line: string;
  coreVersion: number;
  protocol: number;
  network: string;
  address: string;
  transport: string;
  /** The server certificate as sent: base64 without padding, "" without TLS. */
  certificate: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process exit was observed. */
  at: number;
}

/**
 * The environment Terraform gives a provider: its own environment plus the plugin
 * variables. Variables that would change the provider's behaviour in tests are dropped:
 * jest's NODE_OPTIONS (--experimental-vm-modules would print warnings and slow start-up)
 * and ACME_SERVER_URL (tests set it explicitly when they want it).
 */
export function providerEnv(options: StartOptions, clientCertificatePem?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["NODE_OPTIONS", "ACME_SERVER_URL", "PLUGIN_CLIENT_CERT", "PLUGIN_PROTOCOL_VERSIONS", MAGIC_COOKIE_KEY, "TF_LOG", "TF_LOG_PROVIDER", "LEGO_CA_CERTIFICATES"]) {
    delete env[name];
  }
  if (options.cookie !== null) env[MAGIC_COOKIE_KEY] = options.cookie ?? MAGIC_COOKIE_VALUE;
  env.PLUGIN_PROTOCOL_VERSIONS = options.protocolVersions ?? "5,6";
  if (clientCertificatePem) env.PLUGIN_CLIENT_CERT = clientCertificatePem;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function assertBuilt(): void {
  if (!existsSync(BUILT_ENTRY)) throw new Error(`${BUILT_ENTRY} is missing: run \`npm run build\` before the protocol tests`);
}

/** Parse `1|6|unix|/path|grpc|cert`; throws on anything else (exactly six fields). */
export function parseHandshakeLine(line: string): HandshakeInfo {
  const fields = line.split("|");
  if (fields.length !== 6) throw new Error(`handshake line has ${fields.length} fields, expected 6: ${JSON.stringify(line)}`);
  const [core, protocol, network, address, transport, certificate] = fields as [string, string, string, string, string, string];
  return { line, coreVersion: Number(core), protocol: Number(protocol), network, address, transport, certificate };
}

/** go-plugin's certificate field: standard base64 without padding -> DER -> PEM. */
export function certificateFieldToPem(field: string): string {
  const der = Buffer.from(field, "base64");
  const body = der.toString("base64").match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

export interface ShutdownResult {
  /** Whether the Shutdown RPC's answer reached the client before the connection closed. */
  answered: boolean;
  sentAt: number;
  answeredAt?: number;
  error?: grpc.ServiceError;
  exit: ExitInfo;
  latencyMs: number;
}

/** A process that ran to its end without a handshake (e.g. a wrong cookie). */
export interface FinishedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the launcher and wait for it to exit on its own (for handshake failures). */
export function runToExit(options: StartOptions = {}, timeoutMs = 10_000): Promise<FinishedRun> {
  assertBuilt();
  const child = spawn(LAUNCHER, [], { env: providerEnv(options), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`provider still running after ${timeoutMs} ms; stdout ${JSON.stringify(stdout)}`));
    }, timeoutMs);
    child.on("error", reject);
    // "close" rather than "exit": the pipes are drained by then.
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Our client's identity, which the provider must require (PLUGIN_CLIENT_CERT). */
export interface ClientIdentity {
  certificatePem: string;
  privateKeyPem: string;
}

export function createClientIdentity(): ClientIdentity {
  // The server certificate shape carries clientAuth too, which is all go-plugin's client cert needs.
  const { certificatePem, privateKeyPem } = createServerCertificate();
  return { certificatePem, privateKeyPem };
}

export class ProviderProcess {
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly clients = new Map<string, grpc.Client>();
  private channel: grpc.Client | undefined;
  private readonly root = loadProtos([`tfplugin5.proto`, `tfplugin6.proto`, "goplugin.proto", "health.proto"]);
  private schemaCache: Promise<ProtoSchemas> | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly spawnedAt: number,
    readonly handshakeAt: number,
    readonly handshake: HandshakeInfo,
    readonly identity: ClientIdentity | undefined,
    /** The provider's stderr, one entry a line, as it arrives. */
    readonly stderrLines: string[],
    private readonly stdout: StdoutCollector,
    exited: Promise<ExitInfo>,
  ) {
    this.exited = exited.then((info) => (this.exitInfo = info));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get protocol(): 5 | 6 {
    return this.handshake.protocol as 5 | 6;
  }

  /** Anything written to stdout after the handshake line: must stay empty. */
  get stdoutAfterHandshake(): string {
    return this.stdout.afterLine;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Spawn the launcher as Terraform does and read its handshake line. */
  static async start(options: StartOptions = {}): Promise<ProviderProcess> {
    assertBuilt();
    const identity = options.noTls ? undefined : createClientIdentity();
    const spawnedAt = performance.now();
    // stdin ignored: a provider must never read it (Terraform's prompts live there).
    const command = options.command ?? { file: LAUNCHER, args: [] };
    const child = spawn(command.file, command.args, { env: providerEnv(options, identity?.certificatePem), stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    const exited = new Promise<ExitInfo>((resolve) => {
      child.on("exit", (code, signal) => {
        live.delete(child);
        resolve({ code, signal, at: performance.now() });
      });
    });
    const stderrLines: string[] = [];
    createInterface({ input: child.stderr! }).on("line", (line) => stderrLines.push(line));
    const stdout = new StdoutCollector(child);

    let line: string;
    let handshakeAt: number;
    try {
      line = await firstLine(stdout, options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS, exited, stderrLines);
      handshakeAt = performance.now();
    } catch (cause) {
      child.kill("SIGKILL");
      throw cause;
    }
    const provider = new ProviderProcess(child, spawnedAt, handshakeAt, parseHandshakeLine(line), identity, stderrLines, stdout, exited);
    instances.add(provider);
    void provider.exited.then(() => instances.delete(provider));
    return provider;
  }

  /** Call an RPC of the negotiated tfplugin Provider service. */
  rpc(name: string, request: Message = {}, timeoutMs = DEFAULT_RPC_TIMEOUT_MS): Promise<Message> {
    return this.call(`tfplugin${this.protocol}.Provider`, name, request, timeoutMs);
  }

  /** Call any service the provider serves (health, controller, ...). */
  call(service: string, method: string, request: Message, timeoutMs = DEFAULT_RPC_TIMEOUT_MS): Promise<Message> {
    const client = this.client(service) as unknown as Record<string, (req: Message, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Message) => void) => void>;
    const fn = client[method];
    if (typeof fn !== "function") return Promise.reject(new Error(`${service} has no method ${method}`));
    return new Promise((resolve, reject) => {
      fn.call(client, request, { deadline: Date.now() + timeoutMs }, (err, response) => (err ? reject(err) : resolve(response)));
    });
  }

  /**
   * One call on a throwaway connection with other credentials, e.g. a client whose
   * certificate is not the one the provider was told about.
   */
  async callWith(credentials: grpc.ChannelCredentials, service: string, method: string, request: Message, timeoutMs = 5_000): Promise<Message> {
    const Constructor = grpc.makeGenericClientConstructor(serviceDefinition(this.root, service), service);
    const client = new Constructor(`unix://${this.handshake.address}`, credentials, {
      "grpc.ssl_target_name_override": "localhost",
      "grpc.default_authority": "localhost",
    }) as unknown as grpc.Client & Record<string, (req: Message, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Message) => void) => void>;
    try {
      return await new Promise<Message>((resolve, reject) => {
        client[method]!(request, { deadline: Date.now() + timeoutMs }, (err, response) => (err ? reject(err) : resolve(response)));
      });
    } finally {
      client.close();
    }
  }

  /** The server certificate from the handshake line, as PEM (for hand-made clients). */
  serverCertificatePem(): string {
    return certificateFieldToPem(this.handshake.certificate);
  }

  /** grpc.health.v1 status of service "plugin" (1 = SERVING). */
  async health(): Promise<number> {
    const response = await this.call("grpc.health.v1.Health", "Check", { service: "plugin" });
    return response.status as number;
  }

  /**
   * plugin.GRPCController/Shutdown, as go-plugin's Kill does, then wait for the exit.
   * go-plugin ignores the RPC's error (its own Go servers stop before answering), so a
   * lost answer is reported in `answered`/`error` rather than thrown. `latencyMs` runs
   * from the answer, or from the request when no answer came (an upper bound).
   */
  async shutdown(exitTimeoutMs = 5_000): Promise<ShutdownResult> {
    const sentAt = performance.now();
    let answeredAt: number | undefined;
    let error: grpc.ServiceError | undefined;
    try {
      await this.call("plugin.GRPCController", "Shutdown", {});
      answeredAt = performance.now();
    } catch (cause) {
      if ((cause as grpc.ServiceError).code === undefined) throw cause;
      error = cause as grpc.ServiceError;
    }
    const exit = await withTimeout(this.exited, exitTimeoutMs, "provider did not exit after Shutdown");
    this.closeClients();
    // The exit may be observed before the answer's callback ran: the gap is then 0.
    const latencyMs = Math.max(0, exit.at - (answeredAt ?? sentAt));
    return { answered: answeredAt !== undefined, sentAt, exit, latencyMs, ...(answeredAt !== undefined ? { answeredAt } : {}), ...(error ? { error } : {}) };
  }

  /** Send a signal to the provider (the launcher execs node, so this pid is node's). */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /**
   * End the provider and wait for the exit; closes the gRPC clients. SIGTERM first (the
   * provider then removes its socket directory itself), SIGKILL if it lingers; the socket
   * directory is removed in any case so test runs leave nothing in /tmp.
   */
  async kill(graceMs = 1_000): Promise<ExitInfo> {
    this.closeClients();
    if (!this.hasExited) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
      await this.exited.finally(() => clearTimeout(timer));
    }
    removeSocketDirectory(this.handshake.address);
    return this.exited;
  }

  closeClients(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    this.channel = undefined;
  }

  /** The schemas as the provider declares them over the wire, turned back into Blocks. */
  schemas(): Promise<ProtoSchemas> {
    this.schemaCache ??= this.rpc(this.protocol === 5 ? "GetSchema" : "GetProviderSchema").then(schemasFromProto);
    return this.schemaCache;
  }

  async resourceBlock(typeName: string): Promise<Block> {
    const block = (await this.schemas()).resources[typeName];
    if (!block) throw new Error(`the provider declares no resource ${typeName}`);
    return block;
  }

  async dataSourceBlock(typeName: string): Promise<Block> {
    const block = (await this.schemas()).dataSources[typeName];
    if (!block) throw new Error(`the provider declares no data source ${typeName}`);
    return block;
  }

  /** A DynamicValue (msgpack) of `value` for `block`; missing attributes become null. */
  dynamicValue(block: Block, value: TfObject | null): { msgpack: Uint8Array } {
    return { msgpack: encodeBlock(block, value) };
  }

  /** Decode a DynamicValue the provider sent. */
  decode(block: Block, value: Message | null | undefined): TfObject | null {
    const bytes: Uint8Array = value?.msgpack ?? new Uint8Array();
    if (bytes.length === 0) throw new Error("the provider sent a DynamicValue with empty msgpack (null must be c0)");
    return decodeBlock(block, bytes);
  }

  private client(service: string): grpc.Client {
    const existing = this.clients.get(service);
    if (existing) return existing;
    const Constructor = grpc.makeGenericClientConstructor(serviceDefinition(this.root, service), service);
    const options: Partial<grpc.ClientOptions> = {
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
      // The server certificate names "localhost"; a unix socket target has no host name.
      "grpc.ssl_target_name_override": "localhost",
      "grpc.default_authority": "localhost",
      ...(this.channel ? { channelOverride: this.channel.getChannel() as grpc.Channel } : {}),
    };
    const client = new Constructor(`unix://${this.handshake.address}`, this.credentials(), options);
    this.channel ??= client;
    this.clients.set(service, client);
    return client;
  }

  private credentials(): grpc.ChannelCredentials {
    if (!this.identity || this.handshake.certificate === "") return grpc.credentials.createInsecure();
    return grpc.credentials.createSsl(
      Buffer.from(certificateFieldToPem(this.handshake.certificate)),
      Buffer.from(this.identity.privateKeyPem),
      Buffer.from(this.identity.certificatePem),
    );
  }
}

/** Remove the directory the provider made for its socket (only ever an acme-tf-plugin-* one). */
function removeSocketDirectory(socketPath: string): void {
  const directory = dirname(socketPath);
  if (basename(directory).startsWith("acme-tf-plugin-")) rmSync(directory, { recursive: true, force: true });
}

/** Processes spawned and not yet exited (providers before their handshake, intermediate parents). */
const live = new Set<ChildProcess>();
/** Providers past their handshake and not yet exited. */
const instances = new Set<ProviderProcess>();

/**
 * End everything this module started: for jest's afterEach/afterAll, so a failing test
 * leaves no provider (nor socket directory) behind.
 */
export async function killAllProviders(): Promise<void> {
  await Promise.all([...instances].map((provider) => provider.kill()));
  for (const [pid, socketPath] of strays) {
    if (!isProcessGone(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone between the check and the kill.
      }
    }
    if (socketPath) removeSocketDirectory(socketPath);
    strays.delete(pid);
  }
  const waits = [...live].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  );
  await Promise.all(waits);
}

// --- A provider whose parent is not us ----------------------------------------------

/** Providers started through an intermediate parent (pid -> socket path once known), killed by killAllProviders. */
const strays = new Map<number, string | undefined>();

export interface ParentedProvider {
  /** The intermediate `sh`, standing in for Terraform. */
  parent: ChildProcess;
  providerPid: number;
  handshake: HandshakeInfo;
}

/**
 * Start the launcher as the child of an intermediate `sh` (Terraform's stand-in), so a
 * test can SIGKILL that parent and watch whether the provider notices. The shell reports
 * the provider's pid on fd 3; the launcher execs node, so that pid is the provider's.
 */
export async function startThroughParent(options: StartOptions = {}): Promise<ParentedProvider> {
  assertBuilt();
  const identity = options.noTls ? undefined : createClientIdentity();
  const parent = spawn("sh", ["-c", '"$0" & echo $! >&3; wait', LAUNCHER], {
    env: providerEnv(options, identity?.certificatePem),
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  live.add(parent);
  parent.on("exit", () => live.delete(parent));
  const pidLine = await new Promise<string>((resolve) => {
    createInterface({ input: parent.stdio[3] as NodeJS.ReadableStream }).once("line", resolve);
  });
  const providerPid = Number(pidLine);
  strays.set(providerPid, undefined);
  const stdout = new StdoutCollector(parent);
  const exited = new Promise<ExitInfo>((resolve) => parent.on("exit", (code, signal) => resolve({ code, signal, at: performance.now() })));
  const handshake = parseHandshakeLine(await firstLine(stdout, options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS, exited, []));
  strays.set(providerPid, handshake.address);
  return { parent, providerPid, handshake };
}

/** True when `pid` no longer runs: gone, or a zombie waiting for a reaper. */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** Poll until `pid` is gone; resolves with the time it took, or rejects after timeoutMs. */
export async function waitForProcessGone(pid: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!isProcessGone(pid)) {
    if (performance.now() - started > timeoutMs) throw new Error(`process ${pid} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

/** One listener for the whole life of stdout: the handshake line, then whatever follows. */
class StdoutCollector {
  private buffered = "";
  private line: string | undefined;
  afterLine = "";
  private waiter: ((line: string) => void) | undefined;

  constructor(child: ChildProcess) {
    child.stdout!.on("data", (chunk: Buffer) => this.add(chunk.toString("utf8")));
  }

  private add(text: string): void {
    if (this.line !== undefined) {
      this.afterLine += text;
      return;
    }
    this.buffered += text;
    const newline = this.buffered.indexOf("\n");
    if (newline < 0) return;
    this.line = this.buffered.slice(0, newline);
    this.afterLine = this.buffered.slice(newline + 1);
    this.waiter?.(this.line);
  }

  firstLine(): Promise<string> {
    return this.line !== undefined ? Promise.resolve(this.line) : new Promise((resolve) => (this.waiter = resolve));
  }
}

async function firstLine(stdout: StdoutCollector, timeoutMs: number, exited: Promise<ExitInfo>, stderrLines: string[]): Promise<string> {
  const died = exited.then((info) => {
    throw new Error(`provider exited (code ${info.code}, signal ${info.signal}) before its handshake; stderr:\n${stderrLines.join("\n")}`);
  });
  return withTimeout(Promise.race([stdout.firstLine(), died]), timeoutMs, `no handshake line within ${timeoutMs} ms`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// --- Schemas back from the wire -------------------------------------------------

export interface ProtoSchemas {
  provider: Block;
  resources: Record<string, Block>;
  dataSources: Record<string, Block>;
  /** The raw GetSchema/GetProviderSchema response, for assertions on its shape. */
  response: Message;
}

const NESTING_MODES = { 1: "single", 2: "list", 3: "set", 4: "map" } as const;

function schemasFromProto(response: Message): ProtoSchemas {
  const blocks = (schemas: Record<string, Message>) => Object.fromEntries(Object.entries(schemas ?? {}).map(([name, schema]) => [name, blockFromProto(schema.block)]));
  return {
    provider: blockFromProto(response.provider.block),
    resources: blocks(response.resource_schemas),
    dataSources: blocks(response.data_source_schemas),
    response,
  };
}

/** Turn a Schema.Block message into the neutral Block the codec works with. */
export function blockFromProto(block: Message): Block {
  const attributes: Block["attributes"] = {};
  for (const attribute of block.attributes ?? []) {
    attributes[attribute.name] = {
      type: JSON.parse(Buffer.from(attribute.type).toString("utf8")) as CtyType,
      required: attribute.required,
      optional: attribute.optional,
      computed: attribute.computed,
    };
  }
  const blocks: Record<string, NestedBlock> = {};
  for (const nested of block.block_types ?? []) {
    const nesting = NESTING_MODES[nested.nesting as keyof typeof NESTING_MODES];
    if (!nesting) throw new Error(`nested block ${nested.type_name} has nesting mode ${nested.nesting}`);
    blocks[nested.type_name] = { nesting, block: blockFromProto(nested.block ?? {}), minItems: nested.min_items, maxItems: nested.max_items };
  }
  return { attributes, blocks };
}
