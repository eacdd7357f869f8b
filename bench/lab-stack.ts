// What the lab benchmarks share: unique names in the lab's zone, the exec program's
// settings (examples/exec/nsupdate.sh, the same for acme-tf and lego), and a Terraform
// stack of an account and N certificates answered by that program.
import { randomBytes } from "node:crypto";
import type { RunningLab } from "../test/lab/lab.js";

const EXEC_PROGRAM = new URL("../examples/exec/nsupdate.sh", import.meta.url).pathname;
/** The same for both clients. */
const POLLING_INTERVAL_S = "1";
const PROPAGATION_TIMEOUT_S = "60";

export function uniqueName(prefix: string, lab: RunningLab): string {
  return `${prefix}-${randomBytes(4).toString("hex")}.${lab.zone}`;
}

/** The exec program's settings: its own (NSUPDATE_*) and the timings, the same for both clients. */
export function execSettings(lab: RunningLab): Record<string, string> {
  return {
    EXEC_PATH: EXEC_PROGRAM,
    EXEC_POLLING_INTERVAL: POLLING_INTERVAL_S,
    EXEC_PROPAGATION_TIMEOUT: PROPAGATION_TIMEOUT_S,
    NSUPDATE_SERVER: lab.authoritative,
    NSUPDATE_KEY_FILE: lab.tsigKeyFile,
  };
}

/**
 * An account and one certificate per entry of var.certificates (names, common name first).
 * The account key is generated on `accountKeyCurve` (the provider's default, P384, when absent).
 */
export const CERTIFICATE_STACK = (lab: RunningLab, accountKeyCurve?: string) => `terraform {
  required_providers {
    acme = {
      source = "registry.terraform.io/acme-tf/acme"
    }
  }
}

variable "certificates" {
  description = "One certificate per entry: its names, common name first."
  type        = list(list(string))
}

variable "full_check" {
  description = "Check every authoritative nameserver (false: disable_complete_propagation, as lego --dns.disable-cp)."
  type        = bool
}

provider "acme" {
  server_url = "${lab.acmeDirectory}"
}

resource "acme_registration" "account" {
  email_address = "x@acme-tf.test"
${accountKeyCurve ? `  account_key_ecdsa_curve = "${accountKeyCurve}"\n` : ""}}

resource "acme_certificate" "certificate" {
  for_each = { for index, names in var.certificates : tostring(index) => names }

  account_key_pem              = acme_registration.account.account_key_pem
  common_name                  = each.value[0]
  subject_alternative_names    = length(each.value) > 1 ? slice(each.value, 1, length(each.value)) : null
  key_type                     = "P256"
  recursive_nameservers        = ["${lab.resolver}"]
  disable_complete_propagation = !var.full_check

  dns_challenge {
    provider = "exec"
    config = ${hclMap(execSettings(lab), "    ")}
  }
}
`;

function hclMap(values: Record<string, string>, indent: string): string {
  const lines = Object.entries(values).map(([key, value]) => `${indent}  ${key} = ${JSON.stringify(value)}`);
  return `{\n${lines.join("\n")}\n${indent}}`;
}
