// The acme-dns provider made from a dns_challenge block's resolved settings.

import type { DnsProviderFactory } from "../dns-provider.js";
import { allowlistNetworks } from "./addresses.js";
import { AcmeDnsProvider } from "./provider.js";
import { ALLOWLIST, API_BASE, HTTP_TIMEOUT, POLLING_INTERVAL, PROPAGATION_TIMEOUT, STORAGE_JSON, STORAGE_PATH } from "./setting-names.js";
import { FileStorage, InlineStorage } from "./storage.js";

export const createAcmeDnsProvider: DnsProviderFactory = (settings, { logger, resolvers }) => {
  // Plain http to another host was already reported as a warning at validate time.
  const path = settings.text(STORAGE_PATH);
  return new AcmeDnsProvider(
    {
      endpoint: { apiBase: settings.requiredText(API_BASE), setting: API_BASE, timeoutSeconds: settings.seconds(HTTP_TIMEOUT) },
      storage: path !== undefined ? new FileStorage(path, STORAGE_PATH) : new InlineStorage(settings.requiredText(STORAGE_JSON), STORAGE_JSON),
      allowlist: allowlistNetworks(settings.text(ALLOWLIST) ?? ""),
      propagationTimeoutSeconds: settings.seconds(PROPAGATION_TIMEOUT),
      pollingIntervalSeconds: settings.seconds(POLLING_INTERVAL),
      resolvers: resolvers ?? [],
    },
    logger.child({ dns_provider: "acme-dns" }),
  );
};
