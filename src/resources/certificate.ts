// Resource acme_certificate: issue through DNS-01, renew at plan time when fewer than
// min_days_remaining days are left (an in-place update keeping the key or CSR), replace
// when names, key or CSR change, revoke on destroy.
import { randomUUID } from "node:crypto";
import type { Dns01Solver } from "../acme/index.js";
import { DiagnosticsError, UNKNOWN, isUnknown, valuesEqual } from "../plugin/index.js";
import { declareResource, type ModelOf, type OperationContext, type PlannedOf } from "../provider/index.js";
import { certificateAttributes, certificateDescription } from "./certificate-attributes.js";
import { RENEWAL_INFO_ATTRIBUTES, refreshedRenewalInfo, renewalReason, waitForSelectedMoment } from "./certificate-renewal.js";
import { planProfileDiagnostics } from "./certificate-profile.js";
import { certificateStateUpgraders } from "./certificate-state.js";
import { dnsProblemDiagnostic, validateCertificateConfig } from "./certificate-validation.js";
import { resolveNameservers } from "./nameservers.js";
import { requireServerUrl, type AcmeProviderData } from "./provider-config.js";

type Attributes = typeof certificateAttributes;
type CertificateModel = ModelOf<Attributes>;
type Planned = PlannedOf<Attributes>;

/** What renewing decides: unknown in the plan until apply. */
const RENEWED_ATTRIBUTES = [
  "certificate_url",
  "certificate_pem",
  "issuer_pem",
  "certificate_p12",
  "certificate_not_before",
  "certificate_not_after",
  "certificate_serial",
  ...RENEWAL_INFO_ATTRIBUTES,
] as const;

/** The reference's schema versions continue here (see certificate-state.ts). */
const CERTIFICATE_SCHEMA_VERSION = 5;

type Context = OperationContext<AcmeProviderData>;

export const certificateResource = declareResource<AcmeProviderData, Attributes>({
  name: "acme_certificate",
  description: certificateDescription,
  attributes: certificateAttributes,
  version: CERTIFICATE_SCHEMA_VERSION,
  upgraders: certificateStateUpgraders,
  validate: validateCertificateConfig,

  // A new order is planned: the profile must be one the CA lists.
  planCreate: ({ planned, context }) => planProfileDiagnostics(planned.profile, context),

  async planUpdate({ prior, planned, context }) {
    const reason = renewalReason(prior, planned);
    if (reason) {
      context.logger.info("certificate renewal planned", { reason, not_after: prior.certificate_not_after ?? undefined });
      return { planned: withUnknown(planned, RENEWED_ATTRIBUTES), diagnostics: await planProfileDiagnostics(planned.profile, context) };
    }
    if (!valuesEqual(prior.certificate_p12_password, planned.certificate_p12_password)) {
      return { planned: withUnknown(planned, ["certificate_p12"]) };
    }
    return { planned };
  },

  async create(planned, context) {
    return issue({ ...planned, id: randomUUID() }, context, {});
  },

  async update(prior, planned, context) {
    if (isUnknown(planned.certificate_pem)) {
      // Renewal: same key (or CSR), new certificate, same id. The old one is left to
      // expire, as the reference does; with ARI the order names it in `replaces`.
      await waitForSelectedMoment(prior, planned, context.signal, context.logger);
      return issue({ ...planned, id: prior.id }, context, { privateKeyPem: prior.private_key_pem || undefined, replacing: prior.certificate_pem ?? undefined });
    }
    // No renewal: what was issued stays; only the PKCS#12 bundle follows a new password.
    const state = { ...planned, ...issuedOf(prior) };
    return isUnknown(planned.certificate_p12) ? { ...state, certificate_p12: await pkcs12(state) } : state;
  },

  async read(state, context) {
    return { ...state, ...(await refreshedRenewalInfo(state, acmeTarget(state, context))) };
  },

  async delete(state, context) {
    if (state.revoke_certificate_on_destroy === false) return;
    const certificatePem = state.certificate_pem;
    if (!certificatePem) return;
    if (Date.parse(state.certificate_not_after ?? "") < Date.now()) {
      context.logger.info("certificate already expired; not revoking", { id: state.id ?? undefined });
      return;
    }
    const { revokeCertificate } = await import("../acme/index.js");
    const result = await revokeCertificate({
      ...acmeTarget(state, context),
      certificatePem,
      ...optional("reason", state.revoke_certificate_reason ?? undefined),
      ...optional("certificateKeyPem", state.private_key_pem || undefined),
    });
    if (result.status === "unrevocable") {
      // A certificate the CA cannot revoke (another CA now, or one restarted empty) must not
      // keep destroy or replace stuck forever: say so, and let Terraform go on.
      context.logger.warn(`the certificate was not revoked: ${result.reason}. It is removed from the state; it stays valid until it expires`, { id: state.id ?? undefined });
      return;
    }
    context.logger.info(result.status === "alreadyRevoked" ? "certificate was already revoked" : "certificate revoked", { id: state.id ?? undefined });
  },
});

