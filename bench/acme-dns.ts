// acme-dns issuance benchmark: one name with its wildcard through an acme-dns server,
// next to the exec path through the same Pebble in the same run, and against the floor.
// Debian's lego is built without its acme-dns provider, so there is no lego column here
// (bench/issuance.ts compares the exec path with lego).
//
//   npm run build && npx tsx bench/acme-dns.ts [--runs 5]
//
// The lab (Pebble, bind9, unbound) plus the acme-dns stand-in serving the lab's delegated
// zone on port 53, so that Pebble follows `_acme-challenge.<name> CNAME <fulldomain>`
// through unbound as in production. Every run uses a name of its own, with its account and
// CNAME prepared beforehand (not timed). Scenarios, apex + wildcard each:
//   engine, acme-dns   issueCertificate in this process, both values in one round
//   engine, exec       the same with examples/exec/nsupdate.sh, one value per round
//   apply, acme-dns    `terraform apply` of an account and a certificate (credentials JSON)
//   apply, exec        the same stack with the exec provider
//   apply, example     examples/acme-dns: acme_dns_registration + CNAME + certificate
// The floor is the sum of the round trips an acme-dns issuance makes: the engine's ACME
// requests as timed in its own runs (trace log), plus two /update calls and the DNS
// queries (CNAME check, zone walk, NS, address, TXT; Pebble's lookup) timed one by one.
// Pebble's own work (validation, signing) is not in it: the floor is a lower bound.
//
// A report, not a test: it always exits 0.
import { randomBytes } from "node:crypto";
import { promises as dns } from "node:dns";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { createAccount } from "../src/acme/accounts.js";
import { issueCertificate } from "../src/acme/certificates.js";
import { generateAccountKey } from "../src/acme/keys.js";
import { updateTxt } from "../src/dns/acme-dns/api.js";
import type { DnsChallengeBlock } from "../src/dns/index.js";
import { createDnsSolver } from "../src/dns/runtime.js";
import { jsonLineLogger, type Logger } from "../src/log/logger.js";
import { startAcmeDnsServer, type AcmeDnsServer, type Credentials } from "../test/acme-dns-server/server.js";
import { nsupdate, startLab, type RunningLab } from "../test/lab/lab.js";
import { TerraformWorkspace } from "../test/terraform/workspace.js";
import { median, positiveIntegerFlag, Series } from "./measure.js";

const EXEC_PROGRAM = new URL("../examples/exec/nsupdate.sh", import.meta.url).pathname;
const EXAMPLE = new URL("../examples/acme-dns/", import.meta.url).pathname;
const POLLING_INTERVAL_S = "1";
/** DNS questions of one acme-dns issuance besides Pebble's: CNAME check, CNAME follow, SOA x2, NS, A, TXT; + Pebble's TXT. */
const DNS_QUERIES = 8;
const UPDATES = 2;

const seconds = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(3));
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** A logger that adds up the ACME requests' own timings ("ACME request" trace lines). */
function acmeRequestClock(): { logger: Logger; requests: () => { count: number; ms: number } } {
  let count = 0;
  let ms = 0;
  const logger = jsonLineLogger((line) => {
    if (!line.includes('"ACME request"')) return;
    count++;
    ms += Number((JSON.parse(line) as { ms?: number }).ms ?? 0);
  });
  return { logger, requests: () => ({ count, ms }) };
}

class Bench {
  private accountKeyPem = "";
  private readonly caCertPem: string;

  constructor(
    readonly lab: RunningLab,
    readonly server: AcmeDnsServer,
  ) {
    this.caCertPem = readFileSync(lab.caCertPath, "utf8");
  }

  async createAccount(): Promise<void> {
    this.accountKeyPem = await generateAccountKey({ algorithm: "ECDSA", curve: "P256" });
    await createAccount({ directoryUrl: this.lab.acmeDirectory, accountKeyPem: this.accountKeyPem, caCertPem: this.caCertPem, signal: AbortSignal.timeout(30_000), logger: jsonLineLogger(() => undefined) });
  }

  name(prefix: string): string {
    return `${prefix}-${randomBytes(4).toString("hex")}.${this.lab.zone}`;
  }

  /** Untimed: an acme-dns account for `domain`, and the CNAME delegating to it. */
  async delegated(domain: string): Promise<Credentials> {
    const account = await this.server.register();
    await nsupdate(this.lab, [`update add _acme-challenge.${domain}. 1 CNAME ${account.fulldomain}.`]);
    return account;
  }

  acmeDnsConfig(domain: string, account: Credentials): Record<string, string> {
    return { ACME_DNS_API_BASE: this.server.apiBase, ACME_DNS_STORAGE_JSON: JSON.stringify({ [domain]: account }), ACME_DNS_POLLING_INTERVAL: POLLING_INTERVAL_S };
  }

  execConfig(): Record<string, string> {
    return { EXEC_PATH: EXEC_PROGRAM, EXEC_POLLING_INTERVAL: POLLING_INTERVAL_S, EXEC_PROPAGATION_TIMEOUT: "60", NSUPDATE_SERVER: this.lab.authoritative, NSUPDATE_KEY_FILE: this.lab.tsigKeyFile };
  }

