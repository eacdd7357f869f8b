// Resource acme_dns_registration: an account on an acme-dns server, registered with
// POST /register, so that one configuration can register, create the `_acme-challenge`
// CNAME (with any DNS resource) and issue the certificate in a single apply. acme-dns
// cannot look an account up nor delete it: read keeps the state, delete forgets it.
import { accountEntry, credentialsKey, whyNotApiBase, whyNotCidr, whyUnsafeApiBase } from "../dns/index.js";
import { error, warning, type Diagnostic } from "../plugin/index.js";
import { declareResource } from "../provider/index.js";
import type { ConfigurationOf } from "../provider/declarations.js";
import { dnsRegistrationAttributes, dnsRegistrationDescription } from "./dns-registration-attributes.js";
import type { AcmeProviderData } from "./provider-config.js";

const REQUEST_TIMEOUT_SECONDS = 30;

export const dnsRegistrationResource = declareResource<AcmeProviderData, typeof dnsRegistrationAttributes>({
  name: "acme_dns_registration",
  description: dnsRegistrationDescription,
  attributes: dnsRegistrationAttributes,
  validate,
  async create(planned, { signal, logger }) {
    const serverUrl = planned.server_url;
    const { registerAccount } = await import("../dns/runtime.js");
    const account = await registerAccount({ apiBase: serverUrl, setting: "server_url", timeoutSeconds: REQUEST_TIMEOUT_SECONDS }, planned.allowfrom ?? undefined, signal);
    logger.info("acme-dns account registered", { fulldomain: account.fulldomain });
    const key = planned.domain === null ? undefined : credentialsKey(planned.domain);
    return {
      ...planned,
      id: account.subdomain,
      username: account.username,
      password: account.password,
      fulldomain: account.fulldomain,
      subdomain: account.subdomain,
      cname_name: key === undefined ? null : `_acme-challenge.${key}`,
      credentials_json: key === undefined ? null : JSON.stringify({ [key]: accountEntry(account) }),
    };
  },
  // acme-dns has no API to look an account up: what was registered stays as it was.
  async read(state) {
    return state;
  },
  // Nor one to delete it: the account stays on the server, unused once the CNAME is gone.
  async delete(state, { logger }) {
    logger.info("acme-dns has no deregistration: the account stays on the server", { fulldomain: state.fulldomain ?? undefined });
  },
});

/** The server URL and networks, by the acme-dns layer's rules (the declarations check the rest). */
function validate(config: ConfigurationOf<typeof dnsRegistrationAttributes>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const serverUrl = config.server_url;
  if (typeof serverUrl === "string") {
    const why = whyNotApiBase(serverUrl);
    if (why) diagnostics.push(error("Invalid server_url", `server_url: ${why}.`, ["server_url"]));
    const unsafe = whyUnsafeApiBase(serverUrl);
    if (unsafe) diagnostics.push(warning("Unencrypted acme-dns server_url", unsafe, ["server_url"]));
  }
  const allowfrom = config.allowfrom;
  if (Array.isArray(allowfrom)) {
    allowfrom.forEach((network, index) => {
      const why = typeof network === "string" ? whyNotCidr(network) : undefined;
      if (why) diagnostics.push(error("Invalid allowfrom", `allowfrom[${index}]: ${why}.`, ["allowfrom", index]));
    });
  }
  return diagnostics;
}
