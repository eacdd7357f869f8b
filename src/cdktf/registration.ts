// acme_registration: an account on the ACME server.
import { TerraformResource, type IResolvable, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { acmeGeneratorMetadata, metaArguments } from "./element.js";
import { synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";
import { addSynthChecks } from "./synth-checks.js";

export interface RegistrationExternalAccountBinding {
  /** The key ID the CA gave you. */
  readonly keyId: string;
  /** The base64url HMAC key the CA gave you (sensitive). */
  readonly hmacBase64: string;
}

export interface RegistrationConfig extends TerraformMetaArguments {
  /**
   * The account's private key (PEM), e.g. a `PrivateKey` of @cdktf/provider-tls
   * (`privateKeyPem`). Generated from the `accountKey*` arguments when not given.
   */
  readonly accountKeyPem?: string;
  /** `ECDSA` (default) or `RSA`, for a generated key. */
  readonly accountKeyAlgorithm?: "ECDSA" | "RSA" | (string & {});
  /** `P256` or `P384` (default), for a generated ECDSA key. */
  readonly accountKeyEcdsaCurve?: "P256" | "P384" | (string & {});
  /** `2048`, `3072` or `4096` (default), for a generated RSA key. */
  readonly accountKeyRsaBits?: number;
  /** The contact email address of the account. */
  readonly emailAddress?: string;
  /** External account binding credentials, for CAs that require them. */
  readonly externalAccountBinding?: RegistrationExternalAccountBinding | IResolvable;
}

const ARGUMENTS = {
  accountKeyPem: { name: "account_key_pem", kind: "string" },
  accountKeyAlgorithm: { name: "account_key_algorithm", kind: "string" },
  accountKeyEcdsaCurve: { name: "account_key_ecdsa_curve", kind: "string" },
  accountKeyRsaBits: { name: "account_key_rsa_bits", kind: "number" },
  emailAddress: { name: "email_address", kind: "string" },
} satisfies ElementSpec["arguments"];

export class Registration extends TerraformResource {
  static readonly tfResourceType = "acme_registration";
  static readonly spec: ElementSpec = {
    typeName: "acme_registration",
    kind: "resource",
    arguments: ARGUMENTS,
    blocks: {
      externalAccountBinding: {
        name: "external_account_binding",
        maxItems: 1,
        arguments: {
          keyId: { name: "key_id", kind: "string", required: true },
          hmacBase64: { name: "hmac_base64", kind: "string", required: true },
        },
      },
    },
    // Every argument can be read back, plus what only the provider computes.
    attributes: {
      ...ARGUMENTS,
      id: { name: "id", kind: "string" },
      registrationUrl: { name: "registration_url", kind: "string" },
    },
  };

  private readonly config: RegistrationConfig;

  constructor(scope: Construct, id: string, config: RegistrationConfig = {}) {
    super(scope, id, { terraformResourceType: Registration.tfResourceType, terraformGeneratorMetadata: acmeGeneratorMetadata(), ...metaArguments(config) });
    this.config = { ...config };
    addSynthChecks(this, Registration.spec, () => this.config);
  }

  /** The registration URL. */
  get id(): string {
    return this.getStringAttribute("id");
  }
  /** The account's private key (PEM, sensitive): given or generated. */
  get accountKeyPem(): string {
    return this.getStringAttribute("account_key_pem");
  }
  get accountKeyAlgorithm(): string {
    return this.getStringAttribute("account_key_algorithm");
  }
  get accountKeyEcdsaCurve(): string {
    return this.getStringAttribute("account_key_ecdsa_curve");
  }
  get accountKeyRsaBits(): number {
    return this.getNumberAttribute("account_key_rsa_bits");
  }
  get emailAddress(): string {
    return this.getStringAttribute("email_address");
  }
  /** The account's URL on the ACME server. */
  get registrationUrl(): string {
    return this.getStringAttribute("registration_url");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(Registration.spec, this.config as Record<string, unknown>);
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(Registration.spec, this.config as Record<string, unknown>);
  }
}
