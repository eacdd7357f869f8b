// The provider as Terraform sees it: the launcher spawned with Terraform's environment,
// the handshake line, gRPC over the unix socket with AutoMTLS, for protocol 5 and 6,
// and the process lifecycle (Shutdown, SIGINT, parent death, bad cookies).
//
// Runs against dist/ (`npm run build` first), like Terraform does.
import * as grpc from "@grpc/grpc-js";
import { decode, encode, ExtData } from "@msgpack/msgpack";
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute } from "node:path";
import type { Message } from "../../src/plugin/grpc-definitions.js";
import type { Block } from "../../src/plugin/schema.js";
import { UNKNOWN } from "../../src/plugin/values.js";
import {
  createClientIdentity,
  killAllProviders,
  ProviderProcess,
  runToExit,
  startThroughParent,
  waitForProcessGone,
  type StartOptions,
} from "../harness/provider-process.js";

const SERVER_URL = "https://acme.example.test/directory";
const SERVING = 1;
const ERROR = 1;
const NESTING_INVALID = 0;
const TIMESTAMP = /\.\d{6}(Z|[+-]\d\d:\d\d)$/;

/** Providers a single test started for itself: killed when that test ends, pass or fail. */
const started: ProviderProcess[] = [];
async function startForTest(options: StartOptions = {}): Promise<ProviderProcess> {
  const provider = await ProviderProcess.start(options);
  started.push(provider);
  return provider;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.kill()));
});
// Anything else still running (suite-wide providers, the parent-death test's orphan).
afterAll(killAllProviders);

const RPC = {
  5: {
    schema: "GetSchema",
    validateProvider: "PrepareProviderConfig",
    validateResource: "ValidateResourceTypeConfig",
    validateDataSource: "ValidateDataSourceConfig",
    configure: "Configure",
    stop: "Stop",
  },
  6: {
    schema: "GetProviderSchema",
    validateProvider: "ValidateProviderConfig",
    validateResource: "ValidateResourceConfig",
    validateDataSource: "ValidateDataResourceConfig",
    configure: "ConfigureProvider",
    stop: "StopProvider",
  },
} as const;

/** Attribute paths of diagnostics, each as a list of steps. */
function diagnosticPaths(diagnostics: Message[]): (string | number)[][] {
  return diagnostics.map((d) => (d.attribute?.steps ?? []).map((s: Message) => s[s.selector] as string | number));
}

/** Is `json` a cty type in its JSON form? */
function isCtyType(json: unknown): boolean {
  if (json === "string" || json === "number" || json === "bool" || json === "dynamic") return true;
  if (!Array.isArray(json) || json.length !== 2) return false;
  const [kind, inner] = json as [unknown, unknown];
  if (kind === "list" || kind === "set" || kind === "map") return isCtyType(inner);
  if (kind === "object") return typeof inner === "object" && inner !== null && !Array.isArray(inner) && Object.values(inner).every(isCtyType);
  if (kind === "tuple") return Array.isArray(inner) && inner.every(isCtyType);
  return false;
}

/** Every problem with a Schema.Block message, recursively; [] when it is well-formed. */
function blockProblems(block: Message | null | undefined, where: string): string[] {
  if (!block) return [`${where}: no block`];
  const problems: string[] = [];
  for (const attribute of block.attributes ?? []) {
    const at = `${where}.${attribute.name}`;
    if (!/^[a-z0-9_]+$/.test(attribute.name)) problems.push(`${at}: bad name`);
    let type: unknown;
    try {
      type = JSON.parse(Buffer.from(attribute.type).toString("utf8"));
    } catch {
      problems.push(`${at}: type is not JSON`);
    }
    if (!isCtyType(type)) problems.push(`${at}: type ${JSON.stringify(type)} is not a cty type`);
    const { required, optional, computed } = attribute;
    const valid = (required && !optional && !computed) || (!required && (optional || computed));
    if (!valid) problems.push(`${at}: required=${required} optional=${optional} computed=${computed}`);
  }
  for (const nested of block.block_types ?? []) {
    const at = `${where}.${nested.type_name}`;
    if (!/^[a-z0-9_]+$/.test(nested.type_name)) problems.push(`${at}: bad name`);
    if (nested.nesting === NESTING_INVALID) problems.push(`${at}: nesting INVALID`);
    if (nested.nesting === 1 && (nested.min_items > 1 || nested.max_items > 1)) problems.push(`${at}: SINGLE with min/max > 1`);
    problems.push(...blockProblems(nested.block, at));
  }
  return problems;
}

