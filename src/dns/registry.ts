// Every DNS provider this Terraform provider offers. Adding one = its folder + one line here.

import type { DnsProviderDescription } from "./description.js";
import { execDescription } from "./exec/description.js";

export const dnsProviders: readonly DnsProviderDescription[] = [execDescription];

export function findDnsProvider(name: string): DnsProviderDescription | undefined {
  return dnsProviders.find((provider) => provider.name === name);
}
