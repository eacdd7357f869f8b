import { dnsProviderFactories } from "../../src/dns/factories.js";
import { dnsProviders } from "../../src/dns/registry.js";

it("every described DNS provider has a factory, and every factory a description", () => {
  expect(Object.keys(dnsProviderFactories).sort()).toEqual(dnsProviders.map((provider) => provider.name).sort());
});
