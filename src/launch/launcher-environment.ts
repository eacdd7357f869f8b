// What bin/terraform-provider-acme changes in the environment before it starts node, undone
// first thing in the provider, so that the programs it runs (exec) get the user's
// environment as it was.
//
// NODE_EXTRA_CA_CERTS: Node parses its whole root store and that file at process start,
// before any of our code, at each of Terraform's 3-4 launches per apply (`--use-openssl-ca`
// does not defer it on Node 20). The launcher passes the file's name under this other name
// instead, and the provider trusts its certificates at the first TLS connection
// (trustContext in src/http/trust.ts).
export const DEFERRED_EXTRA_CA_CERTS = "ACME_TF_NODE_EXTRA_CA_CERTS";

/**
 * The launchers' part (POSIX sh), before they exec node or the single executable (which
 * is node too); bin/terraform-provider-acme has the same lines (test/launch/launchers.test.ts
 * checks it).
 */
export const HAND_OVER_EXTRA_CA_CERTS_SH = `if [ -n "\${NODE_EXTRA_CA_CERTS-}" ]; then
  ${DEFERRED_EXTRA_CA_CERTS}=$NODE_EXTRA_CA_CERTS
  export ${DEFERRED_EXTRA_CA_CERTS}
  unset NODE_EXTRA_CA_CERTS
fi
`;

/**
 * The launchers' lines (POSIX sh) that set `dir` to the launcher's own directory, following
 * a symlinked launcher (a plugin mirror or dev_overrides dir). readlink only for a symlink:
 * Terraform starts the provider 3-4 times per apply, and forking readlink and dirname cost
 * ~3 ms each time. bin/terraform-provider-acme has the same lines (test/launch/launchers.test.ts
 * checks it).
 */
export const LAUNCHER_DIRECTORY_SH = `self=$0
if [ -L "$self" ]; then self=$(readlink -f "$self"); fi
case $self in */*) dir=\${self%/*} ;; *) dir=. ;; esac
`;

export function restoreLauncherEnvironment(env: NodeJS.ProcessEnv): void {
  const deferred = env[DEFERRED_EXTRA_CA_CERTS];
  if (deferred === undefined) return;
  env.NODE_EXTRA_CA_CERTS = deferred;
  delete env[DEFERRED_EXTRA_CA_CERTS];
}
