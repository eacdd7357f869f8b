// What can be known about an acme_certificate's configuration before anything runs,
// beyond the literal checks its declarations carry (certificate-attributes.ts): that it
// names something to certify, validity against the renewal threshold, that its CSR
// parses, and the dns_challenge blocks (one per provider, their settings).
// Unknown values (from other resources) are skipped, never judged.
import type { DnsChallengeProblem } from "../dns/index.js";
import { error, isUnknown, warning, type AttributePath, type Diagnostic } from "../plugin/index.js";
import type { ConfigurationOf } from "../provider/declarations.js";
import type { certificateAttributes } from "./certificate-attributes.js";

type Config = ConfigurationOf<typeof certificateAttributes>;

export async function validateCertificateConfig(config: Config, env: Readonly<NodeJS.ProcessEnv>): Promise<Diagnostic[]> {
  return [...namesGiven(config), ...validityProblems(config), ...(await csrProblems(config)), ...duplicateProviders(config), ...(await dnsChallengeProblems(config, env))];
}

/** A dns_challenge problem as a diagnostic pointing at the block's setting. */
export function dnsProblemDiagnostic(problem: DnsChallengeProblem): Diagnostic {
  let path: AttributePath;
  if (problem.block === undefined) path = ["recursive_nameservers"];
  else if (problem.setting === undefined) path = ["dns_challenge", problem.block, "provider"];
  else path = ["dns_challenge", problem.block, "config", { key: problem.setting }];
  return (problem.severity === "warning" ? warning : error)(problem.summary, problem.detail, path);
}

function namesGiven(config: Config): Diagnostic[] {
  if (config.certificate_request_pem !== null || config.common_name !== null || config.subject_alternative_names !== null) return [];
  return [error("No names to certify", "Set common_name (and optionally subject_alternative_names), or certificate_request_pem.", ["common_name"])];
}

/** A certificate shorter than the renewal threshold would be renewed at every plan. */
function validityProblems(config: Config): Diagnostic[] {
  const validityDays = config.validity_days;
  if (typeof validityDays !== "number" || isUnknown(config.min_days_remaining) || config.min_days_dynamic === true) return [];
  const minDays = config.min_days_remaining ?? 30;
  if (validityDays > minDays) return [];
  return [
    error(
      "Invalid validity_days",
      `validity_days (${validityDays}) must be greater than min_days_remaining (${minDays}${config.min_days_remaining === null ? ", the default" : ""}): a certificate that short would be renewed at every plan. Raise validity_days, lower min_days_remaining, or set min_days_dynamic = true.`,
      ["validity_days"],
    ),
  ];
}

/** Two dns_challenge blocks for one provider. */
function duplicateProviders(config: Config): Diagnostic[] {
  if (isUnknown(config.dns_challenge)) return [];
  const seen = new Set<string>();
  return config.dns_challenge.flatMap((block, index) => {
    const provider = block.provider;
    if (typeof provider !== "string") return [];
    const duplicate = seen.has(provider);
    seen.add(provider);
    return duplicate
      ? [
          error(
            "Duplicate dns_challenge provider",
            `Two dns_challenge blocks use the provider "${provider}". Use one block per provider; a provider's settings go in its one config map.`,
            ["dns_challenge", index, "provider"],
          ),
        ]
      : [];
  });
}

async function csrProblems(config: Config): Promise<Diagnostic[]> {
  const csr = config.certificate_request_pem;
  if (typeof csr !== "string") return [];
  const { readCsr } = await import("../acme/issuance.js");
  try {
    await readCsr(csr);
    return [];
  } catch (cause) {
    return [error("Invalid certificate_request_pem", `certificate_request_pem: ${(cause as Error).message}.`, ["certificate_request_pem"])];
  }
}

/** The names the certificate is for, when every one is known (from the arguments or the CSR). */
async function knownNames(config: Config): Promise<string[] | undefined> {
  const { certificate_request_pem: csr, common_name: commonName, subject_alternative_names: sans } = config;
  if (isUnknown(csr) || isUnknown(commonName) || isUnknown(sans)) return undefined;
  if (csr !== null) {
    const { readCsr } = await import("../acme/issuance.js");
    return readCsr(csr).then(
      ({ names }) => names,
      () => undefined, // reported by csrProblems
    );
  }
  if (sans?.some(isUnknown)) return undefined;
  return [...(commonName ? [commonName] : []), ...(sans ?? [])];
}

async function dnsChallengeProblems(config: Config, env: Readonly<NodeJS.ProcessEnv>): Promise<Diagnostic[]> {
  const blocks = config.dns_challenge;
  if (isUnknown(blocks)) return [];
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
      provider: typeof block.provider === "string" ? block.provider : undefined,
      config: isUnknown(block.config) ? undefined : knownSettings(block.config ?? {}),
    })),
    env,
    await knownNames(config),
  );
  return problems.map(dnsProblemDiagnostic);
}

/** A config map with its unknown values as undefined (what the DNS layer expects). */
function knownSettings(config: Record<string, unknown>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : undefined]));
}