/** The msgpack map of a DynamicValue, decoded without any schema: exactly what is on the wire. */
function wireMap(value: Message): Record<string, unknown> {
  return decode(value.msgpack) as Record<string, unknown>;
}

/** All attribute and nested block names of a block. */
const namesOf = (block: Block) => [...Object.keys(block.attributes), ...Object.keys(block.blocks ?? {})].sort();

describe.each([5, 6] as const)("protocol %i", (protocol) => {
  const rpc = RPC[protocol];
  // Terraform 0.12-0.14 offers "5"; newer ones "5,6" and must get 6.
  const versions = protocol === 5 ? "5" : "5,6";
  let provider: ProviderProcess;

  beforeAll(async () => {
    // TRACE, as under TF_LOG=TRACE: the log tests below read what the provider writes.
    provider = await ProviderProcess.start({ protocolVersions: versions, env: { TF_LOG: "TRACE" } });
  });
  afterAll(async () => {
    await provider?.kill();
  });

  test("handshake line: six fields, our protocol, a unix socket, and a certificate without padding", () => {
    const { handshake } = provider;
    expect(handshake.line.split("|")).toHaveLength(6);
    expect(handshake).toMatchObject({ coreVersion: 1, protocol, network: "unix", transport: "grpc" });
    expect(isAbsolute(handshake.address)).toBe(true);
    expect(statSync(handshake.address).isSocket()).toBe(true);
    expect(handshake.certificate).toMatch(/^[A-Za-z0-9+/]+$/);
    expect(provider.stdoutAfterHandshake).toBe("");
  });

  test("health reports SERVING for service plugin", async () => {
    expect(await provider.health()).toBe(SERVING);
  });

  test("schema lists the provider's resources, data source and provider attribute", async () => {
    const response = await provider.rpc(rpc.schema);
    expect(response.diagnostics).toEqual([]);
    // Others may come; these must be there.
    expect(Object.keys(response.resource_schemas)).toEqual(expect.arrayContaining(["acme_certificate", "acme_registration"]));
    expect(Object.keys(response.data_source_schemas)).toEqual(expect.arrayContaining(["acme_server_url"]));
    expect(response.provider.block.attributes.map((a: Message) => a.name)).toContain("server_url");
    expect(response.server_capabilities).toMatchObject({ plan_destroy: false, get_provider_schema_optional: true });
  });

  test("every schema is well-formed: blocks everywhere, cty types, one of required/optional/computed", async () => {
    const response = await provider.rpc(rpc.schema);
    const problems = [
      ...blockProblems(response.provider.block, "provider"),
      ...Object.entries(response.resource_schemas as Record<string, Message>).flatMap(([name, s]) => blockProblems(s.block, name)),
      ...Object.entries(response.data_source_schemas as Record<string, Message>).flatMap(([name, s]) => blockProblems(s.block, name)),
    ];
    expect(problems).toEqual([]);
    // The nested blocks we know of are there, with their own block.
    const certificate = response.resource_schemas.acme_certificate.block;
    const dns = certificate.block_types.find((b: Message) => b.type_name === "dns_challenge");
    expect(dns.block.attributes.map((a: Message) => a.name).sort()).toEqual(["config", "provider"]);
    const registration = response.resource_schemas.acme_registration.block;
    expect(registration.block_types.map((b: Message) => b.type_name)).toEqual(["external_account_binding"]);
  });

  test("validate: a bad account_key_pem is an error whose path is account_key_pem", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const response = await provider.rpc(rpc.validateResource, {
      type_name: "acme_registration",
      config: provider.dynamicValue(block, { account_key_pem: "garbage" }),
    });
    expect(response.diagnostics).toHaveLength(1);
    expect(response.diagnostics[0]).toMatchObject({ severity: ERROR });
    expect(diagnosticPaths(response.diagnostics)).toEqual([["account_key_pem"]]);
  });

  test('validate: account_key_algorithm "DSA" is an error at account_key_algorithm', async () => {
    const block = await provider.resourceBlock("acme_registration");
    const response = await provider.rpc(rpc.validateResource, {
      type_name: "acme_registration",
      config: provider.dynamicValue(block, { account_key_algorithm: "DSA" }),
    });
    expect(response.diagnostics.map((d: Message) => d.severity)).toEqual([ERROR]);
    expect(diagnosticPaths(response.diagnostics)).toEqual([["account_key_algorithm"]]);
    expect(response.diagnostics[0].detail).toMatch(/ECDSA/);
  });

  test("validate: a bad hmac_base64 points into the nested block with an index", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const response = await provider.rpc(rpc.validateResource, {
      type_name: "acme_registration",
      config: provider.dynamicValue(block, { external_account_binding: [{ key_id: "k", hmac_base64: "not base64!" }] }),
    });
    expect(diagnosticPaths(response.diagnostics)).toEqual([["external_account_binding", 0, "hmac_base64"]]);
  });

  test("validate: a valid configuration and unknown values give no diagnostics", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const response = await provider.rpc(rpc.validateResource, {
      type_name: "acme_registration",
      config: provider.dynamicValue(block, { email_address: "admin@example.com", account_key_pem: UNKNOWN, account_key_algorithm: "RSA" }),
    });
    expect(response.diagnostics).toEqual([]);
  });

  test("validate: a bad server_url in the provider block is an error at server_url", async () => {
    const block = (await provider.schemas()).provider;
    const response = await provider.rpc(rpc.validateProvider, { config: provider.dynamicValue(block, { server_url: "ftp://example.test/" }) });
    expect(diagnosticPaths(response.diagnostics)).toEqual([["server_url"]]);
  });

  if (protocol === 5) {
    test("PrepareProviderConfig echoes the config as prepared_config", async () => {
      const block = (await provider.schemas()).provider;
      const config = provider.dynamicValue(block, { server_url: SERVER_URL });
      const response = await provider.rpc("PrepareProviderConfig", { config });
      expect(response.diagnostics).toEqual([]);
      expect(Buffer.from(response.prepared_config.msgpack)).toEqual(Buffer.from(config.msgpack));
    });
  }

  test("validate calls may come concurrently, before configure", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const calls = Array.from({ length: 20 }, (_, i) =>
      provider.rpc(rpc.validateResource, {
        type_name: "acme_registration",
        config: provider.dynamicValue(block, { account_key_algorithm: i % 2 ? "DSA" : "ECDSA" }),
      }),
    );
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.diagnostics.length)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 1 : 0)));
  });

  test("a 5 MiB request is accepted (the limit is Terraform's 256 MiB, not gRPC's usual 4 MiB)", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const email = `admin@${"a".repeat(5 * 1024 * 1024)}`;
    const response = await provider.rpc(rpc.validateResource, { type_name: "acme_registration", config: provider.dynamicValue(block, { email_address: email }) });
    expect(response.diagnostics).toEqual([]);
  });

  test("configure without server_url nor ACME_SERVER_URL is an error naming server_url", async () => {
    const block = (await provider.schemas()).provider;
    const response = await provider.rpc(rpc.configure, { terraform_version: "1.11.0", config: provider.dynamicValue(block, { server_url: null }) });
    expect(response.diagnostics).toHaveLength(1);
    expect(response.diagnostics[0]).toMatchObject({ severity: ERROR });
    expect(`${response.diagnostics[0].summary} ${response.diagnostics[0].detail}`).toMatch(/server_url/);
    expect(diagnosticPaths(response.diagnostics)).toEqual([["server_url"]]);
  });

  test("UpgradeResourceState turns JSON state missing attributes into msgpack with all of them", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const stored = { id: "https://ca.test/acct/1", registration_url: "https://ca.test/acct/1", account_key_pem: "KEY", email_address: "a@example.com" };
    const response = await provider.rpc("UpgradeResourceState", {
      type_name: "acme_registration",
      // The current version: an older one would fill the key arguments (the reference's upgrade).
      version: 2,
      raw_state: { json: Buffer.from(JSON.stringify(stored)) },
    });
    expect(response.diagnostics).toEqual([]);
    const wire = wireMap(response.upgraded_state);
    expect(Object.keys(wire).sort()).toEqual(namesOf(block));
    expect(wire).toMatchObject({ ...stored, account_key_algorithm: null, account_key_ecdsa_curve: null, account_key_rsa_bits: null, external_account_binding: [] });
  });

  test("UpgradeResourceState of state from a newer schema version is an error", async () => {
    const response = await provider.rpc("UpgradeResourceState", {
      type_name: "acme_registration",
      version: 7,
      raw_state: { json: Buffer.from("{}") },
    });
    expect(response.diagnostics.map((d: Message) => d.severity)).toEqual([ERROR]);
    expect(response.diagnostics[0].detail).toMatch(/7/);
  });

  test("PlanResourceChange for a new acme_registration: registration_url unknown (d4 00 00), algorithm planned ECDSA", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const config = provider.dynamicValue(block, { email_address: "admin@example.com" });
    const response = await provider.rpc("PlanResourceChange", {
      type_name: "acme_registration",
      prior_state: provider.dynamicValue(block, null),
      proposed_new_state: config,
      config,
      prior_private: Buffer.alloc(0),
    });
    expect(response.diagnostics).toEqual([]);
    expect(response.requires_replace).toEqual([]);
    const bytes = Buffer.from(response.planned_state.msgpack);
    // "registration_url" as a fixstr (b0 = 16 bytes), then the one-byte-payload unknown.
    expect(bytes.toString("hex")).toContain(Buffer.concat([Buffer.from([0xb0]), Buffer.from("registration_url"), Buffer.from([0xd4, 0x00, 0x00])]).toString("hex"));
    const wire = wireMap(response.planned_state);
    for (const unknown of [wire.registration_url, wire.id]) {
      expect(unknown).toBeInstanceOf(ExtData);
      expect({ type: (unknown as ExtData).type, data: [...((unknown as ExtData).data as Uint8Array)] }).toEqual({ type: 0, data: [0] });
    }
    expect(wire).toMatchObject({ account_key_algorithm: "ECDSA", account_key_ecdsa_curve: "P384", account_key_rsa_bits: 4096, email_address: "admin@example.com", external_account_binding: [] });
    expect(Object.keys(wire).sort()).toEqual(namesOf(block));
  });

  /** A registration's state as Terraform holds it. */
  const registrationState = (email: string) => ({
    id: "https://ca.test/acct/1",
    registration_url: "https://ca.test/acct/1",
    account_key_pem: "KEY",
    account_key_algorithm: "ECDSA",
    account_key_ecdsa_curve: "P384",
    account_key_rsa_bits: 4096,
    email_address: email,
    external_account_binding: [],
  });

  test("PlanResourceChange with a changed email_address requires replacement at that path", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const prior = registrationState("old@example.com");
    const config = { email_address: "new@example.com" };
    const proposed = { ...prior, email_address: "new@example.com" };
    const response = await provider.rpc("PlanResourceChange", {
      type_name: "acme_registration",
      prior_state: provider.dynamicValue(block, prior),
      proposed_new_state: provider.dynamicValue(block, proposed),
      config: provider.dynamicValue(block, config),
      prior_private: Buffer.alloc(0),
    });
    expect(response.diagnostics).toEqual([]);
    expect(response.requires_replace.map((p: Message) => p.steps.map((s: Message) => s[s.selector]))).toEqual([["email_address"]]);
  });

  test("PlanResourceChange without changes answers the proposed state as Terraform encoded it, byte for byte", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const state = registrationState("admin@example.com");
    // Keys sorted, as cty writes them; this provider's own encoding follows the schema's order.
    const terraformBytes = encode(Object.fromEntries(Object.entries(state).sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(Buffer.from(terraformBytes).equals(Buffer.from(provider.dynamicValue(block, state).msgpack))).toBe(false);
    const response = await provider.rpc("PlanResourceChange", {
      type_name: "acme_registration",
      prior_state: { msgpack: terraformBytes },
      proposed_new_state: { msgpack: terraformBytes },
      config: provider.dynamicValue(block, { email_address: "admin@example.com" }),
      prior_private: Buffer.alloc(0),
    });
    expect(response.diagnostics).toEqual([]);
    expect(Buffer.from(response.planned_state.msgpack).toString("hex")).toBe(Buffer.from(terraformBytes).toString("hex"));
  });

  test("ReadResource of a null state answers null (c0), never empty bytes", async () => {
    const block = await provider.resourceBlock("acme_registration");
    const response = await provider.rpc("ReadResource", {
      type_name: "acme_registration",
      current_state: provider.dynamicValue(block, null),
      private: Buffer.from("p"),
    });
    expect(Buffer.from(response.new_state.msgpack).toString("hex")).toBe("c0");
    expect(Buffer.from(response.private).toString()).toBe("p");
  });

  test("an unknown resource type is an error diagnostic, not a gRPC failure", async () => {
    const response = await provider.rpc(rpc.validateResource, { type_name: "acme_nope", config: { msgpack: Buffer.from([0x80]) } });
    expect(response.diagnostics.map((d: Message) => d.severity)).toEqual([ERROR]);
    expect(response.diagnostics[0].detail).toMatch(/acme_nope/);
  });

  test("an RPC this provider does not implement answers UNIMPLEMENTED", async () => {
    // GetMetadata is not in our .proto: call it by path with an empty message.
    const client = new grpc.Client(`unix://${provider.handshake.address}`, grpc.credentials.createSsl(
      Buffer.from(provider.serverCertificatePem()),
      Buffer.from(provider.identity!.privateKeyPem),
      Buffer.from(provider.identity!.certificatePem),
    ), { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" });
    try {
      const error = await new Promise<grpc.ServiceError>((resolve) => {
        client.makeUnaryRequest(
          `/tfplugin${protocol}.Provider/GetMetadata`,
          (x: Buffer) => x,
          (x: Buffer) => x,
          Buffer.alloc(0),
          { deadline: Date.now() + 5000 },
          (err) => resolve(err!),
        );
      });
      expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
    } finally {
      client.close();
    }
  });

  test(`${rpc.stop} answers an empty Error`, async () => {
    const response = await provider.rpc(rpc.stop);
    expect(response).toEqual({ Error: "" });
    // Still serving after Stop: Terraform sends Shutdown separately.
    expect(await provider.health()).toBe(SERVING);
  });

  test("stderr carries only JSON log lines with @level, @message and a microsecond @timestamp", async () => {
    // RPCs above were traced; "plugin server started" is logged at start-up.
    expect(provider.stderrLines.length).toBeGreaterThan(0);
    for (const line of provider.stderrLines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(["trace", "debug", "info", "warn", "error"]).toContain(entry["@level"]);
      expect(typeof entry["@message"]).toBe("string");
      expect(entry["@timestamp"]).toMatch(TIMESTAMP);
    }
    expect(provider.stderrLines.some((line) => JSON.parse(line)["@message"] === "plugin server started")).toBe(true);
  });

  describe("with ACME_SERVER_URL in the provider's environment", () => {
    let configured: ProviderProcess;
    beforeAll(async () => {
      configured = await ProviderProcess.start({ protocolVersions: versions, env: { ACME_SERVER_URL: SERVER_URL } });
    });
    afterAll(async () => {
      await configured?.kill();
    });

    test("configure without server_url succeeds", async () => {
      const block = (await configured.schemas()).provider;
      const response = await configured.rpc(rpc.configure, { terraform_version: "1.11.0", config: configured.dynamicValue(block, {}) });
      expect(response.diagnostics).toEqual([]);
    });

    test("acme_server_url validates and reads the configured URL", async () => {
      const block = await configured.dataSourceBlock("acme_server_url");
      const validated = await configured.rpc(rpc.validateDataSource, { type_name: "acme_server_url", config: configured.dynamicValue(block, {}) });
      expect(validated.diagnostics).toEqual([]);
      const response = await configured.rpc("ReadDataSource", { type_name: "acme_server_url", config: configured.dynamicValue(block, {}) });
      expect(response.diagnostics).toEqual([]);
      expect(configured.decode(block, response.state)).toEqual({ id: SERVER_URL, server_url: SERVER_URL });
    });

    test("server_url in the provider block wins over ACME_SERVER_URL", async () => {
      const other = await startForTest({ protocolVersions: versions, env: { ACME_SERVER_URL: SERVER_URL } });
      const block = (await other.schemas()).provider;
      await other.rpc(rpc.configure, { terraform_version: "1.11.0", config: other.dynamicValue(block, { server_url: "https://other.test/dir" }) });
      const dataBlock = await other.dataSourceBlock("acme_server_url");
      const response = await other.rpc("ReadDataSource", { type_name: "acme_server_url", config: other.dynamicValue(dataBlock, {}) });
      expect(other.decode(dataBlock, response.state)?.server_url).toBe("https://other.test/dir");
    });
  });

  test("Shutdown makes the process exit promptly, code 0, and removes the socket directory", async () => {
    const target = await startForTest({ protocolVersions: versions, env: { TF_LOG_PROVIDER: "DEBUG" } });
    expect(await target.health()).toBe(SERVING);
    const socketDir = dirname(target.handshake.address);
    const result = await target.shutdown();
    // Goal 100 ms (Terraform SIGKILLs after 2 s); asserted with headroom for loaded CI machines.
    console.log(`protocol ${protocol}: exit ${result.latencyMs.toFixed(1)} ms after the Shutdown ${result.answered ? "answer" : "request (no answer arrived)"}`);
    expect(result.latencyMs).toBeLessThan(500);
    expect(result.exit.code).toBe(0);
    expect(existsSync(socketDir)).toBe(false);
    expect(target.stderrLines.some((line) => JSON.parse(line)["@message"] === "shutdown requested by the client")).toBe(true);
  });

  // Exiting right after handing the answer to the HTTP/2 stream would drop it unsent (the client
  // would see UNAVAILABLE "Connection dropped").
  test("Shutdown's answer reaches the client before the process exits", async () => {
    // Two tries, every one must be answered.
    for (let attempt = 0; attempt < 2; attempt++) {
      const target = await startForTest({ protocolVersions: versions });
      const result = await target.shutdown();
      expect(result.error?.details).toBeUndefined();
      expect(result.answered).toBe(true);
    }
  });
});

describe("process lifecycle", () => {
  test("without PLUGIN_CLIENT_CERT the provider serves plain gRPC and the line ends with |grpc|", async () => {
    const provider = await startForTest({ noTls: true });
    expect(provider.handshake.line.endsWith("|grpc|")).toBe(true);
    expect(provider.handshake.certificate).toBe("");
    expect(await provider.health()).toBe(SERVING);
    const schema = await provider.rpc("GetProviderSchema");
    expect(Object.keys(schema.resource_schemas)).toContain("acme_registration");
  });

  test("with TLS, a client without the announced certificate is refused", async () => {
    const provider = await startForTest();
    const root = Buffer.from(provider.serverCertificatePem());
    const stranger = createClientIdentity();
    const attempts = {
      insecure: grpc.credentials.createInsecure(),
      "no client certificate": grpc.credentials.createSsl(root),
      "another client certificate": grpc.credentials.createSsl(root, Buffer.from(stranger.privateKeyPem), Buffer.from(stranger.certificatePem)),
    };
    for (const [name, credentials] of Object.entries(attempts)) {
      const outcome = await provider.callWith(credentials, "grpc.health.v1.Health", "Check", { service: "plugin" }, 3000).then(
        () => "answered",
        (error: grpc.ServiceError) => `refused (${grpc.status[error.code]})`,
      );
      expect({ name, outcome }).toEqual({ name, outcome: expect.stringMatching(/^refused/) });
    }
    // The announced identity still works.
    expect(await provider.health()).toBe(SERVING);
  });

  test("the server offers ALPN h2 (Terraform 1.12+ requires it)", async () => {
    const provider = await startForTest();
    const tls = await import("node:tls");
    const alpn = await new Promise<string | false>((resolve, reject) => {
      const socket = tls.connect({
        path: provider.handshake.address,
        servername: "localhost",
        ca: provider.serverCertificatePem(),
        key: provider.identity!.privateKeyPem,
        cert: provider.identity!.certificatePem,
        ALPNProtocols: ["h2"],
      });
      socket.on("secureConnect", () => {
        resolve(socket.alpnProtocol ?? false);
        socket.destroy();
      });
      socket.on("error", reject);
    });
    expect(alpn).toBe("h2");
  });

  test.each([
    ["a wrong cookie", { cookie: "0000" }],
    ["no cookie", { cookie: null }],
  ] as const)("%s: exit code 1, the human message on stderr, nothing on stdout", async (_name, options) => {
    const run = await runToExit(options);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/This binary is a plugin\. These are not meant to be executed directly\./);
  });

  test('an unsupported protocol ("7") fails the handshake naming the versions we speak', async () => {
    const run = await runToExit({ protocolVersions: "7" });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/6 and 5/);
    expect(run.stderr).toMatch(/"7"/);
  });

  test("without TF_LOG or TF_LOG_PROVIDER the provider writes nothing to stderr (Terraform would drop it)", async () => {
    const provider = await startForTest();
    await provider.rpc("GetProviderSchema");
    await provider.rpc("StopProvider");
    await provider.shutdown();
    expect(provider.stderrLines).toEqual([]);
  });

  test("TF_LOG_PROVIDER=WARN wins over TF_LOG=TRACE: no trace or debug line is written", async () => {
    const provider = await startForTest({ env: { TF_LOG: "TRACE", TF_LOG_PROVIDER: "WARN" } });
    await provider.rpc("GetProviderSchema");
    await provider.shutdown();
    expect(provider.stderrLines).toEqual([]);
    // The same RPCs under TF_LOG=DEBUG: debug lines, and still no trace line.
    const debug = await startForTest({ env: { TF_LOG: "DEBUG" } });
    await debug.rpc("GetProviderSchema");
    await debug.shutdown();
    const levels = debug.stderrLines.map((line) => JSON.parse(line)["@level"]);
    expect(levels).toContain("debug");
    expect(levels).not.toContain("trace");
  });

  test("SIGINT does not stop the provider (Terraform cancels through Stop)", async () => {
    const provider = await startForTest();
    expect(await provider.health()).toBe(SERVING);
    provider.signal("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(provider.hasExited).toBe(false);
    expect(await provider.health()).toBe(SERVING);
  });

  test("SIGTERM ends the provider with code 0 and removes the socket directory", async () => {
    const provider = await startForTest();
    const socketDir = dirname(provider.handshake.address);
    provider.signal("SIGTERM");
    const exit = await provider.exited;
    expect(exit.code).toBe(0);
    expect(existsSync(socketDir)).toBe(false);
  });

  test("the launcher execs node: the spawned pid is the node process", async () => {
    const provider = await startForTest();
    const { readFileSync } = await import("node:fs");
    const comm = readFileSync(`/proc/${provider.pid}/comm`, "utf8").trim();
    expect(comm).toMatch(/^node/);
  });

  test("the provider exits when its parent dies", async () => {
    const { parent, providerPid, handshake } = await startThroughParent();
    expect(handshake.protocol).toBe(6);
    expect(() => process.kill(providerPid, 0)).not.toThrow();
    parent.kill("SIGKILL");
    const tookMs = await waitForProcessGone(providerPid, 2_500);
    console.log(`provider gone ${tookMs.toFixed(0)} ms after its parent was killed`);
    expect(tookMs).toBeLessThan(2_500);
  });
});
