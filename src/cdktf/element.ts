// What every acme resource and data source construct shares: the generator metadata that
// ties it to the `acme` provider, and the meta-arguments passed to cdktf's base classes.
import type { TerraformMetaArguments, TerraformProviderGeneratorMetadata } from "cdktf";
import { providerVersion } from "../cli/install.js";
import { versionConstraint } from "./version.js";

let metadata: TerraformProviderGeneratorMetadata | undefined;

export function acmeGeneratorMetadata(): TerraformProviderGeneratorMetadata {
  if (!metadata) {
    const version = providerVersion();
    // No providerVersion: cdktf would pin required_providers to it instead of the constraint.
    metadata = { providerName: "acme", providerVersionConstraint: versionConstraint(version) };
  }
  return metadata;
}

/** The meta-arguments of a config, and nothing else (cdktf keeps what it is given). */
export function metaArguments(config: TerraformMetaArguments): TerraformMetaArguments {
  const { dependsOn, count, provider, lifecycle, forEach, provisioners, connection } = config;
  return { dependsOn, count, provider, lifecycle, forEach, provisioners, connection } as TerraformMetaArguments;
}
