// What can be known about an acme_certificate's configuration before anything runs:
// conflicting arguments, invalid literals, and the dns_challenge blocks' settings.
// Unknown values (from other resources) are skipped, never judged.
import { isIP } from "node:net";
import { privateKeyProblem } from "../acme/keys.js";
import { isDnsName, MAX_WAIT_SECONDS } from "../shared/index.js";
import type { DnsChallengeProblem } from "../dns/index.js";
import { error, warning, type AttributePath, type Diagnostic } from "../plugin/diagnostics.js";
import { isUnknown, type TfObject } from "../plugin/values.js";
import { blocksOf, checkOneOf, numberOf, stringListOf, stringMapOf, stringOf } from "./attributes.js";
import { KEY_TYPES, REVOCATION_REASONS } from "./certificate-schema.js";
import { parseNameserver } from "./nameservers.js";

export async function validateCertificateConfig(config: TfObject, env: Readonly<NodeJS.ProcessEnv>): Promise<Diagnostic[]> {
  const diagnostics = [
    ...checkOneOf(config, "key_type", KEY_TYPES),
    ...checkOneOf(config, "revoke_certificate_reason", REVOCATION_REASONS),
    ...namesProblems(config),
    ...numbersProblems(config),
    ...(await pemProblems(config)),
    ...nameserverProblems(config),
    ...conflictProblems(config),
    ...(await dnsChallengeProblems(config, env)),
  ];
  return diagnostics;
}

/** A dns_challenge problem as a diagnostic pointing at the block's setting. */
export function dnsProblemDiagnostic(problem: DnsChallengeProblem): Diagnostic {
  let path: AttributePath;
  if (problem.block === undefined) path = ["recursive_nameservers"];
  else if (problem.setting === undefined) path = ["dns_challenge", problem.block, "provider"];
  else path = ["dns_challenge", problem.block, "config", { key: problem.setting }];
  return (problem.severity === "warning" ? warning : error)(problem.summary, problem.detail, path);
}

function namesProblems(config: TfObject): Diagnostic[] {
  const csrGiven = config.certificate_request_pem !== null;
  const conflicts = ["common_name", "subject_alternative_names", "key_type"].filter((name) => config[name] !== null);
  if (csrGiven && conflicts.length > 0) {
    return conflicts.map((name) =>
      error(
        `Conflicting ${name}`,
        `${name} cannot be used with certificate_request_pem: the names and the key come from the CSR. Remove ${name}, or remove certificate_request_pem to let the provider make the key.`,
        [name],
      ),
    );
  }
  if (!csrGiven && config.common_name === null && config.subject_alternative_names === null) {
    return [error("No names to certify", "Set common_name (and optionally subject_alternative_names), or certificate_request_pem.", ["common_name"])];
  }
  const diagnostics: Diagnostic[] = [];
  const commonName = stringOf(config, "common_name");
  if (commonName !== undefined) diagnostics.push(...nameProblems(commonName, ["common_name"]));
  for (const name of stringListOf(config, "subject_alternative_names") ?? []) {
    diagnostics.push(...nameProblems(name, ["subject_alternative_names"]));
  }
  return diagnostics;
}

function nameProblems(name: string, path: [string, ...AttributePath]): Diagnostic[] {
  const argument = path[0];
  if (isIP(name)) return [error("IP addresses cannot be certified here", `${argument}: ${name} is an IP address; DNS-01 challenges validate DNS names only.`, path)];
  // ACME identifiers are written without a trailing dot (RFC 8555 7.1.4), and CAs reject "example.com.".
  if (name.endsWith(".") && isDnsName(name.slice(0, -1), { wildcard: true })) {
    return [error("Invalid domain name", `${argument}: ${JSON.stringify(name)} ends with a dot: write it without one (${JSON.stringify(name.slice(0, -1))}), as ACME servers expect.`, path)];
  }
  if (!isDnsName(name, { wildcard: true })) {
    return [error("Invalid domain name", `${argument}: ${JSON.stringify(name)} is not a valid DNS name (a wildcard is allowed only as the first label, like *.example.com).`, path)];
  }
  return [];
}

/** Far beyond any CA's limit (public CAs: 398 days at most), far inside Date's range. */
const MAX_VALIDITY_DAYS = 36_500;

function numbersProblems(config: TfObject): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const within = (name: string, minimum: number, maximum: number, what: string) => {
    const value = numberOf(config, name);
    if (value !== undefined && (value < minimum || value > maximum || !Number.isInteger(value))) {
      diagnostics.push(error(`Invalid ${name}`, `${name} must be a whole number of ${what} from ${minimum} to ${maximum}; got ${value}.`, [name]));
    }
  };
  within("cert_timeout", 1, MAX_WAIT_SECONDS, "seconds");
  within("pre_check_delay", 0, MAX_WAIT_SECONDS, "seconds");
  within("propagation_wait", 0, MAX_WAIT_SECONDS, "seconds");
  // The reference's range: apply may wait at most 15 minutes for the selected moment.
  within("renewal_info_max_sleep", 0, 900, "seconds");
  // A date, not a timer: bounded only so that the order's notAfter stays a valid date.
  within("validity_days", 1, MAX_VALIDITY_DAYS, "days");
  const validityDays = numberOf(config, "validity_days");
  const minDays = isUnknown(config.min_days_remaining) ? undefined : (numberOf(config, "min_days_remaining") ?? 30);
  if (validityDays !== undefined && minDays !== undefined && config.min_days_dynamic !== true && validityDays <= minDays) {
    diagnostics.push(
      error(
        "Invalid validity_days",
        `validity_days (${validityDays}) must be greater than min_days_remaining (${minDays}${config.min_days_remaining === null ? ", the default" : ""}): a certificate that short would be renewed at every plan. Raise validity_days, lower min_days_remaining, or set min_days_dynamic = true.`,
        ["validity_days"],
      ),
    );
  }
  return diagnostics;
}

