// Every DNS provider this Terraform provider offers. Adding one = its folder (description.ts,
// <name>.md, runtime.ts and the runtime code) + one line here and one in factories.ts, then
// `npx tsx scripts/gen-docs.ts` for its page.

import type { DnsProviderDescription } from "./description.js";
import { acmeDnsDescription } from "./acme-dns/description.js";
import { execDescription } from "./exec/description.js";

export const dnsProviders: readonly DnsProviderDescription[] = [acmeDnsDescription, execDescription];

export function findDnsProvider(name: string): DnsProviderDescription | undefined {
  return dnsProviders.find((provider) => provider.name === name);
}
