// The test client's gRPC definitions, built from proto/ with protobufjs reflection at run
// time: independent of the static codecs the provider is built with (scripts/
// gen-protocol-codecs.mjs), so a mismatch between the two fails the protocol tests.
// Decoded messages are plain objects with every field, defaults included.
import type { ServiceDefinition, MethodDefinition } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { fileURLToPath } from "node:url";
import type { Message } from "../../src/plugin/grpc-definitions.js";

const PROTO_DIR = fileURLToPath(new URL("../../proto/", import.meta.url));

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
