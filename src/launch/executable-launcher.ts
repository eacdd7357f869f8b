// The launcher of the single executable in the release's Linux zips: the zip holds this
// script under the provider's name, and the executable beside it. Node parses
// NODE_EXTRA_CA_CERTS (Node's roots and the whole file) at the start of every process,
// and the executable is node itself: ~90 ms per start where the variable names the system
// bundle, at each of Terraform's 3-4 starts per apply. The script hands the variable over
// as the Node package's launcher does (the provider trusts it at its first TLS
// connection). Windows zips hold the executable alone: no POSIX shell there.
import { HAND_OVER_EXTRA_CA_CERTS_SH, LAUNCHER_DIRECTORY_SH } from "./launcher-environment.js";

/** The executable's name in the zip: not terraform-provider-*, so Terraform runs the launcher. */
export const EXECUTABLE_FILE = "acme-tf-provider";

/** The launcher script (POSIX sh); `exec`, so that Terraform's signals reach the provider. */
export const EXECUTABLE_LAUNCHER = `#!/bin/sh
# acme-tf provider (single executable): runs ${EXECUTABLE_FILE}, next to this file.
${LAUNCHER_DIRECTORY_SH}${HAND_OVER_EXTRA_CA_CERTS_SH}exec "$dir/${EXECUTABLE_FILE}" "$@"
`;
