// Resource acme_registration: an ACME account, as in the reference provider. Every
// argument replaces the account; destroy deactivates it; read drops it from state when
// the CA no longer knows the key.
import { createAccount, deactivateAccount, findAccount, generateAccountKey, type AccountKeySpec } from "../acme/index.js";
import { declareResource, type OperationContext } from "../provider/index.js";
import type { ModelOf } from "../provider/declarations.js";
import { requireServerUrl, type AcmeProviderData } from "./provider-config.js";
import { registrationAttributes, registrationDescription } from "./registration-attributes.js";
import { REGISTRATION_SCHEMA_VERSION, registrationStateUpgraders } from "./registration-state.js";

type Model = ModelOf<typeof registrationAttributes>;

export const registrationResource = declareResource<AcmeProviderData, typeof registrationAttributes>({
  name: "acme_registration",
  description: registrationDescription,
  attributes: registrationAttributes,
  version: REGISTRATION_SCHEMA_VERSION,
  upgraders: registrationStateUpgraders,
  async create(planned, context) {
    const given = planned.account_key_pem;
    const accountKeyPem = typeof given === "string" ? given : await generateAccountKey(accountKeySpec(planned));
    const eab = planned.external_account_binding[0];
    // The contact URL is "mailto:" + the address: one given with the prefix is not doubled.
    const email = planned.email_address?.replace(/^mailto:/i, "");
    const { registrationUrl } = await createAccount({
      ...target(context, accountKeyPem),
      ...(email ? { email } : {}),
      ...(eab ? { eab: { keyId: eab.key_id, hmacBase64: eab.hmac_base64 } } : {}),
    });
    context.logger.info("ACME account registered", { registration_url: registrationUrl });
    return { ...planned, id: registrationUrl, registration_url: registrationUrl, account_key_pem: accountKeyPem };
  },
  async read(state, context) {
    const url = await findAccount(target(context, accountKeyOf(state)));
    if (url === null) {
      context.logger.warn(
        "The ACME account no longer exists: the CA does not know its key (the account was deactivated, or the CA lost its data). It is removed from the state; the next apply registers it again",
        { registration_url: state.registration_url ?? undefined },
      );
      return null;
    }
    return { ...state, id: url, registration_url: url };
  },
  async delete(state, context) {
    const registrationUrl = state.registration_url;
    await deactivateAccount({ ...target(context, accountKeyOf(state)), ...(registrationUrl ? { registrationUrl } : {}) });
  },
});

/** The account key: always in state once created (given or generated). */
function accountKeyOf(state: Model): string {
  if (state.account_key_pem === null) throw new Error("acme_registration: the state holds no account_key_pem");
  return state.account_key_pem;
}

function target(context: OperationContext<AcmeProviderData>, accountKeyPem: string) {
  const { provider, signal, logger } = context;
  return { directoryUrl: requireServerUrl(provider), accountKeyPem, signal, logger, ...(provider.caCertPem ? { caCertPem: provider.caCertPem } : {}) };
}

function accountKeySpec(planned: Pick<Model, "account_key_algorithm" | "account_key_ecdsa_curve" | "account_key_rsa_bits">): AccountKeySpec {
  if (planned.account_key_algorithm === "RSA") return { algorithm: "RSA", bits: planned.account_key_rsa_bits };
  return { algorithm: "ECDSA", curve: planned.account_key_ecdsa_curve };
}
