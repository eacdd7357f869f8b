// The provider block: which ACME server, and which extra CA certificates to trust.
import { readFileSync } from "node:fs";
import { DiagnosticsError, error, isUnknown, type Diagnostic, type Schema, type TfObject } from "../plugin/index.js";
import { blockSchema, validateLiterals } from "../provider/index.js";
import { providerAttributes, providerDescription, serverUrlProblem } from "./provider-attributes.js";

export interface AcmeProviderData {
  /** undefined when the provider block's server_url is not known yet (computed upstream). */
  serverUrl?: string;
  /** Extra CA certificates for the ACME server's HTTPS (LEGO_CA_CERTIFICATES), PEM. */
  caCertPem?: string;
  /** The provider process's environment, read-only: DNS settings fall back to it. */
  env: Readonly<NodeJS.ProcessEnv>;
}

export const providerSchema: Schema = { version: 0, block: blockSchema(providerAttributes, providerDescription) };

export function validateProviderConfig(config: TfObject): Diagnostic[] {
  return validateLiterals(providerAttributes, config);
}

export function configureProvider(config: TfObject, env: Readonly<NodeJS.ProcessEnv>): AcmeProviderData {
  const caCertPem = readCaCertificates(env);
  if (isUnknown(config.server_url)) return { env, ...(caCertPem ? { caCertPem } : {}) };
  const serverUrl = typeof config.server_url === "string" ? config.server_url : env.ACME_SERVER_URL;
  if (!serverUrl) {
    throw new DiagnosticsError([
      error(
        "Missing ACME server URL",
        'Set server_url in the provider "acme" block (e.g. https://acme-staging-v02.api.letsencrypt.org/directory) or the ACME_SERVER_URL environment variable.',
        ["server_url"],
      ),
    ]);
  }
  const source = config.server_url === null ? "ACME_SERVER_URL" : "server_url";
  const problem = serverUrlProblem(serverUrl, { name: source });
  if (problem) throw new DiagnosticsError([error("Invalid server_url", problem, ["server_url"])]);
  return { env, serverUrl, ...(caCertPem ? { caCertPem } : {}) };
}

/** The configured server URL, or an error saying why it is not there. */
export function requireServerUrl(provider: AcmeProviderData): string {
  if (provider.serverUrl) return provider.serverUrl;
  throw new DiagnosticsError([error("ACME server URL not known", "The provider's server_url depends on a value that is only known after apply.")]);
}

/**
 * LEGO_CA_CERTIFICATES, as the reference provider (through lego) reads it: paths of PEM
 * files, separated by ":" or ",", trusted in addition to the system roots.
 */
function readCaCertificates(env: Readonly<NodeJS.ProcessEnv>): string | undefined {
  const list = env.LEGO_CA_CERTIFICATES;
  if (!list) return undefined;
  return list
    .split(/[,:]/)
    .filter(Boolean)
    .map((path) => {
      const problem = (why: string) =>
        new DiagnosticsError([error("Cannot read LEGO_CA_CERTIFICATES", `${path}: ${why}. Point LEGO_CA_CERTIFICATES at readable PEM files, separated by ":" or ",".`)]);
      let pem: string;
      try {
        pem = readFileSync(path, "utf8");
      } catch (cause) {
        // "ENOENT: no such file or directory, open '/x'" -> "no such file or directory"
        throw problem((cause as Error).message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, ""));
      }
      if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw problem("it holds no PEM certificate");
      return pem;
    })
    .join("\n");
}
