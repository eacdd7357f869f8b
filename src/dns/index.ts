// The front of src/dns for what describes and checks: the provider descriptions (for
// schemas, docs and typed CDKTF config), the settings lookup and validation at plan time,
// and the acme-dns formats other layers share. Nothing here runs a provider: that is
// runtime.ts, imported lazily where challenges are answered, so that this side loads no
// execa, no HTTP client and no solver (the CDKTF constructs bundle it).

export type { DnsProviderDescription, Environment, PassThroughConfig, SettingDescription, SettingKind, SettingProblem } from "./description.js";
export { dnsProviders, findDnsProvider } from "./registry.js";
export {
  problemMessage,
  resolveDnsChallenge,
  settingLookup,
  validateDnsChallenge,
  validateDnsChallenges,
  type DnsChallengeBlock,
  type DnsChallengeProblem,
  type PlannedDnsChallengeBlock,
  type SettingLookup,
} from "./settings.js";
export { whyBadNameservers } from "./dns-lookup.js";
export { whyNotApiBase, whyNotCidr, whyUnsafeApiBase } from "./acme-dns/addresses.js";
export { accountEntry, credentialsKey, parseCredentials, type AcmeDnsAccount } from "./acme-dns/credentials.js";
export { STORAGE_JSON as ACME_DNS_STORAGE_JSON, STORAGE_PATH as ACME_DNS_STORAGE_PATH } from "./acme-dns/setting-names.js";
export { checkDocs, providerDocFileName, REGENERATE_DOCS_COMMAND, renderProviderDoc, writeDocs } from "./docs.js";
