// acme_certificate: a certificate issued through DNS-01 challenges. Its properties and
// getters come from the provider's declarations (src/resources/certificate-attributes.ts).
import { TerraformResource, type IResolvable, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { certificateAttributes } from "../resources/declarations.js";
import type { DnsChallengeConfig } from "./dns-challenge.js";
import { acmeGeneratorMetadata, metaArguments } from "./element.js";
import type { CertificateArguments, CertificateAttributes } from "./generated.js";
import { defineAttributeGetters, elementSpec, synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";
import { addSynthChecks } from "./synth-checks.js";

export type KeyType = (typeof certificateAttributes.key_type.values)[number];
export type RevocationReason = (typeof certificateAttributes.revoke_certificate_reason.values)[number];

/** Every argument of acme_certificate, in camelCase, plus the meta-arguments. */
export interface CertificateConfig extends TerraformMetaArguments, CertificateArguments {
  /**
   * The DNS providers answering the DNS-01 challenges (each gets every challenge):
   * `DnsChallenge.exec({...})`, or `{ provider, config }`. At least one.
   */
  readonly dnsChallenge: DnsChallengeConfig[] | IResolvable;
}

// Declaration merging: the getters defineAttributeGetters adds below, typed.
export interface Certificate extends CertificateAttributes {}

export class Certificate extends TerraformResource {
  static readonly tfResourceType = "acme_certificate";
  static readonly spec: ElementSpec = elementSpec("acme_certificate", "resource", certificateAttributes);

  private readonly config: CertificateConfig;

  constructor(scope: Construct, id: string, config: CertificateConfig) {
    super(scope, id, { terraformResourceType: Certificate.tfResourceType, terraformGeneratorMetadata: acmeGeneratorMetadata(), ...metaArguments(config) });
    this.config = { ...config };
    addSynthChecks(this, Certificate.spec, () => this.config);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(Certificate.spec, this.config as unknown as Record<string, unknown>);
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(Certificate.spec, this.config as unknown as Record<string, unknown>);
  }
}

defineAttributeGetters(Certificate);
