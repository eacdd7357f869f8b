// acme_registration's arguments and attributes, declared once (plain data: the constructs
// read it too). Every argument replaces the account.
import { ACCOUNT_KEY_ALGORITHMS, ACCOUNT_RSA_BITS, ECDSA_CURVES } from "../acme/vocabulary.js";
import { block, conflictsWith, matches, number, string, type Validator } from "../provider/declarations.js";
import { privateKeyPem } from "./validators.js";

export const registrationDescription = "An account on the ACME server.";

// The reference: a given account_key_pem conflicts with the generation arguments, and the
// curve with the RSA size.
const generatedOnly = conflictsWith("account_key_pem", (name) => `${name} only describes a key the provider generates. Remove one of them.`);

/** An email address; a `mailto:` prefix is accepted (and not doubled in the contact URL). */
const emailAddress: Validator<string> = (given, { name }) => {
  const email = given.replace(/^mailto:/i, "");
  return /^[^@\s:]+@[^@\s]+$/.test(email) ? undefined : `${name} must be an email address like admin@example.com; got ${JSON.stringify(email)}.`;
};

export const registrationAttributes = {
  id: string({ computed: true, description: "The registration URL." }),
  account_key_pem: string({
    optional: true,
    computed: true,
    sensitive: true,
    replace: true,
    validators: [privateKeyPem],
    description: "The account's private key (PEM). Generated from the `account_key_*` arguments when not given.",
  }),
  account_key_algorithm: string({
    optional: true,
    default: "ECDSA",
    values: ACCOUNT_KEY_ALGORITHMS,
    replace: true,
    validators: [generatedOnly],
    description: "`ECDSA` (default) or `RSA`, for a generated key.",
  }),
  account_key_ecdsa_curve: string({
    optional: true,
    default: "P384",
    values: ECDSA_CURVES,
    replace: true,
    validators: [generatedOnly],
    description: "`P256` or `P384` (default), for a generated ECDSA key.",
  }),
  account_key_rsa_bits: number({
    optional: true,
    default: 4096,
    values: ACCOUNT_RSA_BITS,
    replace: true,
    validators: [generatedOnly, conflictsWith("account_key_ecdsa_curve", () => "a key is either ECDSA (a curve) or RSA (a size). Remove one of them.")],
    description: "`2048`, `3072` or `4096` (default), for a generated RSA key.",
  }),
  email_address: string({
    optional: true,
    replace: true,
    validators: [emailAddress],
    description: "The contact email address of the account (`admin@example.com`; a `mailto:` prefix is accepted and not doubled).",
  }),
  registration_url: string({ computed: true, description: "The account's URL on the ACME server." }),
  external_account_binding: block({
    description: "External account binding credentials, for CAs that require them.",
    maxItems: 1,
    replace: true,
    attributes: {
      key_id: string({ required: true, sensitive: true, description: "The key ID the CA gave you." }),
      hmac_base64: string({
        required: true,
        sensitive: true,
        validators: [matches(/^[A-Za-z0-9_\-+/]+=*$/, "the base64url-encoded HMAC key your CA gave you")],
        description: "The base64url HMAC key the CA gave you.",
      }),
    },
  }),
};
