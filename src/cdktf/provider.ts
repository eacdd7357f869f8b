// The `acme` provider block. Its source and version constraint go into the stack's
// required_providers, so `terraform init` looks for this provider (acme-tf/acme) and never
// falls back to a non-existent hashicorp/acme.
import { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { PROVIDER_SOURCE } from "../identity/index.js";
import { acmeGeneratorMetadata } from "./element.js";
import { addSynthChecks } from "./synth-checks.js";
import { providerAttributes } from "../resources/declarations.js";
import type { AcmeProviderArguments } from "./generated.js";
import { elementSpec, synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";

/**
 * The provider block's arguments in camelCase (`serverUrl`: the ACME directory URL,
 * defaulting to terraform's `ACME_SERVER_URL` environment variable), and its alias.
 */
export interface AcmeProviderConfig extends AcmeProviderArguments {
  /** Alias name of this provider configuration (select it with a resource's `provider`). */
  readonly alias?: string;
}

export class AcmeProvider extends TerraformProvider {
  static readonly tfResourceType = "acme";
  static readonly spec: ElementSpec = elementSpec("acme", "provider", providerAttributes);

  private readonly config: AcmeProviderConfig;
  private _alias?: string;

  constructor(scope: Construct, id: string, config: AcmeProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: AcmeProvider.tfResourceType,
      terraformGeneratorMetadata: acmeGeneratorMetadata(),
      terraformProviderSource: PROVIDER_SOURCE,
    });
    this.config = { ...config };
    this._alias = config.alias;
    addSynthChecks(this, AcmeProvider.spec, () => this.config);
  }

  override get alias(): string | undefined {
    return this._alias;
  }

  override set alias(value: string | undefined) {
    this._alias = value;
  }

  /** The configured server URL (a provider's arguments cannot be referenced in Terraform). */
  get serverUrl(): string | undefined {
    return this.config.serverUrl;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...synthesizeJson(AcmeProvider.spec, this.config as Record<string, unknown>), alias: this._alias };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    const attributes = synthesizeHcl(AcmeProvider.spec, this.config as Record<string, unknown>);
    if (this._alias !== undefined) attributes.alias = { value: this._alias, isBlock: false, type: "simple", storageClassType: "string" };
    return attributes;
  }
}
