// acme_certificate's arguments and attributes, declared once: the reference provider's
// names, types, sensitivity and defaults, so its HCL validates here unchanged. Plain
// data (no runtime imports): the constructs read it too.
//
// The defaults are the reference's SDK defaults, planned when the configuration leaves an
// argument out, so that its stored state plans without changes here (it stores "" for an
// unset preferred_chain, profile and certificate_p12_password; revoke_certificate_reason
// has no default there and stays null).
import { CERTIFICATE_KEY_TYPES, REVOCATION_REASON_NAMES } from "../acme/vocabulary.js";
import { block, bool, conflictsWith, eachItem, matches, number, string, stringList, stringMap, stringSet, wholeNumber } from "../provider/declarations.js";
import { MAX_WAIT_SECONDS } from "../shared/index.js";
import { dnsName, nameserver, privateKeyPem } from "./validators.js";

export const certificateDescription = "A certificate issued by the ACME server through DNS-01 challenges.";

const fromCsr = conflictsWith(
  "certificate_request_pem",
  (name) => `the names and the key come from the CSR. Remove ${name}, or remove certificate_request_pem to let the provider make the key.`,
  { unknownCounts: true },
);
// Waits are bounded (MAX_WAIT_SECONDS, one day); validity_days is a date, not a timer: bounded
// far beyond any CA's limit (public CAs: 398 days at most) so that the order's notAfter stays a date.
const seconds = (min: number) => wholeNumber({ min, max: MAX_WAIT_SECONDS, unit: "seconds" });
const MAX_VALIDITY_DAYS = 36_500;
const eitherOr = (other: string, why: string) => conflictsWith(other, () => `${why}. Remove one of them.`);

