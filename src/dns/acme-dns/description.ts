// The acme-dns provider's settings and their checks, described once. Its page's prose is
// acme-dns.md; its run-time code is runtime.ts.

import type { DnsProviderDescription } from "../description.js";
import { checkAcmeDnsSettings } from "./checks.js";
import { ALLOWLIST, API_BASE, HTTP_TIMEOUT, POLLING_INTERVAL, PROPAGATION_TIMEOUT, STORAGE_JSON, STORAGE_PATH } from "./setting-names.js";

const DEFAULT_PROPAGATION_TIMEOUT_SECONDS = 60;
const DEFAULT_POLLING_INTERVAL_SECONDS = 2;
const DEFAULT_HTTP_TIMEOUT_SECONDS = 30;

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
  validate: checkAcmeDnsSettings,
};
