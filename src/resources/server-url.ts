// Data source acme_server_url: the ACME directory URL the provider is configured with.
import type { Schema } from "../plugin/schema.js";
import type { DataSourceType } from "../provider/resource-type.js";
import { requireServerUrl, type AcmeProviderData } from "./provider-config.js";

const schema: Schema = {
  version: 0,
  block: {
    description: "The ACME server URL the provider is configured with.",
    attributes: {
      id: { type: "string", computed: true, description: "The server URL." },
      server_url: { type: "string", computed: true, description: "The URL of the ACME directory." },
    },
  },
};

export const serverUrlDataSource: DataSourceType<AcmeProviderData> = {
  name: "acme_server_url",
  schema,
  async read(_config, { provider }) {
    const url = requireServerUrl(provider);
    return { id: url, server_url: url };
  },
};
