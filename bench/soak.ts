// Soak: N certificates (default 500) issued, renewed and destroyed (revoked) through the
// real terraform CLI against a lab Pebble rejecting 20% of nonces, answered by the exec
// program (examples/exec/nsupdate.sh). Prints what must stay zero - failed certificates,
// TXT records left in the zone, exec programs still running - and the wall time of each
// phase. A report, not a test: it always exits 0.
//
//   npm run build && npx tsx bench/soak.ts [--count 500] [--parallelism 20]
import { execa } from "execa";
import { loadavg } from "node:os";
import { dig } from "../test/lab/dns-tools.js";
import { startLab, type RunningLab } from "../test/lab/lab.js";
import type { TerraformResult } from "../test/terraform/workspace.js";
import { execSettings, uniqueName } from "./lab-stack.js";
import { positiveIntegerFlag } from "./measure.js";
import { ProviderSnapshot } from "./provider-snapshot.js";

const NONCE_REJECT_PERCENT = 20;

function stack(lab: RunningLab): string {
  const settings = Object.entries(execSettings(lab))
    .map(([key, value]) => `      ${key} = ${JSON.stringify(value)}`)
    .join("\n");
  return `terraform {
  required_providers {
    acme = {
      source = "registry.terraform.io/acme-tf/acme"
    }
  }
}

variable "names" {
  type = list(string)
}

variable "min_days" {
  type = number
}

provider "acme" {
  server_url = "${lab.acmeDirectory}"
}

resource "acme_registration" "account" {
  email_address = "soak@acme-tf.test"
}

resource "acme_certificate" "certificate" {
  for_each = toset(var.names)

  account_key_pem       = acme_registration.account.account_key_pem
  common_name           = each.value
  key_type              = "P256"
  min_days_remaining    = var.min_days
  recursive_nameservers = ["${lab.resolver}"]

  dns_challenge {
    provider = "exec"
    config = {
${settings}
    }
  }
}
`;
}

/** What terraform reported as failed: its "Error:" diagnostics (at least 1 when it failed). */
function failures(result: TerraformResult): number {
  const errors = (`${result.stdout}\n${result.stderr}`.match(/(?:^|\n)(?:│ )?Error: /g) ?? []).length;
  return result.exitCode === 0 ? errors : Math.max(errors, 1);
}

async function main(): Promise<void> {
  const count = positiveIntegerFlag(process.argv, "--count", 500);
  const parallelism = positiveIntegerFlag(process.argv, "--parallelism", 20);
  const provider = ProviderSnapshot.create();
  const lab = await startLab({ pebble: { nonceReject: NONCE_REJECT_PERCENT } });
  const workspace = provider.workspace({ NODE_EXTRA_CA_CERTS: lab.caCertPath });
  try {
    const names = Array.from({ length: count }, () => uniqueName("soak", lab));
    workspace.write("main.tf", stack(lab));
    await workspace.init();
    const rows: [string, number, number][] = [];
    const phase = async (label: string, args: string[], minDays: number) => {
      workspace.write("terraform.tfvars.json", JSON.stringify({ names, min_days: minDays }));
      const started = performance.now();
      const result = await workspace.run([...args, "-auto-approve", "-input=false", "-no-color", `-parallelism=${parallelism}`]);
      rows.push([label, failures(result), (performance.now() - started) / 1000]);
    };
    const wall = performance.now();
    await phase("issue", ["apply"], 30);
    // min_days_remaining beyond any lifetime: the plan renews every certificate in place.
    await phase("renew", ["apply"], 100_000);
    await phase("destroy (revoke)", ["destroy"], 100_000);
    const wallSeconds = (performance.now() - wall) / 1000;

    // A few queries at a time: 500 at once overrun the lab's bind9 (dig gets no answer within its second).
    let leftRecords = 0;
    for (let at = 0; at < names.length; at += 10) {
      const batch = names.slice(at, at + 10);
      const counts = await Promise.all(batch.map(async (name) => (await dig(lab.authoritative, `_acme-challenge.${name}.`, "TXT")).filter((answer) => answer.type === "TXT").length));
      leftRecords += counts.reduce((sum, n) => sum + n, 0);
    }
    const program = execSettings(lab).EXEC_PATH!;
    const leftProcesses = (await execa("pgrep", ["-f", program], { reject: false })).stdout.split("\n").filter(Boolean).length;

    console.log(`soak: ${count} certificates, ${NONCE_REJECT_PERCENT}% of nonces rejected, parallelism ${parallelism}, load ${loadavg()[0]!.toFixed(1)}`);
    console.log("phase              failures   seconds");
    for (const [label, failed, seconds] of rows) console.log(`${label.padEnd(18)} ${String(failed).padStart(8)}   ${seconds.toFixed(1).padStart(7)}`);
    console.log(`orphan TXT records: ${leftRecords} (goal 0)`);
    console.log(`orphan exec programs: ${leftProcesses} (goal 0)`);
    console.log(`wall time: ${wallSeconds.toFixed(1)} s (${(wallSeconds / count).toFixed(2)} s per certificate for issue + renew + revoke)`);
  } finally {
    workspace.remove();
    await lab.stop();
    provider.remove();
  }
}

await main();
