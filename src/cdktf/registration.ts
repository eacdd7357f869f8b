// acme_registration: an account on the ACME server. Its properties and getters come from
// the provider's declarations (src/resources/registration-attributes.ts).
import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { registrationAttributes } from "../resources/declarations.js";
import { acmeGeneratorMetadata, metaArguments } from "./element.js";
import type { RegistrationArguments, RegistrationAttributes } from "./generated.js";
import { defineAttributeGetters, elementSpec, synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";
import { addSynthChecks } from "./synth-checks.js";

export type { RegistrationExternalAccountBinding } from "./generated.js";

/**
 * Every argument of acme_registration, in camelCase (`accountKeyPem` e.g. from a
 * @cdktf/provider-tls `PrivateKey`, `emailAddress`, ...), plus the meta-arguments.
 */
export interface RegistrationConfig extends TerraformMetaArguments, RegistrationArguments {}

// Declaration merging: the getters defineAttributeGetters adds below, typed.
export interface Registration extends RegistrationAttributes {}

export class Registration extends TerraformResource {
  static readonly tfResourceType = "acme_registration";
  static readonly spec: ElementSpec = elementSpec("acme_registration", "resource", registrationAttributes);

  private readonly config: RegistrationConfig;

  constructor(scope: Construct, id: string, config: RegistrationConfig = {}) {
    super(scope, id, { terraformResourceType: Registration.tfResourceType, terraformGeneratorMetadata: acmeGeneratorMetadata(), ...metaArguments(config) });
    this.config = { ...config };
    addSynthChecks(this, Registration.spec, () => this.config);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(Registration.spec, this.config as Record<string, unknown>);
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(Registration.spec, this.config as Record<string, unknown>);
  }
}

defineAttributeGetters(Registration);
