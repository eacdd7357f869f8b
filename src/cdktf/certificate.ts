// acme_certificate: a certificate issued through DNS-01 challenges.
import { Fn, TerraformResource, type IResolvable, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import type { KEY_TYPES, REVOCATION_REASONS } from "../resources/certificate-schema.js";
import type { DnsChallengeConfig } from "./dns-challenge.js";
import { acmeGeneratorMetadata, metaArguments } from "./element.js";
import { synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";
import { addSynthChecks } from "./synth-checks.js";

export type KeyType = (typeof KEY_TYPES)[number];
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface CertificateConfig extends TerraformMetaArguments {
  /** The private key of the ACME account (sensitive), e.g. `registration.accountKeyPem`. */
  readonly accountKeyPem: string;
  /** The certificate's common name. Conflicts with `certificateRequestPem`. */
  readonly commonName?: string;
  /** Further names of the certificate. Conflicts with `certificateRequestPem`. */
  readonly subjectAlternativeNames?: string[];
  /** The certificate key: `P256`, `P384`, `2048` (default), `4096` or `8192`. Conflicts with `certificateRequestPem`. */
  readonly keyType?: KeyType | (string & {});
  /** A CSR (PEM) to issue for instead of generating a key, e.g. a @cdktf/provider-tls `CertRequest`'s `certRequestPem`. */
  readonly certificateRequestPem?: string;
  /** Renew when this many days or fewer remain (default 30; negative: never renew). Conflicts with `minDaysDynamic`. */
  readonly minDaysRemaining?: number;
  /** Renew when a third of the lifetime remains (half, for 10 days or less), instead of `minDaysRemaining` (default false). */
  readonly minDaysDynamic?: boolean | IResolvable;
  /** Ask the CA for a certificate valid this many days (when the CA supports it); a change renews in place; must exceed `minDaysRemaining`. */
  readonly validityDays?: number;
  /** Add the OCSP must-staple extension (default false). */
  readonly mustStaple?: boolean | IResolvable;
  /** The common name of the root of the chain to prefer, when the CA offers several. */
  readonly preferredChain?: string;
  /** The ACME certificate profile to request (when the CA offers profiles). */
  readonly profile?: string;
  /** Seconds to wait for the certificate after finalizing the order (default 30). */
  readonly certTimeout?: number;
  /** Deactivate the authorizations after issuing (default true). */
  readonly deactivateAuthorizations?: boolean | IResolvable;
  /** The password of `certificateP12` (sensitive). */
  readonly certificateP12Password?: string;
  /** Revoke the certificate when it is destroyed or replaced (default true). */
  readonly revokeCertificateOnDestroy?: boolean | IResolvable;
  /** The revocation reason (default: none given). */
  readonly revokeCertificateReason?: RevocationReason | (string & {});
  /** Resolvers (`host:port`) for every DNS lookup of the propagation checks, instead of the system's. */
  readonly recursiveNameservers?: string[];
  /** Skip the check that every authoritative nameserver has the record (default false). */
  readonly disableCompletePropagation?: boolean | IResolvable;
  /** Seconds to wait before the first propagation check (default 0). */
  readonly preCheckDelay?: number;
  /** Seconds to wait instead of checking propagation (default 0: check). */
  readonly propagationWait?: number;
  /** Renew when the CA's ACME Renewal Information (ARI, RFC 9773) says so (default false). */
  readonly useRenewalInfo?: boolean | IResolvable;
  /** Ignore the CA's Retry-After on renewal information (default false). */
  readonly renewalInfoIgnoreRetryAfter?: boolean | IResolvable;
  /** Seconds (0 to 900) apply may wait for the selected renewal moment (default 0). */
  readonly renewalInfoMaxSleep?: number;
  /**
   * The DNS providers answering the DNS-01 challenges (each gets every challenge):
   * `DnsChallenge.exec({...})`, or `{ provider, config }`.
   */
  readonly dnsChallenge: DnsChallengeConfig[] | IResolvable;
}

const ARGUMENTS = {
  accountKeyPem: { name: "account_key_pem", kind: "string", required: true },
  commonName: { name: "common_name", kind: "string" },
  subjectAlternativeNames: { name: "subject_alternative_names", kind: "stringSet" },
  keyType: { name: "key_type", kind: "string" },
  certificateRequestPem: { name: "certificate_request_pem", kind: "string" },
  minDaysRemaining: { name: "min_days_remaining", kind: "number" },
  minDaysDynamic: { name: "min_days_dynamic", kind: "bool" },
  validityDays: { name: "validity_days", kind: "number" },
  mustStaple: { name: "must_staple", kind: "bool" },
  preferredChain: { name: "preferred_chain", kind: "string" },
  profile: { name: "profile", kind: "string" },
  certTimeout: { name: "cert_timeout", kind: "number" },
  deactivateAuthorizations: { name: "deactivate_authorizations", kind: "bool" },
  certificateP12Password: { name: "certificate_p12_password", kind: "string" },
  revokeCertificateOnDestroy: { name: "revoke_certificate_on_destroy", kind: "bool" },
  revokeCertificateReason: { name: "revoke_certificate_reason", kind: "string" },
  recursiveNameservers: { name: "recursive_nameservers", kind: "stringList" },
  disableCompletePropagation: { name: "disable_complete_propagation", kind: "bool" },
  preCheckDelay: { name: "pre_check_delay", kind: "number" },
  propagationWait: { name: "propagation_wait", kind: "number" },
  useRenewalInfo: { name: "use_renewal_info", kind: "bool" },
  renewalInfoIgnoreRetryAfter: { name: "renewal_info_ignore_retry_after", kind: "bool" },
  renewalInfoMaxSleep: { name: "renewal_info_max_sleep", kind: "number" },
} satisfies ElementSpec["arguments"];

export class Certificate extends TerraformResource {
  static readonly tfResourceType = "acme_certificate";
  static readonly spec: ElementSpec = {
    typeName: "acme_certificate",
    kind: "resource",
    arguments: ARGUMENTS,
    blocks: {
      dnsChallenge: {
        name: "dns_challenge",
        arguments: {
          provider: { name: "provider", kind: "string", required: true },
          config: { name: "config", kind: "stringMap" },
        },
      },
    },
    // Every argument can be read back, plus what only the provider computes.
    attributes: {
      ...ARGUMENTS,
      id: { name: "id", kind: "string" },
      certificateUrl: { name: "certificate_url", kind: "string" },
      certificateDomain: { name: "certificate_domain", kind: "string" },
      privateKeyPem: { name: "private_key_pem", kind: "string" },
      certificatePem: { name: "certificate_pem", kind: "string" },
      issuerPem: { name: "issuer_pem", kind: "string" },
      certificateP12: { name: "certificate_p12", kind: "string" },
      certificateNotBefore: { name: "certificate_not_before", kind: "string" },
      certificateNotAfter: { name: "certificate_not_after", kind: "string" },
      certificateSerial: { name: "certificate_serial", kind: "string" },
      renewalInfoWindowStart: { name: "renewal_info_window_start", kind: "string" },
      renewalInfoWindowEnd: { name: "renewal_info_window_end", kind: "string" },
      renewalInfoWindowSelected: { name: "renewal_info_window_selected", kind: "string" },
      renewalInfoExplanationUrl: { name: "renewal_info_explanation_url", kind: "string" },
      renewalInfoRetryAfter: { name: "renewal_info_retry_after", kind: "string" },
    },
  };

  private readonly config: CertificateConfig;

  constructor(scope: Construct, id: string, config: CertificateConfig) {
    super(scope, id, { terraformResourceType: Certificate.tfResourceType, terraformGeneratorMetadata: acmeGeneratorMetadata(), ...metaArguments(config) });
    this.config = { ...config };
    addSynthChecks(this, Certificate.spec, () => this.config);
  }

  /** A random UUID, kept across renewals (the certificate's URL is `certificateUrl`). */
  get id(): string {
    return this.getStringAttribute("id");
  }
  get accountKeyPem(): string {
    return this.getStringAttribute("account_key_pem");
  }
  get commonName(): string {
    return this.getStringAttribute("common_name");
  }
  get subjectAlternativeNames(): string[] {
    return Fn.tolist(this.getListAttribute("subject_alternative_names"));
  }
  get keyType(): string {
    return this.getStringAttribute("key_type");
  }
  get certificateRequestPem(): string {
    return this.getStringAttribute("certificate_request_pem");
  }
  get minDaysRemaining(): number {
    return this.getNumberAttribute("min_days_remaining");
  }
  get validityDays(): number {
    return this.getNumberAttribute("validity_days");
  }
  get mustStaple(): IResolvable {
    return this.getBooleanAttribute("must_staple");
  }
  get preferredChain(): string {
    return this.getStringAttribute("preferred_chain");
  }
  get profile(): string {
    return this.getStringAttribute("profile");
  }
  get certTimeout(): number {
    return this.getNumberAttribute("cert_timeout");
  }
  get deactivateAuthorizations(): IResolvable {
    return this.getBooleanAttribute("deactivate_authorizations");
  }
  get certificateP12Password(): string {
    return this.getStringAttribute("certificate_p12_password");
  }
  get revokeCertificateOnDestroy(): IResolvable {
    return this.getBooleanAttribute("revoke_certificate_on_destroy");
  }
  get revokeCertificateReason(): string {
    return this.getStringAttribute("revoke_certificate_reason");
  }
  get recursiveNameservers(): string[] {
    return this.getListAttribute("recursive_nameservers");
  }
  get disableCompletePropagation(): IResolvable {
    return this.getBooleanAttribute("disable_complete_propagation");
  }
  get preCheckDelay(): number {
    return this.getNumberAttribute("pre_check_delay");
  }
  get propagationWait(): number {
    return this.getNumberAttribute("propagation_wait");
  }
  get useRenewalInfo(): IResolvable {
    return this.getBooleanAttribute("use_renewal_info");
  }
  get renewalInfoIgnoreRetryAfter(): IResolvable {
    return this.getBooleanAttribute("renewal_info_ignore_retry_after");
  }
  get renewalInfoMaxSleep(): number {
    return this.getNumberAttribute("renewal_info_max_sleep");
  }
  get minDaysDynamic(): IResolvable {
    return this.getBooleanAttribute("min_days_dynamic");
  }
  /** The certificate's URL on the ACME server. */
  get certificateUrl(): string {
    return this.getStringAttribute("certificate_url");
  }
  /** The certificate's common name. */
  get certificateDomain(): string {
    return this.getStringAttribute("certificate_domain");
  }
  /** The certificate's private key (PEM, sensitive); empty with `certificateRequestPem`. */
  get privateKeyPem(): string {
    return this.getStringAttribute("private_key_pem");
  }
  /** The certificate (PEM), leaf only. */
  get certificatePem(): string {
    return this.getStringAttribute("certificate_pem");
  }
  /** The rest of the chain (PEM). */
  get issuerPem(): string {
    return this.getStringAttribute("issuer_pem");
  }
  /** Key, certificate and chain as PKCS#12, base64 (sensitive). */
  get certificateP12(): string {
    return this.getStringAttribute("certificate_p12");
  }
  /** Start of validity (RFC 3339). */
  get certificateNotBefore(): string {
    return this.getStringAttribute("certificate_not_before");
  }
  /** End of validity (RFC 3339). */
  get certificateNotAfter(): string {
    return this.getStringAttribute("certificate_not_after");
  }
  /** The certificate's serial number. */
  get certificateSerial(): string {
    return this.getStringAttribute("certificate_serial");
  }
  /** Start of the CA's suggested renewal window (RFC 3339); empty without ARI. */
  get renewalInfoWindowStart(): string {
    return this.getStringAttribute("renewal_info_window_start");
  }
  /** End of the CA's suggested renewal window (RFC 3339). */
  get renewalInfoWindowEnd(): string {
    return this.getStringAttribute("renewal_info_window_end");
  }
  /** The moment in the window picked for renewal (RFC 3339). */
  get renewalInfoWindowSelected(): string {
    return this.getStringAttribute("renewal_info_window_selected");
  }
  /** The CA's page explaining the window, if any. */
  get renewalInfoExplanationUrl(): string {
    return this.getStringAttribute("renewal_info_explanation_url");
  }
  /** When renewal information is asked for again (RFC 3339). */
  get renewalInfoRetryAfter(): string {
    return this.getStringAttribute("renewal_info_retry_after");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(Certificate.spec, this.config as unknown as Record<string, unknown>);
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(Certificate.spec, this.config as unknown as Record<string, unknown>);
  }
}
