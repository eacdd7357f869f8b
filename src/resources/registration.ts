// Resource acme_registration: an ACME account, as in the reference provider. Every
// argument replaces the account; destroy deactivates it; read drops it from state when
// the CA no longer knows the key.
import { createAccount, deactivateAccount, findAccount } from "../acme/accounts.js";
import { generateAccountKey, privateKeyProblem, type AccountKeySpec } from "../acme/keys.js";
import { error, type Diagnostic } from "../plugin/diagnostics.js";
import type { Schema } from "../plugin/schema.js";
import { isUnknown, type TfObject } from "../plugin/values.js";
import type { OperationContext, ResourceType } from "../provider/resource-type.js";
import { blocksOf, checkOneOf, numberOf, stringOf } from "./attributes.js";
import { requireServerUrl, type AcmeProviderData } from "./provider-config.js";
import { REGISTRATION_SCHEMA_VERSION, registrationStateUpgraders } from "./registration-state.js";

const ALGORITHMS = ["ECDSA", "RSA"] as const;
const CURVES = ["P256", "P384"] as const;
const RSA_BITS = [2048, 3072, 4096] as const;

const schema: Schema = {
  version: REGISTRATION_SCHEMA_VERSION,
  block: {
    description: "An account on the ACME server.",
    attributes: {
      id: { type: "string", computed: true, description: "The registration URL." },
      account_key_pem: {
        type: "string",
        optional: true,
        computed: true,
        sensitive: true,
        description: "The account's private key (PEM). Generated from the `account_key_*` arguments when not given.",
      },
      account_key_algorithm: { type: "string", optional: true, computed: true, description: "`ECDSA` (default) or `RSA`, for a generated key." },
      account_key_ecdsa_curve: { type: "string", optional: true, computed: true, description: "`P256` or `P384` (default), for a generated ECDSA key." },
      account_key_rsa_bits: { type: "number", optional: true, computed: true, description: "`2048`, `3072` or `4096` (default), for a generated RSA key." },
      email_address: { type: "string", optional: true, description: "The contact email address of the account (`admin@example.com`; a `mailto:` prefix is accepted and not doubled)." },
      registration_url: { type: "string", computed: true, description: "The account's URL on the ACME server." },
    },
    blocks: {
      external_account_binding: {
        nesting: "list",
        maxItems: 1,
        block: {
          description: "External account binding credentials, for CAs that require them.",
          attributes: {
            key_id: { type: "string", required: true, sensitive: true, description: "The key ID the CA gave you." },
            hmac_base64: { type: "string", required: true, sensitive: true, description: "The base64url HMAC key the CA gave you." },
          },
        },
      },
    },
  },
};

export const registrationResource: ResourceType<AcmeProviderData> = {
  name: "acme_registration",
  schema,
  defaults: { account_key_algorithm: "ECDSA", account_key_ecdsa_curve: "P384", account_key_rsa_bits: 4096 },
  replaceOnChange: [
    "account_key_pem",
    "account_key_algorithm",
    "account_key_ecdsa_curve",
    "account_key_rsa_bits",
    "email_address",
    "external_account_binding",
  ],
  stateUpgraders: registrationStateUpgraders,
  validate,
  async create(planned, context) {
    const accountKeyPem = stringOf(planned, "account_key_pem") ?? (await generateAccountKey(accountKeySpec(planned)));
    const eab = blocksOf(planned, "external_account_binding")[0];
    // The contact URL is "mailto:" + the address: one given with the prefix is not doubled.
    const email = stringOf(planned, "email_address")?.replace(/^mailto:/i, "");
    const { registrationUrl } = await createAccount({
      ...target(context, accountKeyPem),
      ...(email ? { email } : {}),
      ...(eab ? { eab: { keyId: stringOf(eab, "key_id")!, hmacBase64: stringOf(eab, "hmac_base64")! } } : {}),
    });
    context.logger.info("ACME account registered", { registration_url: registrationUrl });
    return { ...planned, id: registrationUrl, registration_url: registrationUrl, account_key_pem: accountKeyPem };
  },
  async read(state, context) {
    const url = await findAccount(target(context, stringOf(state, "account_key_pem")!));
    if (url === null) {
      context.logger.warn("ACME account no longer exists; removing it from state", { registration_url: stringOf(state, "registration_url") });
      return null;
    }
    return { ...state, id: url, registration_url: url };
  },
  async delete(state, context) {
    const registrationUrl = stringOf(state, "registration_url");
    await deactivateAccount({ ...target(context, stringOf(state, "account_key_pem")!), ...(registrationUrl ? { registrationUrl } : {}) });
  },
};

function target(context: OperationContext<AcmeProviderData>, accountKeyPem: string) {
  const { provider, signal, logger } = context;
  return { directoryUrl: requireServerUrl(provider), accountKeyPem, signal, logger, ...(provider.caCertPem ? { caCertPem: provider.caCertPem } : {}) };
}

function accountKeySpec(planned: TfObject): AccountKeySpec {
  if (stringOf(planned, "account_key_algorithm") === "RSA") {
    return { algorithm: "RSA", bits: numberOf(planned, "account_key_rsa_bits") as (typeof RSA_BITS)[number] };
  }
  return { algorithm: "ECDSA", curve: stringOf(planned, "account_key_ecdsa_curve") as (typeof CURVES)[number] };
}

function validate(config: TfObject): Diagnostic[] {
  const diagnostics = [
    ...checkOneOf(config, "account_key_algorithm", ALGORITHMS),
    ...checkOneOf(config, "account_key_ecdsa_curve", CURVES),
    ...checkOneOf(config, "account_key_rsa_bits", RSA_BITS),
  ];
  const pem = stringOf(config, "account_key_pem");
  const problem = pem === undefined ? undefined : privateKeyProblem(pem);
  if (problem) {
    diagnostics.push(error("Invalid account_key_pem", `account_key_pem is not a valid PEM private key: ${problem}.`, ["account_key_pem"]));
  }
  // The reference: a given account_key_pem conflicts with the generation arguments, and
  // the curve with the RSA size.
  const conflicts: [string, string][] = [
    ["account_key_pem", "account_key_algorithm"],
    ["account_key_pem", "account_key_ecdsa_curve"],
    ["account_key_pem", "account_key_rsa_bits"],
    ["account_key_ecdsa_curve", "account_key_rsa_bits"],
  ];
  for (const [name, other] of conflicts) {
    if (config[name] !== null && config[other] !== null && !isUnknown(config[name]) && !isUnknown(config[other])) {
      const why = name === "account_key_pem" ? `${other} only describes a key the provider generates` : "a key is either ECDSA (a curve) or RSA (a size)";
      diagnostics.push(error(`Conflicting ${other}`, `${other} cannot be used with ${name}: ${why}. Remove one of them.`, [other]));
    }
  }
  const email = stringOf(config, "email_address")?.replace(/^mailto:/i, "");
  if (email !== undefined && !/^[^@\s:]+@[^@\s]+$/.test(email)) {
    diagnostics.push(error("Invalid email_address", `email_address must be an email address like admin@example.com; got ${JSON.stringify(email)}.`, ["email_address"]));
  }
  blocksOf(config, "external_account_binding").forEach((eab, index) => {
    const hmac = eab.hmac_base64;
    if (typeof hmac === "string" && !isUnknown(hmac) && !/^[A-Za-z0-9_\-+/]+=*$/.test(hmac)) {
      diagnostics.push(
        error("Invalid hmac_base64", "hmac_base64 must be the base64url-encoded HMAC key your CA gave you.", ["external_account_binding", index, "hmac_base64"]),
      );
    }
  });
  return diagnostics;
}
