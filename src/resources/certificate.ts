// Resource acme_certificate.
import { DiagnosticsError, error } from "../plugin/diagnostics.js";
import type { ResourceType } from "../provider/resource-type.js";
import { certificateDefaults, certificateSchema, replacingArguments } from "./certificate-schema.js";
import type { AcmeProviderData } from "./provider-config.js";

const notYet = () => {
  throw new DiagnosticsError([error("acme_certificate is not supported yet", "This version of the provider cannot issue certificates yet.")]);
};

export const certificateResource: ResourceType<AcmeProviderData> = {
  name: "acme_certificate",
  schema: certificateSchema,
  defaults: certificateDefaults,
  replaceOnChange: replacingArguments,
  create: async () => notYet(),
  read: async (state) => state,
  delete: async () => undefined,
};