  /** issueCertificate in this process, for `domain` and its wildcard. */
  async issue(domain: string, block: DnsChallengeBlock, logger: Logger): Promise<void> {
    const solver = await createDnsSolver({
      blocks: [block],
      propagation: { recursiveNameservers: [this.lab.resolver], disableCompletePropagation: false, preCheckDelay: 0, propagationWait: 0 },
      env: { PATH: process.env.PATH },
      logger,
    });
    if (!solver.ok) throw new Error(solver.problems.map((p) => `${p.summary}: ${p.detail}`).join("; "));
    await issueCertificate({
      directoryUrl: this.lab.acmeDirectory,
      accountKeyPem: this.accountKeyPem,
      caCertPem: this.caCertPem,
      names: [domain, `*.${domain}`],
      keyType: "P256",
      solver: solver.solver,
      signal: AbortSignal.timeout(120_000),
      logger,
    });
  }
}

function stack(bench: Bench, provider: "acme-dns" | "exec"): string {
  const config =
    provider === "acme-dns"
      ? `{\n      ACME_DNS_API_BASE         = ${JSON.stringify(bench.server.apiBase)}\n      ACME_DNS_STORAGE_JSON     = var.credentials\n      ACME_DNS_POLLING_INTERVAL = "${POLLING_INTERVAL_S}"\n    }`
      : `{\n${Object.entries(bench.execConfig())
          .map(([key, value]) => `      ${key} = ${JSON.stringify(value)}`)
          .join("\n")}\n    }`;
  return `terraform {
  required_providers {
    acme = {
      source = "registry.terraform.io/acme-tf/acme"
    }
  }
}

variable "domain" {
  type = string
}

variable "credentials" {
  type      = string
  sensitive = true
  default   = "{}"
}

provider "acme" {
  server_url = ${JSON.stringify(bench.lab.acmeDirectory)}
}

resource "acme_registration" "account" {
  email_address = "x@acme-tf.test"
}

resource "acme_certificate" "certificate" {
  account_key_pem           = acme_registration.account.account_key_pem
  common_name               = var.domain
  subject_alternative_names = ["*.\${var.domain}"]
  key_type                  = "P256"
  recursive_nameservers     = [${JSON.stringify(bench.lab.resolver)}]

  dns_challenge {
    provider = "${provider}"
    config = ${config}
  }
}
`;
}

/** A workspace applied again and again, its state forgotten in between (not timed). */
class Stack {
  readonly workspace: TerraformWorkspace;
  constructor(lab: RunningLab, mainTf: string) {
    this.workspace = new TerraformWorkspace({ NODE_EXTRA_CA_CERTS: lab.caCertPath });
    this.workspace.write("main.tf", mainTf);
  }

  async apply(variables: Record<string, unknown>): Promise<void> {
    this.workspace.write("terraform.tfvars.json", JSON.stringify(variables));
    await this.workspace.apply();
  }

  forget(): void {
    for (const file of ["terraform.tfstate", "terraform.tfstate.backup"]) rmSync(join(this.workspace.dir, file), { force: true });
  }
}

async function timeEach(times: number, run: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    out.push(performance.now() - started);
  }
  return out;
}

function machine(): string {
  return [`date: ${new Date().toISOString()}`, `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"})`, `node ${process.version}`].join("\n");
}

