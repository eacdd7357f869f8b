// Types of dist/plugin/protocol-codecs.js, which scripts/gen-protocol-codecs.mjs generates
// from proto/ at build time.

/** Encodes plain objects with the .proto's snake_case names; decodes to message objects. */
export interface MessageCodec {
  encode(message: object): { finish(): Uint8Array };
  /** Fields absent on the wire read as their defaults (from the prototype). */
  decode(bytes: Uint8Array): Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface MethodCodecs {
  name: string;
  request: MessageCodec;
  response: MessageCodec;
  requestStream: boolean;
  responseStream: boolean;
}

/** Per fully qualified service name (e.g. "tfplugin6.Provider"), its methods. */
export declare const services: Readonly<Record<string, readonly MethodCodecs[]>>;
