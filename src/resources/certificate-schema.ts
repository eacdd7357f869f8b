// Schema of acme_certificate: the reference provider's arguments and attributes, with
// the same names, types, sensitivity and defaults, so its HCL validates here unchanged.
import type { Schema } from "../plugin/schema.js";
import type { TfValue } from "../plugin/values.js";

export const KEY_TYPES = ["P256", "P384", "2048", "4096", "8192"] as const;
export const REVOCATION_REASONS = [
  "unspecified",
  "key-compromise",
  "ca-compromise",
  "affiliation-changed",
  "superseded",
  "cessation-of-operation",
  "certificate-hold",
  "remove-from-crl",
  "privilege-withdrawn",
  "aa-compromise",
] as const;

// The reference's SDK defaults, planned when the configuration leaves an argument out, so
// that its stored state plans without changes here (it stores "" for an unset
// preferred_chain, profile and certificate_p12_password; revoke_certificate_reason has no
// default there and stays null).
export const certificateDefaults: Record<string, TfValue> = {
  key_type: "2048",
  min_days_remaining: 30,
  min_days_dynamic: false,
  preferred_chain: "",
  profile: "",
  certificate_p12_password: "",
  must_staple: false,
  cert_timeout: 30,
  deactivate_authorizations: true,
  revoke_certificate_on_destroy: true,
  disable_complete_propagation: false,
  pre_check_delay: 0,
  propagation_wait: 0,
  use_renewal_info: false,
  renewal_info_ignore_retry_after: false,
  renewal_info_max_sleep: 0,
};

/**
 * Arguments whose change issues a new certificate (and revokes the old one). Not
 * validity_days: as in the reference, a change renews in place.
 */
export const replacingArguments = [
  "account_key_pem",
  "common_name",
  "subject_alternative_names",
  "key_type",
  "certificate_request_pem",
  "must_staple",
  "preferred_chain",
  "profile",
];

/** The computed renewal-information attributes (ACME ARI, RFC 9773); "" when the CA has none. */
export const RENEWAL_INFO_ATTRIBUTES = [
  "renewal_info_window_start",
  "renewal_info_window_end",
  "renewal_info_window_selected",
  "renewal_info_explanation_url",
  "renewal_info_retry_after",
] as const;

/** The reference's schema versions continue here: 5 for acme_certificate (see certificate-state.ts). */
export const CERTIFICATE_SCHEMA_VERSION = 5;

