// Resource acme_dns_registration: an account on an acme-dns server, registered with
// POST /register, so that one configuration can register, create the `_acme-challenge`
// CNAME (with any DNS resource) and issue the certificate in a single apply. acme-dns
// cannot look an account up nor delete it: read keeps the state, delete forgets it.
import { accountEntry, credentialsKey, whyNotApiBase, whyNotCidr, whyUnsafeApiBase } from "../dns/index.js";
import { error, warning, type Diagnostic } from "../plugin/diagnostics.js";
import type { Schema } from "../plugin/schema.js";
import type { TfObject } from "../plugin/values.js";
import type { ResourceType } from "../provider/resource-type.js";
import { isDnsName } from "../shared/index.js";
import { stringListOf, stringOf } from "./attributes.js";
import type { AcmeProviderData } from "./provider-config.js";

const REQUEST_TIMEOUT_SECONDS = 30;

const schema: Schema = {
  version: 0,
  block: {
    description: "An account on an acme-dns server, for the `acme-dns` DNS challenge provider.",
    attributes: {
      id: { type: "string", computed: true, description: "The account's subdomain." },
      server_url: { type: "string", required: true, description: "The acme-dns server's API base URL, e.g. `https://auth.example.com`." },
      allowfrom: {
        type: ["list", "string"],
        optional: true,
        description: "The networks (CIDR) allowed to update the account's TXT record. Unset: any address.",
      },
      domain: {
        type: "string",
        optional: true,
        description: "The domain whose challenges the account answers, e.g. `example.com` (for `cname_name` and `credentials_json`).",
      },
      username: { type: "string", computed: true, description: "The account's username (`X-Api-User`)." },
      password: { type: "string", computed: true, sensitive: true, description: "The account's password (`X-Api-Key`)." },
      fulldomain: { type: "string", computed: true, description: "The name that holds the account's TXT record: the target of the CNAME." },
      subdomain: { type: "string", computed: true, description: "The account's subdomain on the acme-dns server." },
      cname_name: { type: "string", computed: true, description: "`_acme-challenge.<domain>`: the name of the CNAME to create. Null without `domain`." },
      credentials_json: {
        type: "string",
        computed: true,
        sensitive: true,
        description: "The credentials JSON keyed by `domain`, for `ACME_DNS_STORAGE_JSON`. Null without `domain`.",
      },
    },
  },
};

export const dnsRegistrationResource: ResourceType<AcmeProviderData> = {
  name: "acme_dns_registration",
  schema,
  replaceOnChange: ["server_url", "allowfrom", "domain"],
  validate,
  async create(planned, { signal, logger }) {
    const serverUrl = stringOf(planned, "server_url")!;
    const allowfrom = stringListOf(planned, "allowfrom");
    const { registerAccount } = await import("../dns/runtime.js");
    const account = await registerAccount({ apiBase: serverUrl, setting: "server_url", timeoutSeconds: REQUEST_TIMEOUT_SECONDS }, allowfrom, signal);
    logger.info("acme-dns account registered", { fulldomain: account.fulldomain });
    const domain = stringOf(planned, "domain");
    const key = domain === undefined ? undefined : credentialsKey(domain);
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
    logger.info("acme-dns has no deregistration: the account stays on the server", { fulldomain: stringOf(state, "fulldomain") });
  },
};

function validate(config: TfObject): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const serverUrl = stringOf(config, "server_url");
  if (serverUrl !== undefined) {
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
  const domain = stringOf(config, "domain");
  if (domain !== undefined) {
    if (domain.startsWith("*.")) {
      diagnostics.push(error("Invalid domain", `domain must be the bare domain, here ${JSON.stringify(domain.slice(2))}: its account also answers the wildcard's challenges.`, ["domain"]));
    } else if (!isDnsName(domain.replace(/\.$/, ""))) {
      diagnostics.push(error("Invalid domain", `domain must be a domain name like example.com; got ${JSON.stringify(domain)}.`, ["domain"]));
    }
  }
  return diagnostics;
}
