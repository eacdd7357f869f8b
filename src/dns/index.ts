// What the rest of acme-tf uses from src/dns: the provider descriptions (for schemas, docs
// and typed CDKTF config), validation at plan time, and the solver at apply time.

export type {
  ChallengeRecord,
  DnsProvider,
  DnsProviderDescription,
  DocSection,
  Environment,
  PassThroughConfig,
  PropagationTimings,
  ProviderContext,
  SettingDescription,
  SettingKind,
} from "./description.js";
export { dnsProviders, findDnsProvider } from "./registry.js";
export {
  problemMessage,
  resolveDnsChallenge,
  validateDnsChallenge,
  validateDnsChallenges,
  type DnsChallengeBlock,
  type DnsChallengeProblem,
  type PlannedDnsChallengeBlock,
  type SettingProblem,
} from "./settings.js";
export { whyBadNameservers } from "./dns-lookup.js";
export type { PropagationOptions } from "./propagation.js";
export { createDnsSolver, type DnsSolverOptions, type DnsSolverResult } from "./solver.js";
export { DnsChallengeError } from "./errors.js";
export { checkDocs, providerDocFileName, REGENERATE_DOCS_COMMAND, renderProviderDoc, writeDocs } from "./docs.js";
