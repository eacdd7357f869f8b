// The acme-dns provider, described once: its settings, its documentation and its factory.

import type { DnsProviderDescription } from "../description.js";
import { parseAllowlist } from "./addresses.js";
import { ALLOWLIST, API_BASE, checkAcmeDnsSettings, STORAGE_JSON, STORAGE_PATH } from "./checks.js";
import { AcmeDnsProvider, DEFAULT_HTTP_TIMEOUT_SECONDS, DEFAULT_POLLING_INTERVAL_SECONDS, DEFAULT_PROPAGATION_TIMEOUT_SECONDS } from "./provider.js";
import { FileStorage, InlineStorage } from "./storage.js";

const PROPAGATION_TIMEOUT = "ACME_DNS_PROPAGATION_TIMEOUT";
const POLLING_INTERVAL = "ACME_DNS_POLLING_INTERVAL";
const HTTP_TIMEOUT = "ACME_DNS_HTTP_TIMEOUT";

const description = `
[acme-dns](https://github.com/joohoi/acme-dns) is a small DNS server that serves nothing but
DNS-01 challenge records, with an HTTP API to set them. Instead of giving this provider
credentials for your whole DNS zone, you register an account on the acme-dns server once per
domain, and delegate the domain's challenges to that account with one CNAME record in your
zone. An account can only change its own TXT record, and only from the networks it was
registered with (\`allowfrom\`).

Setting it up takes three steps, described below:

1. register an account on the acme-dns server;
2. keep its credentials in the credentials JSON, keyed by domain;
3. create the \`_acme-challenge\` CNAME in your zone.

Then, for each challenge, the provider finds the domain's account in the credentials, checks
that the CNAME is in place, and sends the challenge's value to the server:

\`\`\`
POST /update
X-Api-User: <username>
X-Api-Key: <password>

{"subdomain": "<subdomain>", "txt": "<value>"}
\`\`\`

The CA follows \`_acme-challenge.<domain>\` to the account's \`fulldomain\` and finds the value
there. The server keeps the two most recent values of each account, so a domain and its
wildcard (\`example.com\` and \`*.example.com\`, which share one account) are answered at the
same time. acme-dns has no way to delete a value: there is nothing to clean up, the next
updates overwrite it.
`;

const register = `
There are three ways to get an account; each gives the same credentials.

**With the \`acme_dns_registration\` resource**, in the same configuration as the certificate.
A single \`terraform apply\` then registers the account, creates the CNAME with whatever DNS
resource you use for your zone, and issues the certificate:

\`\`\`hcl
resource "acme_dns_registration" "example" {
  server_url = "https://auth.example.com"
  domain     = "example.com"
  allowfrom  = ["192.0.2.0/24"]
}

# Any DNS resource of yours; for example with the AWS provider:
resource "aws_route53_record" "acme_challenge" {
  zone_id = var.zone_id
  name    = acme_dns_registration.example.cname_name
  type    = "CNAME"
  ttl     = 300
  records = [acme_dns_registration.example.fulldomain]
}

resource "acme_certificate" "certificate" {
  account_key_pem           = acme_registration.account.account_key_pem
  common_name               = "example.com"
  subject_alternative_names = ["*.example.com"]

  dns_challenge {
    provider = "acme-dns"
    config = {
      ACME_DNS_API_BASE     = acme_dns_registration.example.server_url
      ACME_DNS_STORAGE_JSON = acme_dns_registration.example.credentials_json
    }
  }

  depends_on = [aws_route53_record.acme_challenge]
}
\`\`\`

See [acme_dns_registration](../resources/dns_registration.md).

**By the provider itself**, as lego does: with \`${STORAGE_PATH}\` naming a file the provider
can write (it may hold just \`{}\` at first), a domain missing from it gets an account
registered on the server, with \`${ALLOWLIST}\` as its \`allowfrom\`. The account is saved in
the file, and the apply stops with an error that gives the CNAME to create:

\`\`\`
example.com had no acme-dns account: one was registered on https://auth.example.com and saved
in /etc/acme-dns/credentials.json under "example.com". Create this DNS record in the zone of
example.com, then apply again:
  _acme-challenge.example.com. CNAME d420c923-bbd7-4056-ab64-c3ca54c9b3cf.auth.example.com.
\`\`\`

The file is written with mode \`0600\`, in one step (a temporary file renamed over it), under
a lock file (\`<file>.lock\`), and read again under the lock: other certificates or runs
adding accounts at the same time lose nothing, and a domain registered meanwhile by another
writer is used instead of being registered twice.

**By hand**, with the API directly, for example with \`curl\`:

\`\`\`shell
$ curl -X POST https://auth.example.com/register
{
  "username":"eabcdb41-d89f-4580-826f-3e62e9755ef2",
  "password":"pbAXVjlIOE01xbut7YnAbkhMQIkcwoHO0ek2j4Q0",
  "fulldomain":"d420c923-bbd7-4056-ab64-c3ca54c9b3cf.auth.example.com",
  "subdomain":"d420c923-bbd7-4056-ab64-c3ca54c9b3cf",
  "allowfrom":[]
}
\`\`\`

It is strongly recommended to restrict updates of the account to the addresses your
Terraform runs from. This is done at registration time:

\`\`\`shell
$ curl -X POST https://auth.example.com/register \\
    -H "Content-Type: application/json" --data '{"allowfrom": ["192.0.2.0/24"]}'
\`\`\`

The server answers as above, with \`"allowfrom":["192.0.2.0/24"]\`. acme-dns has no way to
delete an account.
`;

