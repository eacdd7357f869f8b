// acme_dns_registration: an account on an acme-dns server, for DnsChallenge.acmeDns. One
// stack can register it, create the `_acme-challenge` CNAME with any DNS resource
// (`cnameName` -> `fulldomain`) and issue the certificate with `credentialsJson`. Its
// properties and getters come from the provider's declarations
// (src/resources/dns-registration-attributes.ts).
import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { dnsRegistrationAttributes } from "../resources/declarations.js";
import { acmeGeneratorMetadata, metaArguments } from "./element.js";
import type { AcmeDnsRegistrationArguments, AcmeDnsRegistrationAttributes } from "./generated.js";
import { defineAttributeGetters, elementSpec, synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";
import { addSynthChecks } from "./synth-checks.js";

/** Every argument of acme_dns_registration (`serverUrl`, `allowfrom`, `domain`), plus the meta-arguments. */
export interface AcmeDnsRegistrationConfig extends TerraformMetaArguments, AcmeDnsRegistrationArguments {}

// Declaration merging: the getters defineAttributeGetters adds below, typed.
export interface AcmeDnsRegistration extends AcmeDnsRegistrationAttributes {}

export class AcmeDnsRegistration extends TerraformResource {
  static readonly tfResourceType = "acme_dns_registration";
  static readonly spec: ElementSpec = elementSpec("acme_dns_registration", "resource", dnsRegistrationAttributes);

  private readonly config: AcmeDnsRegistrationConfig;

  constructor(scope: Construct, id: string, config: AcmeDnsRegistrationConfig) {
    super(scope, id, { terraformResourceType: AcmeDnsRegistration.tfResourceType, terraformGeneratorMetadata: acmeGeneratorMetadata(), ...metaArguments(config) });
    this.config = { ...config };
    addSynthChecks(this, AcmeDnsRegistration.spec, () => this.config);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(AcmeDnsRegistration.spec, this.config as unknown as Record<string, unknown>);
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(AcmeDnsRegistration.spec, this.config as unknown as Record<string, unknown>);
  }
}

defineAttributeGetters(AcmeDnsRegistration);
