// The acme provider: its configuration, resources and data sources.
import type { ProviderDefinition } from "../provider/index.js";
import { certificateResource } from "./certificate.js";
import { dnsRegistrationResource } from "./dns-registration.js";
import { configureProvider, providerSchema, validateProviderConfig, type AcmeProviderData } from "./provider-config.js";
import { registrationResource } from "./registration.js";
import { serverUrlDataSource } from "./server-url.js";

export type { AcmeProviderData };

export function acmeProvider(env: Readonly<NodeJS.ProcessEnv>): ProviderDefinition<AcmeProviderData> {
  return {
    schema: providerSchema,
    env,
    validate: validateProviderConfig,
    configure: async (config) => configureProvider(config, env),
    resources: [registrationResource, certificateResource, dnsRegistrationResource],
    dataSources: [serverUrlDataSource],
  };
}