const credentials = `
The credentials are a JSON object whose keys are the domains to certify, without \`*.\` and
without a trailing dot, and whose values are the accounts as \`/register\` returned them. It
is the file cert-manager and lego read, so one file can serve all three. Several domains may
share one account; in this example the same account answers for \`example.com\` (and
\`*.example.com\`) and for \`example.org\`:

\`\`\`json
{
  "example.com": {
    "username":"eabcdb41-d89f-4580-826f-3e62e9755ef2",
    "password":"pbAXVjlIOE01xbut7YnAbkhMQIkcwoHO0ek2j4Q0",
    "fulldomain":"d420c923-bbd7-4056-ab64-c3ca54c9b3cf.auth.example.com",
    "subdomain":"d420c923-bbd7-4056-ab64-c3ca54c9b3cf",
    "allowfrom":["192.0.2.0/24"]
  },
  "example.org": {
    "username":"eabcdb41-d89f-4580-826f-3e62e9755ef2",
    "password":"pbAXVjlIOE01xbut7YnAbkhMQIkcwoHO0ek2j4Q0",
    "fulldomain":"d420c923-bbd7-4056-ab64-c3ca54c9b3cf.auth.example.com",
    "subdomain":"d420c923-bbd7-4056-ab64-c3ca54c9b3cf",
    "allowfrom":["192.0.2.0/24"]
  }
}
\`\`\`

Give it in one of these ways:

- \`${STORAGE_PATH}\`: the path of the file. The provider adds accounts to it for missing
  domains (see above) when it can write it.
- \`${STORAGE_JSON}\`: the JSON itself, for stacks that keep it in a secret store or a
  sensitive variable, or take it from \`acme_dns_registration\`'s \`credentials_json\`
  (several can be merged: \`jsonencode(merge(jsondecode(a.credentials_json), jsondecode(b.credentials_json)))\`).
- \`${STORAGE_JSON}_FILE\`: a file holding the JSON, such as a mounted Kubernetes secret.

The JSON forms are read-only: a domain missing from them is an error that says which one.
The credentials are checked before anything runs (when Terraform validates the
configuration, or plans it for values that come from variables or other resources):
invalid JSON, an entry without \`username\`, \`password\`, \`fulldomain\` or \`subdomain\`, a
key with a wildcard, or a missing file are reported with the setting at fault, never with
the secrets. So the file must exist when Terraform plans: credentials produced by the same
apply (such as \`acme_dns_registration\`'s) go in \`${STORAGE_JSON}\` instead.

-> **Note:** An account holds only two TXT values at a time. A certificate for a domain and
its wildcard uses both; a certificate that needs more at once from one shared account (say
\`example.com\`, \`*.example.com\` and \`example.org\` on the account above) is refused with an
error, as the values would overwrite each other: give each domain its own account. Within
one Terraform run, certificates sharing an account take turns.
`;

