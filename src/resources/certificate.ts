// Resource acme_certificate: issue through DNS-01, renew at plan time (an in-place update
// keeping the key or CSR; when, see certificate-renewal.ts), replace when names, key or
// CSR change, revoke on destroy. Its id is a random UUID kept across renewals, as the
// reference's; state of the reference's and acme-tf's older versions upgrades
// (certificate-state.ts).
import { randomUUID } from "node:crypto";
import type { Dns01Solver } from "../acme/solver.js";
import { DiagnosticsError } from "../plugin/diagnostics.js";
import { UNKNOWN, isUnknown, valuesEqual, type TfObject } from "../plugin/values.js";
import type { OperationContext, ResourceType } from "../provider/resource-type.js";
import { blocksOf, boolOf, numberOf, stringListOf, stringMapOf, stringOf } from "./attributes.js";
import { refreshedRenewalInfo, renewalReason, waitForSelectedMoment } from "./certificate-renewal.js";
import { certificateDefaults, certificateSchema, RENEWAL_INFO_ATTRIBUTES, replacingArguments } from "./certificate-schema.js";
import { certificateStateUpgraders } from "./certificate-state.js";
import { resolveNameservers } from "./nameservers.js";
import { dnsProblemDiagnostic, validateCertificateConfig } from "./certificate-validation.js";
import { requireServerUrl, type AcmeProviderData } from "./provider-config.js";

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

type Context = OperationContext<AcmeProviderData>;

export const certificateResource: ResourceType<AcmeProviderData> = {
  name: "acme_certificate",
  schema: certificateSchema,
  defaults: certificateDefaults,
  replaceOnChange: replacingArguments,
  stateUpgraders: certificateStateUpgraders,
  validate: validateCertificateConfig,

  async planUpdate({ prior, planned, context }) {
    const reason = renewalReason(prior, planned);
    if (reason) {
      context.logger.info("certificate renewal planned", { reason, not_after: stringOf(prior, "certificate_not_after") });
      return { planned: withUnknown(planned, RENEWED_ATTRIBUTES) };
    }
    if (!valuesEqual(prior.certificate_p12_password ?? null, planned.certificate_p12_password ?? null)) {
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
      return issue(planned, context, { privateKeyPem: stringOf(prior, "private_key_pem") || undefined, replacing: stringOf(prior, "certificate_pem") });
    }
    if (isUnknown(planned.certificate_p12)) return { ...planned, certificate_p12: await pkcs12(planned) };
    return planned;
  },

  async read(state, context) {
    // Arguments a reference release added after the state was written read as its defaults.
    const filled = { ...state };
    for (const [name, value] of Object.entries(certificateDefaults)) if (filled[name] === null) filled[name] = value;
    return { ...filled, ...(await refreshedRenewalInfo(filled, acmeTarget(filled, context))) };
  },

  async delete(state, context) {
    if (boolOf(state, "revoke_certificate_on_destroy") === false) return;
    const certificatePem = stringOf(state, "certificate_pem");
    if (!certificatePem) return;
    if (Date.parse(stringOf(state, "certificate_not_after") ?? "") < Date.now()) {
      context.logger.info("certificate already expired; not revoking", { id: stringOf(state, "id") });
      return;
    }
    const { revokeCertificate } = await import("../acme/revocation.js");
    const privateKeyPem = stringOf(state, "private_key_pem");
    const result = await revokeCertificate({
      ...acmeTarget(state, context),
      certificatePem,
      ...optional("reason", stringOf(state, "revoke_certificate_reason") as never),
      ...(privateKeyPem ? { certificateKeyPem: privateKeyPem } : {}),
    });
    if (result.status === "unrevocable") {
      // A certificate the CA cannot revoke (another CA now, or one restarted empty) must not
      // keep destroy or replace stuck forever: say so, and let Terraform go on.
      context.logger.warn(`the certificate was not revoked: ${result.reason}. It is removed from the state; it stays valid until it expires`, {
        id: stringOf(state, "id"),
      });
      return;
    }
    context.logger.info(result.status === "alreadyRevoked" ? "certificate was already revoked" : "certificate revoked", { id: stringOf(state, "id") });
  },
};

