// The methods of a gRPC service, with the protocol codecs generated at build time from the
// project's own .proto files (proto/, scripts/gen-protocol-codecs.mjs): no .proto parsing
// or codec generation at run time, which Terraform's 3-4 provider launches per apply
// would each pay.
import { services, type MethodCodecs } from "./protocol-codecs.js";

/** Messages with the .proto's snake_case field names. */
export type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function methodsOf(serviceName: string): readonly MethodCodecs[] {
  const methods = services[serviceName];
  if (!methods) throw new Error(`no generated codecs for the gRPC service ${serviceName}`);
  return methods;
}
