// gRPC service definitions from the project's own .proto files (proto/), built with
// protobufjs at start-up. @grpc/proto-loader does the same but adds ~35 ms of loading,
// paid at every one of Terraform's 3-4 provider launches per apply.
import type { ServiceDefinition, MethodDefinition } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { fileURLToPath } from "node:url";

const PROTO_DIR = fileURLToPath(new URL("../../proto/", import.meta.url));

/** Messages as plain objects with the .proto's snake_case field names. */
export type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, defaults: true, oneofs: true };

export function loadProtos(files: string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => PROTO_DIR + target;
  root.loadSync(files, { keepCase: true }).resolveAll();
  return root;
}

export function serviceDefinition(root: protobuf.Root, serviceName: string): ServiceDefinition {
  const service = root.lookupService(serviceName);
  const definition: Record<string, MethodDefinition<Message, Message>> = {};
  for (const method of service.methodsArray) {
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (message) => Buffer.from(request.encode(request.fromObject(message)).finish()),
      requestDeserialize: (bytes) => request.toObject(request.decode(bytes), TO_OBJECT),
      responseSerialize: (message) => Buffer.from(response.encode(response.fromObject(message)).finish()),
      responseDeserialize: (bytes) => response.toObject(response.decode(bytes), TO_OBJECT),
      originalName: method.name,
    };
  }
  return definition;
}
