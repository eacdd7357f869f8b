// Generates dist/plugin/protocol-codecs.js from proto/: static encode/decode code for every
// message (protobufjs-cli's static-module target) and a table of the services' methods.
// The provider then parses no .proto file and builds no codec at run time: that
// reflection cost ~8 ms before the handshake and more at the first RPCs, at each of
// Terraform's 3-4 provider launches per apply. Types: src/plugin/protocol-codecs.d.ts.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { pbjs } = require("protobufjs-cli");
const protobuf = require("protobufjs");

const PROTO_DIR = fileURLToPath(new URL("../proto/", import.meta.url));
const FILES = ["tfplugin5.proto", "tfplugin6.proto", "goplugin.proto", "health.proto"];
const SERVICES = ["tfplugin5.Provider", "tfplugin6.Provider", "grpc.health.v1.Health", "plugin.GRPCController", "plugin.GRPCBroker", "plugin.GRPCStdio"];
const OUT = fileURLToPath(new URL("../dist/plugin/protocol-codecs.js", import.meta.url));

// Plain objects in, message objects (field defaults on the prototype) out: no conversion
// or verification code, which the provider does not use.
const code = await new Promise((resolve, reject) =>
  pbjs.main(
    ["-t", "static-module", "-w", "es6", "--keep-case", "--no-create", "--no-verify", "--no-convert", "--no-delimited", "--no-service", "--no-comments", "-p", PROTO_DIR, ...FILES],
    (error, output) => (error ? reject(error) : resolve(output)),
  ),
);

// The namespace import of a CommonJS module does not expose its properties under Node's
// ESM loader; the default import (module.exports) does, bundled or not.
const importLine = 'import * as $protobuf from "protobufjs/minimal";';
if (!code.includes(importLine)) throw new Error("pbjs output changed: the protobufjs/minimal import was not found");
// int64 fields (schema versions, list indexes) as plain numbers rather than Long objects;
// this must precede the message definitions, whose prototype defaults depend on it.
const body = code.replace(importLine, 'import $protobuf from "protobufjs/minimal.js";\n$protobuf.util.Long = undefined;\n$protobuf.configure();');

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => PROTO_DIR + target;
root.loadSync(FILES, { keepCase: true }).resolveAll();
const typePath = (type) => `$root${type.fullName}`; // fullName starts with "."
const services = SERVICES.map((name) => {
  const methods = root.lookupService(name).methodsArray.map(
    (method) =>
      `    { name: ${JSON.stringify(method.name)}, request: ${typePath(method.resolvedRequestType)}, response: ${typePath(method.resolvedResponseType)}, ` +
      `requestStream: ${Boolean(method.requestStream)}, responseStream: ${Boolean(method.responseStream)} },`,
  );
  return `  ${JSON.stringify(name)}: [\n${methods.join("\n")}\n  ],`;
});

mkdirSync(fileURLToPath(new URL(".", `file://${OUT}`)), { recursive: true });
writeFileSync(OUT, `${body}\nexport const services = {\n${services.join("\n")}\n};\n`);