/** Arguments the reference lets be set only one at a time, and dns_challenge providers given twice. */
function conflictProblems(config: TfObject): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const pairs: [string, string, string][] = [
    ["min_days_dynamic", "min_days_remaining", "min_days_dynamic derives the renewal threshold from the certificate's lifetime"],
    ["propagation_wait", "pre_check_delay", "propagation_wait replaces the propagation check that pre_check_delay delays"],
  ];
  for (const [name, other, why] of pairs) {
    if (config[name] !== null && config[other] !== null && !isUnknown(config[name]) && !isUnknown(config[other])) {
      diagnostics.push(error(`Conflicting ${name}`, `${name} cannot be used with ${other}: ${why}. Remove one of them.`, [name]));
    }
  }
  const seen = new Set<string>();
  blocksOf(config, "dns_challenge").forEach((block, index) => {
    const provider = stringOf(block, "provider");
    if (provider === undefined) return;
    if (seen.has(provider)) {
      diagnostics.push(
        error(
          "Duplicate dns_challenge provider",
          `Two dns_challenge blocks use the provider "${provider}". Use one block per provider; a provider's settings go in its one config map.`,
          ["dns_challenge", index, "provider"],
        ),
      );
    }
    seen.add(provider);
  });
  return diagnostics;
}

async function pemProblems(config: TfObject): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const accountKey = stringOf(config, "account_key_pem");
  const keyProblem = accountKey === undefined ? undefined : privateKeyProblem(accountKey);
  if (keyProblem) diagnostics.push(error("Invalid account_key_pem", `account_key_pem is not a valid PEM private key: ${keyProblem}.`, ["account_key_pem"]));
  const csr = stringOf(config, "certificate_request_pem");
  if (csr !== undefined) {
    const { readCsr } = await import("../acme/csr.js");
    try {
      await readCsr(csr);
    } catch (cause) {
      diagnostics.push(error("Invalid certificate_request_pem", `certificate_request_pem: ${(cause as Error).message}.`, ["certificate_request_pem"]));
    }
  }
  return diagnostics;
}

function nameserverProblems(config: TfObject): Diagnostic[] {
  const servers = stringListOf(config, "recursive_nameservers");
  if (!servers) return [];
  return servers.flatMap((server, index) => {
    return parseNameserver(server)
      ? []
      : [
          error(
            "Invalid recursive_nameservers",
            `${JSON.stringify(server)} must be an IP address or a host name, with an optional port from 1 to 65535: 192.0.2.53, 192.0.2.53:53, [2001:db8::53]:53 or localhost:53.`,
            ["recursive_nameservers", index],
          ),
        ];
  });
}

/** The names the certificate is for, when every one is known (from the arguments or the CSR). */
async function knownNames(config: TfObject): Promise<string[] | undefined> {
  if (isUnknown(config.certificate_request_pem) || isUnknown(config.common_name) || isUnknown(config.subject_alternative_names)) return undefined;
  const csr = stringOf(config, "certificate_request_pem");
  if (csr !== undefined) {
    const { readCsr } = await import("../acme/csr.js");
    return readCsr(csr).then(
      ({ names }) => names,
      () => undefined, // reported by pemProblems
    );
  }
  const sans = stringListOf(config, "subject_alternative_names");
  if (sans === undefined && config.subject_alternative_names !== null) return undefined; // an element is unknown
  const commonName = stringOf(config, "common_name");
  return [...(commonName ? [commonName] : []), ...(sans ?? [])];
}

async function dnsChallengeProblems(config: TfObject, env: Readonly<NodeJS.ProcessEnv>): Promise<Diagnostic[]> {
  if (isUnknown(config.dns_challenge)) return [];
  const blocks = blocksOf(config, "dns_challenge");
  if (blocks.length === 0) {
    return [
      error(
        "No dns_challenge block",
        'acme_certificate needs at least one dns_challenge block, e.g. dns_challenge { provider = "exec" config = { EXEC_PATH = "./update-dns.sh" } }.',
      ),
    ];
  }
  const { validateDnsChallenges } = await import("../dns/index.js");
  const problems = await validateDnsChallenges(
    blocks.map((block) => ({
      provider: stringOf(block, "provider"),
      config: isUnknown(block.config) ? undefined : (stringMapOf(block, "config") ?? {}),
    })),
    env,
    await knownNames(config),
  );
  return problems.map(dnsProblemDiagnostic);
}
