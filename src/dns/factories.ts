// The run-time side of every provider in registry.ts, by name: loaded only where
// challenges are answered, never where providers are only described or checked.

import { createAcmeDnsProvider } from "./acme-dns/runtime.js";
import type { DnsProviderFactory } from "./dns-provider.js";
import { createExecProvider } from "./exec/runtime.js";

export const dnsProviderFactories: Readonly<Record<string, DnsProviderFactory>> = {
  "acme-dns": createAcmeDnsProvider,
  exec: createExecProvider,
};