const cname = `
Next, create a CNAME record in your zone that tells the CA where to find the challenge's TXT
record: its name is the \`_acme-challenge\` subdomain of the domain, its value exactly the
account's \`fulldomain\`:

\`\`\`
_acme-challenge.example.com. CNAME d420c923-bbd7-4056-ab64-c3ca54c9b3cf.auth.example.com.
_acme-challenge.example.org. CNAME d420c923-bbd7-4056-ab64-c3ca54c9b3cf.auth.example.com.
\`\`\`

The same record serves the wildcard: \`*.example.com\` is validated at
\`_acme-challenge.example.com\` too. When the CA looks up \`_acme-challenge.example.com\`, the
CNAME sends it to the acme-dns server, where the account's TXT record holds the value. This
proves that you control \`example.com\`.

Before sending a value, the provider follows the CNAME through the certificate's resolvers
(\`recursive_nameservers\`, or the system's). When it is missing, or leads elsewhere, it checks
again every \`${POLLING_INTERVAL}\` seconds until \`${PROPAGATION_TIMEOUT}\` (a record just
created may take a moment to show), then stops with the exact record to create. The
propagation check then waits until the acme-dns server answers the value at the
\`fulldomain\`.
`;

const errors = `
Every answer of the server is turned into an error that says what to fix; the password and
username are never part of an error or a log line.

| Server answer | Meaning |
|---|---|
| \`401 forbidden\` | The account's username or password is wrong, the account does not exist on this server, or this machine's address is outside its \`allowfrom\`. |
| \`400 bad_txt\` | The value is not 43 base64url characters: something between the provider and the server altered it. |
| \`400 bad_subdomain\` | The entry's \`subdomain\` is not the account's. |
| \`400 invalid_allowfrom_cidr\` | \`${ALLOWLIST}\` (or \`allowfrom\`) holds something that is not a CIDR network. |
| \`404\`, \`405\` | \`${API_BASE}\` is not the base URL of an acme-dns API. |
| connection refused, no answer | The server is down or unreachable; each request gives up after \`${HTTP_TIMEOUT}\` seconds. |

Redirects are not followed, since they would carry the credentials elsewhere: the error gives
the URL to use. A plain \`http://\` \`${API_BASE}\` to a host other than this machine is
accepted with a warning that Terraform shows at plan, as the password would travel unencrypted.
`;

const differences = `
This provider takes the settings of lego's \`acme-dns\` provider, and the credentials file of
lego and cert-manager, with these differences:

- The credentials can also be given as JSON (\`${STORAGE_JSON}\`, or \`${STORAGE_JSON}_FILE\`),
  as cert-manager reads them from a secret; and the \`acme_dns_registration\` resource
  registers accounts without \`curl\`.
- The \`_acme-challenge\` CNAME is checked before the value is sent, and a missing or wrong one
  is reported with the record to create, where lego and cert-manager let the CA fail.
- \`${STORAGE_PATH}\` must exist (\`{}\` will do): a mistyped path is an error, where lego
  would start a new file and register new accounts.
- The file is written atomically with mode \`0600\`, under a lock; lego rewrites it in place.
- \`lego\`'s \`ACME_DNS_STORAGE_BASE_URL\` (credentials from an HTTP server) is not supported.
`;

