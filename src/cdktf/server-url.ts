// Data source acme_server_url: the ACME directory URL the provider is configured with.
import { TerraformDataSource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { acmeGeneratorMetadata, metaArguments } from "./element.js";
import { synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";
import { addSynthChecks } from "./synth-checks.js";

export type DataAcmeServerUrlConfig = TerraformMetaArguments;

export class DataAcmeServerUrl extends TerraformDataSource {
  static readonly tfResourceType = "acme_server_url";
  static readonly spec: ElementSpec = {
    typeName: "acme_server_url",
    kind: "data",
    arguments: {},
    blocks: {},
    attributes: {
      id: { name: "id", kind: "string" },
      serverUrl: { name: "server_url", kind: "string" },
    },
  };

  constructor(scope: Construct, id: string, config: DataAcmeServerUrlConfig = {}) {
    super(scope, id, { terraformResourceType: DataAcmeServerUrl.tfResourceType, terraformGeneratorMetadata: acmeGeneratorMetadata(), ...metaArguments(config) });
    addSynthChecks(this, DataAcmeServerUrl.spec, () => ({}));
  }

  /** The server URL. */
  get id(): string {
    return this.getStringAttribute("id");
  }
  /** The URL of the ACME directory. */
  get serverUrl(): string {
    return this.getStringAttribute("server_url");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(DataAcmeServerUrl.spec, {});
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(DataAcmeServerUrl.spec, {});
  }
}
