// acme-tf/cdktf: CDKTF constructs for the acme provider (registry.terraform.io/acme-tf/acme).
// They synthesize the JSON the provider's schema expects, expose every attribute as a
// token, and check at synth what the provider would reject (see synth-checks.ts).
export { AcmeProvider, type AcmeProviderConfig } from "./provider.js";
export { Registration, type RegistrationConfig, type RegistrationExternalAccountBinding } from "./registration.js";
export { Certificate, type CertificateConfig, type KeyType, type RevocationReason } from "./certificate.js";
export { DataAcmeServerUrl, type DataAcmeServerUrlConfig } from "./server-url.js";
export { AcmeDnsRegistration, type AcmeDnsRegistrationConfig } from "./dns-registration.js";
export {
  DnsChallenge,
  SettingSource,
  optionName,
  settingOptions,
  typedDnsChallenge,
  PASS_THROUGH_OPTION,
  type AcmeDnsAccountCredentials,
  type AcmeDnsChallengeOptions,
  type AcmeDnsStorageOptions,
  type DnsChallengeConfig,
  type ExecChallengeOptions,
  type Setting,
  type SettingOption,
} from "./dns-challenge.js";
export { versionConstraint } from "./version.js";
export type { ArgumentKind, ArgumentSpec, BlockSpec, ElementSpec } from "./spec.js";
