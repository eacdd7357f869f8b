// The second front of src/resources: the declarations of the provider block and of every
// resource and data source, plain data, for the constructs and the generators of their
// types and docs. index.ts is the front of the provider's runtime, which they must not load.
export { certificateAttributes } from "./certificate-attributes.js";
export { dnsRegistrationAttributes } from "./dns-registration-attributes.js";
export { providerAttributes } from "./provider-attributes.js";
export { registrationAttributes } from "./registration-attributes.js";
export { serverUrlAttributes } from "./server-url-attributes.js";
