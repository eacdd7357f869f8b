// acme_dns_registration's arguments and attributes, declared once (plain data: the
// constructs read it too). The server URL and networks are checked by the resource
// (dns-registration.ts) with the acme-dns layer's own rules.
import { string, stringList, type Validator } from "../provider/declarations.js";
import { isDnsName } from "../shared/index.js";

export const dnsRegistrationDescription = "An account on an acme-dns server, for the `acme-dns` DNS challenge provider.";

/** The bare domain whose challenges (its wildcard's too) the account answers. */
const bareDomain: Validator<string> = (domain) => {
  if (domain.startsWith("*.")) return `domain must be the bare domain, here ${JSON.stringify(domain.slice(2))}: its account also answers the wildcard's challenges.`;
  if (!isDnsName(domain.replace(/\.$/, ""))) return `domain must be a domain name like example.com; got ${JSON.stringify(domain)}.`;
  return undefined;
};

export const dnsRegistrationAttributes = {
  id: string({ computed: true, description: "The account's subdomain." }),
  server_url: string({ required: true, replace: true, description: "The acme-dns server's API base URL, e.g. `https://auth.example.com`." }),
  allowfrom: stringList({
    optional: true,
    replace: true,
    description: "The networks (CIDR) allowed to update the account's TXT record. Unset: any address.",
  }),
  domain: string({
    optional: true,
    replace: true,
    validators: [bareDomain],
    description: "The domain whose challenges the account answers, e.g. `example.com` (for `cname_name` and `credentials_json`).",
  }),
  username: string({ computed: true, description: "The account's username (`X-Api-User`)." }),
  password: string({ computed: true, sensitive: true, description: "The account's password (`X-Api-Key`)." }),
  fulldomain: string({ computed: true, description: "The name that holds the account's TXT record: the target of the CNAME." }),
  subdomain: string({ computed: true, description: "The account's subdomain on the acme-dns server." }),
  cname_name: string({ computed: true, description: "`_acme-challenge.<domain>`: the name of the CNAME to create. Null without `domain`." }),
  credentials_json: string({
    computed: true,
    sensitive: true,
    description: "The credentials JSON keyed by `domain`, for `ACME_DNS_STORAGE_JSON`. Null without `domain`.",
  }),
};
