// Data source acme_server_url: the ACME directory URL the provider is configured with.
import { declareDataSource } from "../provider/index.js";
import { requireServerUrl, type AcmeProviderData } from "./provider-config.js";
import { serverUrlAttributes, serverUrlDescription } from "./server-url-attributes.js";

export const serverUrlDataSource = declareDataSource<AcmeProviderData, typeof serverUrlAttributes>({
  name: "acme_server_url",
  description: serverUrlDescription,
  attributes: serverUrlAttributes,
  async read(_config, { provider }) {
    const url = requireServerUrl(provider);
    return { id: url, server_url: url };
  },
});