export const certificateSchema: Schema = {
  version: CERTIFICATE_SCHEMA_VERSION,
  block: {
    description: "A certificate issued by the ACME server through DNS-01 challenges.",
    attributes: {
      id: { type: "string", computed: true, description: "A random UUID naming the resource, kept across renewals (the certificate's URL is `certificate_url`)." },
      account_key_pem: { type: "string", required: true, sensitive: true, description: "The private key of the ACME account (e.g. `acme_registration.x.account_key_pem`)." },
      common_name: { type: "string", optional: true, description: "The certificate's common name. Conflicts with `certificate_request_pem`." },
      subject_alternative_names: { type: ["set", "string"], optional: true, description: "Further names of the certificate. Conflicts with `certificate_request_pem`." },
      key_type: { type: "string", optional: true, computed: true, description: "The certificate key: `P256`, `P384`, `2048` (default), `4096` or `8192`." },
      certificate_request_pem: { type: "string", optional: true, description: "A CSR (PEM) to issue for instead of generating a key; its names are used." },
      min_days_remaining: { type: "number", optional: true, computed: true, description: "Renew when this many days or fewer remain (default 30); negative: never renew. Conflicts with `min_days_dynamic`." },
      min_days_dynamic: {
        type: "bool",
        optional: true,
        computed: true,
        description: "Renew when a third of the certificate's lifetime remains (half, for certificates of 10 days or less), instead of `min_days_remaining`: for short-lived certificates.",
      },
      validity_days: {
        type: "number",
        optional: true,
        description: "Ask the CA for a certificate valid this many days (when the CA supports it). A change renews in place; must be greater than `min_days_remaining`.",
      },
      must_staple: { type: "bool", optional: true, computed: true, description: "Add the OCSP must-staple extension." },
      preferred_chain: { type: "string", optional: true, computed: true, description: "The common name of the root of the chain to prefer, when the CA offers several." },
      profile: { type: "string", optional: true, computed: true, description: "The ACME certificate profile to request (when the CA offers profiles)." },
      cert_timeout: { type: "number", optional: true, computed: true, description: "Seconds to wait for the certificate after finalizing the order; at most 86400 (one day)." },
      deactivate_authorizations: { type: "bool", optional: true, computed: true, description: "Deactivate the authorizations after issuing." },
      certificate_p12_password: { type: "string", optional: true, computed: true, sensitive: true, description: "The password of `certificate_p12`." },
      revoke_certificate_on_destroy: { type: "bool", optional: true, computed: true, description: "Revoke the certificate when it is destroyed or replaced." },
      revoke_certificate_reason: { type: "string", optional: true, description: "The revocation reason: unset (no reason given), `unspecified`, `key-compromise`, `ca-compromise`, `affiliation-changed`, `superseded`, `cessation-of-operation`, `certificate-hold`, `remove-from-crl`, `privilege-withdrawn`, `aa-compromise`." },
      recursive_nameservers: { type: ["list", "string"], optional: true, description: "Resolvers for every DNS lookup of the propagation checks, instead of the system's: IP addresses or host names (resolved once), each with an optional port (`192.0.2.53:53`, `localhost:53`)." },
      disable_complete_propagation: { type: "bool", optional: true, computed: true, description: "Skip the check that every authoritative nameserver has the record." },
      pre_check_delay: { type: "number", optional: true, computed: true, description: "Seconds to wait before the first propagation check; at most 86400 (one day)." },
      propagation_wait: { type: "number", optional: true, computed: true, description: "Seconds to wait instead of checking propagation; 0: check. At most 86400 (one day)." },
      use_renewal_info: {
        type: "bool",
        optional: true,
        computed: true,
        description: "Renew when the CA's ACME Renewal Information (ARI, RFC 9773) says so: at plan time, once the moment picked in its suggested window (`renewal_info_window_selected`) has come.",
      },
      renewal_info_ignore_retry_after: { type: "bool", optional: true, computed: true, description: "Ask the CA for renewal information at every refresh, not only after its Retry-After." },
      renewal_info_max_sleep: {
        type: "number",
        optional: true,
        computed: true,
        description: "Seconds (0 to 900) apply may wait for the selected renewal moment: a plan renews when that moment is at most this far away.",
      },

      certificate_url: { type: "string", computed: true, description: "The certificate's URL on the ACME server." },
      certificate_domain: { type: "string", computed: true, description: "The certificate's common name." },
      private_key_pem: { type: "string", computed: true, sensitive: true, description: "The certificate's private key (PEM); empty with `certificate_request_pem`." },
      certificate_pem: { type: "string", computed: true, description: "The certificate (PEM), leaf only." },
      issuer_pem: { type: "string", computed: true, description: "The rest of the chain (PEM)." },
      certificate_p12: { type: "string", computed: true, sensitive: true, description: "Key, certificate and chain as PKCS#12, base64." },
      certificate_not_before: { type: "string", computed: true, description: "Start of validity (RFC 3339)." },
      certificate_not_after: { type: "string", computed: true, description: "End of validity (RFC 3339)." },
      certificate_serial: { type: "string", computed: true, description: "The certificate's serial number." },
      renewal_info_window_start: { type: "string", computed: true, description: "Start of the CA's suggested renewal window (RFC 3339); empty when the CA offers no renewal information." },
      renewal_info_window_end: { type: "string", computed: true, description: "End of the CA's suggested renewal window (RFC 3339)." },
      renewal_info_window_selected: { type: "string", computed: true, description: "The moment in the window picked (once, at random) for renewal (RFC 3339)." },
      renewal_info_explanation_url: { type: "string", computed: true, description: "The CA's page explaining the window, when it gives one." },
      renewal_info_retry_after: { type: "string", computed: true, description: "When renewal information is asked for again (RFC 3339)." },
    },
    blocks: {
      dns_challenge: {
        nesting: "list",
        block: {
          description: "A DNS provider answering the DNS-01 challenges. Several blocks: each provider gets every challenge.",
          attributes: {
            provider: { type: "string", required: true, description: "The DNS provider: `exec` or `acme-dns`." },
            config: {
              type: ["map", "string"],
              optional: true,
              sensitive: true,
              description: "The provider's settings (e.g. `EXEC_PATH`); each may also come from the environment or a `NAME_FILE` file.",
            },
          },
        },
      },
    },
  },
};