async function main(): Promise<void> {
  const runs = positiveIntegerFlag(process.argv.slice(2), "--runs", 5);
  if (!existsSync(new URL("../dist/cli/provider.js", import.meta.url))) {
    process.stdout.write("dist/ is missing: run `npm run build` first.\n");
    return;
  }
  process.stdout.write(`${machine()}\nruns: ${runs}\n\n==> Starting the lab and the acme-dns stand-in\n`);
  const lab = await startLab();
  let server: AcmeDnsServer | undefined;
  const stacks: Stack[] = [];
  const rows: string[] = [];
  try {
    server = await startAcmeDnsServer({ domain: lab.acmeDnsZone!, dnsAddress: lab.acmeDnsAddress!, dnsPort: 53 });
    const bench = new Bench(lab, server);
    await bench.createAccount();
    const quiet = jsonLineLogger(() => undefined);
    const acmeDnsStack = new Stack(lab, stack(bench, "acme-dns"));
    const execStack = new Stack(lab, stack(bench, "exec"));
    const exampleStack = new Stack(lab, readFileSync(join(EXAMPLE, "main.tf"), "utf8"));
    stacks.push(acmeDnsStack, execStack, exampleStack);
    for (const { workspace } of stacks) await workspace.init();

    // Warm-up: module loading, JIT, the first TLS connection.
    const warm = bench.name("warm");
    await bench.issue(warm, { provider: "acme-dns", config: bench.acmeDnsConfig(warm, await bench.delegated(warm)) }, quiet);

    const series = {
      engineAcmeDns: new Series("engine, acme-dns"),
      engineExec: new Series("engine, exec"),
      applyAcmeDns: new Series("terraform apply, acme-dns"),
      applyExec: new Series("terraform apply, exec"),
      applyExample: new Series("terraform apply, examples/acme-dns"),
    };
    const acmeRoundTrips: { count: number; ms: number }[] = [];

    process.stdout.write(`\n==> ${runs} runs of each scenario (apex + wildcard)\n`);
    for (let run = 0; run < runs; run++) {
      const a = bench.name("engine-adns");
      const account = await bench.delegated(a);
      const clock = acmeRequestClock();
      await series.engineAcmeDns.time(() => bench.issue(a, { provider: "acme-dns", config: bench.acmeDnsConfig(a, account) }, clock.logger));
      acmeRoundTrips.push(clock.requests());

      await series.engineExec.time(() => bench.issue(bench.name("engine-exec"), { provider: "exec", config: bench.execConfig() }, quiet));

      const b = bench.name("apply-adns");
      const applyAccount = await bench.delegated(b);
      await series.applyAcmeDns.time(() => acmeDnsStack.apply({ domain: b, credentials: JSON.stringify({ [b]: applyAccount }) }));
      acmeDnsStack.forget();

      await series.applyExec.time(() => execStack.apply({ domain: bench.name("apply-exec") }));
      execStack.forget();

      const c = bench.name("apply-example");
      exampleStack.workspace.write("main.tf", readFileSync(join(EXAMPLE, "main.tf"), "utf8"));
      await series.applyExample.time(() =>
        exampleStack.apply({
          server_url: lab.acmeDirectory,
          acme_dns_url: bench.server.apiBase,
          domain: c,
          nsupdate_server: lab.authoritative,
          nsupdate_zone: lab.zone,
          tsig_key_file: lab.tsigKeyFile,
          recursive_nameservers: [lab.resolver],
        }),
      );
      exampleStack.forget();
      process.stdout.write(`    run ${run + 1}/${runs} done\n`);
    }

    process.stdout.write("\n==> The floor's round trips, one at a time\n");
    const floorDomain = bench.name("floor");
    const floorAccount = await bench.delegated(floorDomain);
    const endpoint = { apiBase: bench.server.apiBase, setting: "ACME_DNS_API_BASE", timeoutSeconds: 10 };
    const value = randomBytes(32).toString("base64url").slice(0, 43);
    const update = median(await timeEach(20, () => updateTxt(endpoint, floorAccount, value, AbortSignal.timeout(10_000))))!;
    const resolver = new dns.Resolver();
    resolver.setServers([lab.resolver]);
    const query = median(await timeEach(20, async () => void (await resolver.resolveTxt(floorAccount.fulldomain))))!;
    const acmeMs = median(acmeRoundTrips.map((trip) => trip.ms)) ?? 0;
    const acmeCount = median(acmeRoundTrips.map((trip) => trip.count)) ?? 0;
    const floor = acmeMs + UPDATES * update + DNS_QUERIES * query;

    const line = (label: string, ms: number | undefined, extra = "") => rows.push(`| ${label} | ${seconds(ms)} | ${extra} |`);
    const vs = (s: Series, other: Series) => (s.median !== undefined && other.median !== undefined ? `${(s.median / other.median).toFixed(2)}x the exec path` : "");
    const overFloor = (s: Series) => (s.median !== undefined ? `${(s.median / floor).toFixed(1)}x the floor` : "");
    const range = (s: Series) => (s.times.length ? `${seconds(Math.min(...s.times))}-${seconds(Math.max(...s.times))}, n=${s.times.length}` : "no run");
    rows.push("| Scenario (apex + wildcard) | median s | notes |", "| --- | --- | --- |");
    line(series.engineAcmeDns.label, series.engineAcmeDns.median, `${range(series.engineAcmeDns)}; ${vs(series.engineAcmeDns, series.engineExec)}; ${overFloor(series.engineAcmeDns)}`);
    line(series.engineExec.label, series.engineExec.median, `${range(series.engineExec)}; two rounds (one value per name)`);
    line(series.applyAcmeDns.label, series.applyAcmeDns.median, `${range(series.applyAcmeDns)}; ${vs(series.applyAcmeDns, series.applyExec)}`);
    line(series.applyExec.label, series.applyExec.median, range(series.applyExec));
    line(series.applyExample.label, series.applyExample.median, `${range(series.applyExample)}; registration + CNAME (nsupdate) + certificate`);
    line("floor: sum of the round trips", floor, `${acmeCount} ACME requests ${ms(acmeMs)} + ${UPDATES} x /update ${ms(update)} + ${DNS_QUERIES} x DNS query ${ms(query)} (Pebble's own work not included)`);
    for (const s of Object.values(series)) if (s.failures.length > 0) rows.push(`\n${s.label}: ${s.failures.length} failed run(s)`);
  } catch (cause) {
    process.stdout.write(`\nbenchmark stopped early: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}\n`);
  } finally {
    for (const { workspace } of stacks) workspace.remove();
    await server?.stop();
    await lab.stop();
  }
  process.stdout.write(`\n==> Results (wall time)\n${rows.join("\n")}\n`);
}

main()
  .catch((cause: unknown) => process.stdout.write(`benchmark failed: ${cause instanceof Error ? cause.message : String(cause)}\n`))
  .finally(() => process.exit(0));