export const certificateAttributes = {
  id: string({ computed: true, description: "A random UUID naming the resource, kept across renewals (the certificate's URL is `certificate_url`)." }),
  account_key_pem: string({
    required: true,
    sensitive: true,
    replace: true,
    validators: [privateKeyPem],
    description: "The private key of the ACME account (e.g. `acme_registration.x.account_key_pem`).",
  }),
  common_name: string({
    optional: true,
    replace: true,
    validators: [fromCsr, dnsName],
    description: "The certificate's common name. Conflicts with `certificate_request_pem`.",
  }),
  subject_alternative_names: stringSet({
    optional: true,
    replace: true,
    validators: [fromCsr, eachItem(dnsName)],
    description: "Further names of the certificate. Conflicts with `certificate_request_pem`.",
  }),
  key_type: string({
    optional: true,
    default: "2048",
    values: CERTIFICATE_KEY_TYPES,
    replace: true,
    validators: [fromCsr],
    description: "The certificate key: `P256`, `P384`, `2048` (default), `4096` or `8192`.",
  }),
  certificate_request_pem: string({
    optional: true,
    replace: true,
    description: "A CSR (PEM) to issue for instead of generating a key; its names are used.",
  }),
  min_days_remaining: number({
    optional: true,
    default: 30,
    description: "Renew when this many days or fewer remain (default 30); negative: never renew. Conflicts with `min_days_dynamic`.",
  }),
  min_days_dynamic: bool({
    optional: true,
    default: false,
    validators: [eitherOr("min_days_remaining", "min_days_dynamic derives the renewal threshold from the certificate's lifetime")],
    description:
      "Renew when a third of the certificate's lifetime remains (half, for certificates of 10 days or less), instead of `min_days_remaining`: for short-lived certificates.",
  }),
  // Not replacing: as in the reference, a change renews in place.
  validity_days: number({
    optional: true,
    validators: [wholeNumber({ min: 1, max: MAX_VALIDITY_DAYS, unit: "days" })],
    description: "Ask the CA for a certificate valid this many days (when the CA supports it). A change renews in place; must be greater than `min_days_remaining`.",
  }),
  must_staple: bool({ optional: true, default: false, replace: true, description: "Add the OCSP must-staple extension." }),
  preferred_chain: string({ optional: true, default: "", replace: true, description: "The common name of the root of the chain to prefer, when the CA offers several." }),
  profile: string({
    optional: true,
    default: "",
    replace: true,
    validators: [matches(/^[^\s\p{C}]*$/u, 'a profile name the CA lists, like "classic" or "tlsserver", without spaces or control characters')],
    description:
      "The certificate profile to order, one the CA lists in its directory (ACME profiles extension; Let's Encrypt offers `classic`, `tlsserver` and `shortlived`). A profile the CA does not list is an error at plan, naming those it offers; with a CA that lists no profiles the order goes without one, with a warning.",
  }),
  cert_timeout: number({ optional: true, default: 30, validators: [seconds(1)], description: "Seconds to wait for the certificate after finalizing the order; at most 86400 (one day)." }),
  deactivate_authorizations: bool({ optional: true, default: true, description: "Deactivate the authorizations after issuing." }),
  certificate_p12_password: string({ optional: true, default: "", sensitive: true, description: "The password of `certificate_p12`." }),
  revoke_certificate_on_destroy: bool({ optional: true, default: true, description: "Revoke the certificate when it is destroyed or replaced." }),
  revoke_certificate_reason: string({
    optional: true,
    values: REVOCATION_REASON_NAMES,
    description:
      "The revocation reason: unset (no reason given), `unspecified`, `key-compromise`, `ca-compromise`, `affiliation-changed`, `superseded`, `cessation-of-operation`, `certificate-hold`, `remove-from-crl`, `privilege-withdrawn`, `aa-compromise`.",
  }),
  recursive_nameservers: stringList({
    optional: true,
    validators: [eachItem(nameserver)],
    description:
      "Resolvers for every DNS lookup of the propagation checks, instead of the system's: IP addresses or host names (resolved once), each with an optional port (`192.0.2.53:53`, `localhost:53`).",
  }),
  disable_complete_propagation: bool({ optional: true, default: false, description: "Skip the check that every authoritative nameserver has the record." }),
  pre_check_delay: number({ optional: true, default: 0, validators: [seconds(0)], description: "Seconds to wait before the first propagation check; at most 86400 (one day)." }),
  propagation_wait: number({
    optional: true,
    default: 0,
    validators: [seconds(0), eitherOr("pre_check_delay", "propagation_wait replaces the propagation check that pre_check_delay delays")],
    description: "Seconds to wait instead of checking propagation; 0: check. At most 86400 (one day).",
  }),
  use_renewal_info: bool({
    optional: true,
    default: false,
    description:
      "Renew when the CA's ACME Renewal Information (ARI, RFC 9773) says so: at plan time, once the moment picked in its suggested window (`renewal_info_window_selected`) has come.",
  }),
  renewal_info_ignore_retry_after: bool({
    optional: true,
    default: false,
    description: "Ask the CA for renewal information at every refresh, not only after its Retry-After.",
  }),
  // The reference's range: apply may wait at most 15 minutes for the selected moment.
  renewal_info_max_sleep: number({
    optional: true,
    default: 0,
    validators: [wholeNumber({ min: 0, max: 900, unit: "seconds" })],
    description: "Seconds (0 to 900) apply may wait for the selected renewal moment: a plan renews when that moment is at most this far away.",
  }),

  certificate_url: string({ computed: true, description: "The certificate's URL on the ACME server." }),
  certificate_domain: string({ computed: true, description: "The certificate's common name." }),
  private_key_pem: string({ computed: true, sensitive: true, description: "The certificate's private key (PEM); empty with `certificate_request_pem`." }),
  certificate_pem: string({ computed: true, description: "The certificate (PEM), leaf only." }),
  issuer_pem: string({ computed: true, description: "The rest of the chain (PEM)." }),
  certificate_p12: string({ computed: true, sensitive: true, description: "Key, certificate and chain as PKCS#12, base64." }),
  certificate_not_before: string({ computed: true, description: "Start of validity (RFC 3339)." }),
  certificate_not_after: string({ computed: true, description: "End of validity (RFC 3339)." }),
  certificate_serial: string({ computed: true, description: "The certificate's serial number." }),
  renewal_info_window_start: string({
    computed: true,
    description: "Start of the CA's suggested renewal window (RFC 3339); empty when the CA offers no renewal information.",
  }),
  renewal_info_window_end: string({ computed: true, description: "End of the CA's suggested renewal window (RFC 3339)." }),
  renewal_info_window_selected: string({ computed: true, description: "The moment in the window picked (once, at random) for renewal (RFC 3339)." }),
  renewal_info_explanation_url: string({ computed: true, description: "The CA's page explaining the window, when it gives one." }),
  renewal_info_retry_after: string({ computed: true, description: "When renewal information is asked for again (RFC 3339)." }),

  dns_challenge: block({
    description: "A DNS provider answering the DNS-01 challenges. Several blocks: each provider gets every challenge.",
    attributes: {
      provider: string({ required: true, description: "The DNS provider: `exec` or `acme-dns`." }),
      config: stringMap({
        optional: true,
        sensitive: true,
        description: "The provider's settings (e.g. `EXEC_PATH`); each may also come from the environment or a `NAME_FILE` file.",
      }),
    },
  }),
};