async function issue(
  planned: Planned & { id: string | null },
  context: Context,
  renewal: { privateKeyPem?: string | undefined; replacing?: string | undefined },
): Promise<CertificateModel> {
  const [{ issueCertificate }, solver] = await Promise.all([import("../acme/issuance.js"), dnsSolver(planned, context)]);
  const csrPem = planned.certificate_request_pem;
  const { privateKeyPem } = renewal;
  const replaces = renewal.replacing ? await renewedIdentifier(renewal.replacing) : undefined;
  const issued = await issueCertificate({
    ...acmeTarget(planned, context),
    ...(csrPem ? { csrPem } : { names: certificateNames(planned), keyType: planned.key_type }),
    ...(privateKeyPem && !csrPem ? { privateKeyPem } : {}),
    mustStaple: planned.must_staple,
    ...optional("preferredChain", planned.preferred_chain || undefined),
    ...optional("profile", planned.profile || undefined),
    ...optional("replaces", replaces),
    ...optional("validityDays", planned.validity_days ?? undefined),
    certTimeoutSeconds: planned.cert_timeout,
    deactivateAuthorizations: planned.deactivate_authorizations,
    solver,
    signal: context.signal,
    logger: context.logger,
  });
  const state = {
    ...planned,
    certificate_url: issued.certificateUrl,
    certificate_domain: issued.domain,
    private_key_pem: issued.privateKeyPem ?? "",
    certificate_pem: issued.certificatePem,
    issuer_pem: issued.issuerPem,
    certificate_not_before: issued.notBefore,
    certificate_not_after: issued.notAfter,
    certificate_serial: issued.serial,
  };
  const renewalInfo = await refreshedRenewalInfo({ ...state, ...EMPTY_RENEWAL_INFO }, acmeTarget(state, context), true);
  return { ...state, ...renewalInfo, certificate_p12: await pkcs12(state) };
}

/** A new certificate has no renewal information stored yet. */
const EMPTY_RENEWAL_INFO = {
  renewal_info_window_start: null,
  renewal_info_window_end: null,
  renewal_info_window_selected: null,
  renewal_info_explanation_url: null,
  renewal_info_retry_after: null,
};

/** The RFC 9773 certID of the certificate being renewed; undefined when it has none (no AKI). */
async function renewedIdentifier(certificatePem: string): Promise<string | undefined> {
  const { certificateIdentifier } = await import("../acme/index.js");
  return certificateIdentifier(certificatePem).catch(() => undefined);
}

/** The attributes issuing sets, as they are in `state`. */
function issuedOf(state: CertificateModel) {
  const { certificate_url, certificate_domain, private_key_pem, certificate_pem, issuer_pem, certificate_p12 } = state;
  const { certificate_not_before, certificate_not_after, certificate_serial } = state;
  const { renewal_info_window_start, renewal_info_window_end, renewal_info_window_selected, renewal_info_explanation_url, renewal_info_retry_after } = state;
  return {
    id: state.id,
    ...{ certificate_url, certificate_domain, private_key_pem, certificate_pem, issuer_pem, certificate_p12, certificate_not_before, certificate_not_after, certificate_serial },
    ...{ renewal_info_window_start, renewal_info_window_end, renewal_info_window_selected, renewal_info_explanation_url, renewal_info_retry_after },
  };
}

async function pkcs12(state: Pick<CertificateModel, "private_key_pem" | "certificate_pem" | "issuer_pem" | "certificate_p12_password">): Promise<string> {
  const privateKeyPem = state.private_key_pem;
  // Without a key (CSR), there is nothing to bundle: the reference leaves it empty too.
  if (!privateKeyPem || !state.certificate_pem) return "";
  const { certificateToP12 } = await import("../acme/index.js");
  return certificateToP12({
    privateKeyPem,
    certificatePem: state.certificate_pem,
    issuerPem: state.issuer_pem ?? "",
    password: state.certificate_p12_password ?? "",
  });
}

async function dnsSolver(planned: Planned, context: Context): Promise<Dns01Solver> {
  const { createDnsSolver } = await import("../dns/runtime.js");
  const nameservers = planned.recursive_nameservers;
  const result = await createDnsSolver({
    blocks: planned.dns_challenge.map((block) => ({ provider: block.provider, config: block.config ?? {} })),
    propagation: {
      ...optional("recursiveNameservers", nameservers ? await resolveNameservers(nameservers) : undefined),
      disableCompletePropagation: planned.disable_complete_propagation,
      preCheckDelay: planned.pre_check_delay,
      propagationWait: planned.propagation_wait,
    },
    env: context.provider.env,
    logger: context.logger,
  });
  if (result.ok) return result.solver;
  throw new DiagnosticsError(result.problems.map(dnsProblemDiagnostic));
}

function certificateNames(planned: Planned): string[] {
  const commonName = planned.common_name;
  return [...(commonName ? [commonName] : []), ...[...(planned.subject_alternative_names ?? [])].sort()];
}

function acmeTarget(state: Pick<CertificateModel, "account_key_pem">, context: Context) {
  return {
    directoryUrl: requireServerUrl(context.provider),
    accountKeyPem: state.account_key_pem,
    ...optional("caCertPem", context.provider.caCertPem),
    signal: context.signal,
    logger: context.logger,
  };
}

function withUnknown<T extends object>(object: T, names: readonly (keyof T)[]): T {
  return { ...object, ...Object.fromEntries(names.map((name) => [name, UNKNOWN])) };
}

/** `{ key: value }` when the value is defined, `{}` otherwise: for exactOptionalPropertyTypes-style spreads. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
