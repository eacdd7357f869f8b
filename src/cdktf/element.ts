// What every acme resource and data source construct shares: the generator metadata that
// ties it to the `acme` provider, and the meta-arguments passed to cdktf's base classes.
import type { TerraformMetaArguments, TerraformProviderGeneratorMetadata } from "cdktf";
import { PROVIDER_VERSION } from "../identity/index.js";
import { versionConstraint } from "./version.js";

// No providerVersion: cdktf would pin required_providers to it instead of the constraint.
const METADATA: TerraformProviderGeneratorMetadata = { providerName: "acme", providerVersionConstraint: versionConstraint(PROVIDER_VERSION) };

export function acmeGeneratorMetadata(): TerraformProviderGeneratorMetadata {
  return METADATA;
}

/** The meta-arguments of a config, and nothing else (cdktf keeps what it is given). */
export function metaArguments(config: TerraformMetaArguments): TerraformMetaArguments {
  const { dependsOn, count, provider, lifecycle, forEach, provisioners, connection } = config;
  return { dependsOn, count, provider, lifecycle, forEach, provisioners, connection } as TerraformMetaArguments;
}
