// Who this provider is: the source address Terraform installs it under and its version.
// The CLI (install, release), the constructs (required_providers) and the release tree all
// name the provider through this module.

export const PROVIDER_HOST = "registry.terraform.io";
export const PROVIDER_NAMESPACE = "acme-tf";
export const PROVIDER_TYPE = "acme";
export const PROVIDER_SOURCE = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;

/**
 * package.json's version, as a constant because this module also runs inside the
 * single executable and the CommonJS build, where package.json cannot be read. `npm version`
 * rewrites it (scripts/stamp-version.mjs); test/identity checks the two agree.
 */
export const PROVIDER_VERSION = "0.1.0";
