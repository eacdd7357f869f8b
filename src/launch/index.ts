// How the provider process is launched: what the launchers (bin/terraform-provider-acme,
// the one `acme-tf install` writes) do before node runs, and its undoing in the provider.
export { DEFERRED_EXTRA_CA_CERTS, HAND_OVER_EXTRA_CA_CERTS_SH, restoreLauncherEnvironment } from "./launcher-environment.js";
