// The go-plugin handshake: what Terraform tells the provider through the environment,
// and the one line the provider answers on stdout.

export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
export const SUPPORTED_PROTOCOLS = [6, 5] as const;
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOLS)[number];

export class HandshakeError extends Error {}

export interface HandshakeRequest {
  protocol: ProtocolVersion;
  /** Terraform's client certificate (PEM); absent when TF_DISABLE_PLUGIN_TLS is set. */
  clientCertificatePem?: string;
  socketDirectory?: string;
}

export const RUN_BY_HAND_MESSAGE = `This binary is a plugin. These are not meant to be executed directly.
Please execute the program that consumes these plugins, which will
load any plugins automatically (terraform init, terraform apply).
`;

/** Read the handshake from Terraform's environment; throws HandshakeError with a human message. */
export function readHandshake(env: NodeJS.ProcessEnv): HandshakeRequest {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) throw new HandshakeError(RUN_BY_HAND_MESSAGE);
  return {
    protocol: negotiateProtocol(env.PLUGIN_PROTOCOL_VERSIONS, env.ACME_TF_PLUGIN_PROTOCOL),
    ...(env.PLUGIN_CLIENT_CERT ? { clientCertificatePem: env.PLUGIN_CLIENT_CERT } : {}),
    ...(env.PLUGIN_UNIX_SOCKET_DIR ? { socketDirectory: env.PLUGIN_UNIX_SOCKET_DIR } : {}),
  };
}

/**
 * The highest protocol both sides speak; the client's list order carries no meaning.
 * `pinned` (ACME_TF_PLUGIN_PROTOCOL) restricts this side to one version: Terraform >= 1.0
 * offers both and would otherwise always get 6, so this is how protocol 5 is exercised
 * (or worked around) with a current Terraform.
 */
export function negotiateProtocol(offered: string | undefined, pinned?: string): ProtocolVersion {
  // go-plugin clients older than protocol negotiation send nothing and speak 5.
  const versions = (offered ?? "5").split(",").map((v) => Number(v.trim()));
  const served = pinned ? SUPPORTED_PROTOCOLS.filter((version) => String(version) === pinned.trim()) : SUPPORTED_PROTOCOLS;
  if (served.length === 0) {
    throw new HandshakeError(`ACME_TF_PLUGIN_PROTOCOL must be ${SUPPORTED_PROTOCOLS.join(" or ")}; got ${JSON.stringify(pinned)}.\n`);
  }
  for (const version of served) {
    if (versions.includes(version)) return version;
  }
  throw new HandshakeError(
    `This provider speaks Terraform plugin protocol ${served.join(" and ")}${pinned ? " (ACME_TF_PLUGIN_PROTOCOL)" : ""}, ` +
      `but the client offered ${JSON.stringify(offered ?? "")}. Use Terraform 0.12 or later (or OpenTofu).\n`,
  );
}

/** `1|<protocol>|unix|<socket>|grpc|<cert>`: core protocol 1, then ours, then how to connect. */
export function handshakeLine(protocol: ProtocolVersion, socketPath: string, certificateDer?: Buffer): string {
  // Standard base64 without the `=` padding: go-plugin decodes it with RawStdEncoding.
  const cert = certificateDer ? certificateDer.toString("base64").replace(/=+$/, "") : "";
  return `1|${protocol}|unix|${socketPath}|grpc|${cert}\n`;
}
