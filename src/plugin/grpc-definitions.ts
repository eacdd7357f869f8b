// gRPC service definitions over the protocol codecs generated at build time from the
// project's own .proto files (proto/, scripts/gen-protocol-codecs.mjs): no .proto parsing
// or codec generation at run time, which Terraform's 3-4 provider launches per apply
// would each pay.
import type { ServiceDefinition, MethodDefinition } from "@grpc/grpc-js";
import { services, type MessageCodec } from "./protocol-codecs.js";

/** Messages with the .proto's snake_case field names. */
export type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function serviceDefinition(serviceName: string): ServiceDefinition {
  const methods = services[serviceName];
  if (!methods) throw new Error(`no generated codecs for the gRPC service ${serviceName}`);
  const definition: Record<string, MethodDefinition<Message, Message>> = {};
  for (const method of methods) {
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: method.requestStream,
      responseStream: method.responseStream,
      requestSerialize: serializer(method.request),
      requestDeserialize: (bytes) => method.request.decode(bytes),
      responseSerialize: serializer(method.response),
      responseDeserialize: (bytes) => method.response.decode(bytes),
      originalName: method.name,
    };
  }
  return definition;
}

function serializer(codec: MessageCodec) {
  return (message: Message): Buffer => {
    const bytes = codec.encode(message).finish();
    // protobufjs writes a Buffer under Node: no copy needed.
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  };
}
