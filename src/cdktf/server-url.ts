// Data source acme_server_url: the ACME directory URL the provider is configured with.
// Its getters come from the provider's declarations (src/resources/server-url-attributes.ts).
import { TerraformDataSource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { serverUrlAttributes } from "../resources/declarations.js";
import { acmeGeneratorMetadata, metaArguments } from "./element.js";
import type { DataAcmeServerUrlAttributes } from "./generated.js";
import { defineAttributeGetters, elementSpec, synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";
import { addSynthChecks } from "./synth-checks.js";

export type DataAcmeServerUrlConfig = TerraformMetaArguments;

// Declaration merging: the getters defineAttributeGetters adds below, typed.
export interface DataAcmeServerUrl extends DataAcmeServerUrlAttributes {}

export class DataAcmeServerUrl extends TerraformDataSource {
  static readonly tfResourceType = "acme_server_url";
  static readonly spec: ElementSpec = elementSpec("acme_server_url", "data", serverUrlAttributes);

  constructor(scope: Construct, id: string, config: DataAcmeServerUrlConfig = {}) {
    super(scope, id, { terraformResourceType: DataAcmeServerUrl.tfResourceType, terraformGeneratorMetadata: acmeGeneratorMetadata(), ...metaArguments(config) });
    addSynthChecks(this, DataAcmeServerUrl.spec, () => ({}));
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(DataAcmeServerUrl.spec, {});
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(DataAcmeServerUrl.spec, {});
  }
}

defineAttributeGetters(DataAcmeServerUrl);