async function issue(planned: TfObject, context: Context, renewal: { privateKeyPem?: string | undefined; replacing?: string | undefined }): Promise<TfObject> {
  const [{ issueCertificate }, solver] = await Promise.all([import("../acme/certificates.js"), dnsSolver(planned, context)]);
  const csrPem = stringOf(planned, "certificate_request_pem");
  const { privateKeyPem } = renewal;
  const replaces = renewal.replacing ? await renewedIdentifier(renewal.replacing) : undefined;
  const issued = await issueCertificate({
    ...acmeTarget(planned, context),
    ...(csrPem ? { csrPem } : { names: certificateNames(planned), keyType: stringOf(planned, "key_type") as never }),
    ...(privateKeyPem && !csrPem ? { privateKeyPem } : {}),
    mustStaple: boolOf(planned, "must_staple") ?? false,
    ...optional("preferredChain", stringOf(planned, "preferred_chain") || undefined),
    ...optional("profile", stringOf(planned, "profile") || undefined),
    ...optional("replaces", replaces),
    ...optional("validityDays", numberOf(planned, "validity_days")),
    certTimeoutSeconds: numberOf(planned, "cert_timeout") ?? 30,
    deactivateAuthorizations: boolOf(planned, "deactivate_authorizations") ?? true,
    solver,
    signal: context.signal,
    logger: context.logger,
  });
  const state: TfObject = {
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
  const renewalInfo = await refreshedRenewalInfo(state, acmeTarget(state, context), true);
  return { ...state, ...renewalInfo, certificate_p12: await pkcs12(state) };
}

/** The RFC 9773 certID of the certificate being renewed; undefined when it has none (no AKI). */
async function renewedIdentifier(certificatePem: string): Promise<string | undefined> {
  const { certificateIdentifier } = await import("../acme/index.js");
  return certificateIdentifier(certificatePem).catch(() => undefined);
}

async function pkcs12(state: TfObject): Promise<string> {
  const privateKeyPem = stringOf(state, "private_key_pem");
  // Without a key (CSR), there is nothing to bundle: the reference leaves it empty too.
  if (!privateKeyPem) return "";
  const { certificateToP12 } = await import("../acme/pkcs12.js");
  return certificateToP12({
    privateKeyPem,
    certificatePem: stringOf(state, "certificate_pem")!,
    issuerPem: stringOf(state, "issuer_pem") ?? "",
    password: stringOf(state, "certificate_p12_password") ?? "",
  });
}

async function dnsSolver(planned: TfObject, context: Context): Promise<Dns01Solver> {
  const { createDnsSolver } = await import("../dns/runtime.js");
  const blocks = blocksOf(planned, "dns_challenge").map((block) => ({
    provider: stringOf(block, "provider")!,
    config: Object.fromEntries(Object.entries(stringMapOf(block, "config") ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  }));
  const nameservers = stringListOf(planned, "recursive_nameservers");
  const result = await createDnsSolver({
    blocks,
    propagation: {
      ...optional("recursiveNameservers", nameservers && (await resolveNameservers(nameservers))),
      disableCompletePropagation: boolOf(planned, "disable_complete_propagation") ?? false,
      preCheckDelay: numberOf(planned, "pre_check_delay") ?? 0,
      propagationWait: numberOf(planned, "propagation_wait") ?? 0,
    },
    env: context.provider.env,
    logger: context.logger,
  });
  if (result.ok) return result.solver;
  throw new DiagnosticsError(result.problems.map(dnsProblemDiagnostic));
}

function certificateNames(planned: TfObject): string[] {
  const commonName = stringOf(planned, "common_name");
  return [...(commonName ? [commonName] : []), ...(stringListOf(planned, "subject_alternative_names") ?? []).sort()];
}

function acmeTarget(state: TfObject, context: Context) {
  return {
    directoryUrl: requireServerUrl(context.provider),
    accountKeyPem: stringOf(state, "account_key_pem")!,
    ...optional("caCertPem", context.provider.caCertPem),
    signal: context.signal,
    logger: context.logger,
  };
}

function withUnknown(object: TfObject, names: readonly string[]): TfObject {
  return { ...object, ...Object.fromEntries(names.map((name) => [name, UNKNOWN])) };
}


/** `{ key: value }` when the value is defined, `{}` otherwise: for exactOptionalPropertyTypes-style spreads. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