export const acmeDnsDescription: DnsProviderDescription = {
  name: "acme-dns",
  displayName: "Joohoi's ACME-DNS",
  summary: "Solving the DNS-01 challenge through an acme-dns server, with a CNAME delegating each domain's challenges to it.",
  settings: [
    {
      name: API_BASE,
      kind: "string",
      required: true,
      secret: false,
      group: "base",
      help: "The acme-dns server's API base URL, e.g. `https://auth.example.com`.",
    },
    {
      name: STORAGE_PATH,
      kind: "path",
      executable: false,
      required: false,
      secret: false,
      group: "base",
      help: `The credentials file (JSON keyed by domain, as lego and cert-manager read it). Accounts registered for missing domains are added to it. This or \`${STORAGE_JSON}\` is required.`,
    },
    {
      name: STORAGE_JSON,
      kind: "string",
      required: false,
      secret: true,
      group: "base",
      help: `The credentials JSON itself, e.g. from a secret store or \`acme_dns_registration\`'s \`credentials_json\`. Read-only. This or \`${STORAGE_PATH}\` is required.`,
    },
    {
      name: ALLOWLIST,
      kind: "string",
      required: false,
      secret: false,
      group: "additional",
      help: "The networks (CIDR, separated by commas) allowed to update the accounts this provider registers, e.g. `192.0.2.0/24,2001:db8::/32`.",
    },
    {
      name: HTTP_TIMEOUT,
      kind: "duration-seconds",
      minimum: 1,
      default: DEFAULT_HTTP_TIMEOUT_SECONDS,
      required: false,
      secret: false,
      group: "additional",
      help: "Maximum time of one request to the acme-dns API, in seconds.",
    },
    {
      name: POLLING_INTERVAL,
      kind: "duration-seconds",
      default: DEFAULT_POLLING_INTERVAL_SECONDS,
      required: false,
      secret: false,
      group: "additional",
      help: "Time between checks of the CNAME and of DNS propagation, in seconds.",
    },
    {
      name: PROPAGATION_TIMEOUT,
      kind: "duration-seconds",
      minimum: 1,
      default: DEFAULT_PROPAGATION_TIMEOUT_SECONDS,
      required: false,
      secret: false,
      group: "additional",
      help: "Maximum waiting time for the `_acme-challenge` CNAME to show, and for DNS propagation, in seconds.",
    },
  ],
  exampleHcl: `provider = "acme-dns"
config = {
  ACME_DNS_API_BASE     = "https://auth.example.com"
  ACME_DNS_STORAGE_PATH = "/etc/acme-dns/credentials.json"
}`,
  docSections: [
    { title: "Description", markdown: description },
    { title: "Registering an account", markdown: register },
    { title: "The credentials JSON", markdown: credentials },
    { title: "Delegating the challenges with a CNAME", markdown: cname },
    { title: "Errors", markdown: errors },
    { title: "Differences from the reference providers", markdown: differences },
  ],
  validate: checkAcmeDnsSettings,
  create: (settings, { logger, resolvers }) => {
    const providerLogger = logger.child({ dns_provider: "acme-dns" });
    // Plain http to another host was already reported as a warning at validate time.
    const apiBase = settings.requiredText(API_BASE);
    const path = settings.text(STORAGE_PATH);
    return new AcmeDnsProvider(
      {
        endpoint: { apiBase, setting: API_BASE, timeoutSeconds: settings.seconds(HTTP_TIMEOUT) },
        storage: path !== undefined ? new FileStorage(path, STORAGE_PATH) : new InlineStorage(settings.requiredText(STORAGE_JSON), STORAGE_JSON),
        allowlist: parseAllowlist(settings.text(ALLOWLIST) ?? "").networks,
        propagationTimeoutSeconds: settings.seconds(PROPAGATION_TIMEOUT),
        pollingIntervalSeconds: settings.seconds(POLLING_INTERVAL),
        resolvers: resolvers ?? [],
      },
      providerLogger,
    );
  },
};
