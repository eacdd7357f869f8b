// The go-plugin handshake: environment in, one line out.
import {
  HandshakeError,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  RUN_BY_HAND_MESSAGE,
  handshakeLine,
  negotiateProtocol,
  readHandshake,
} from "../../src/plugin/handshake.js";
import { createServerCertificate } from "../../src/plugin/tls.js";

const COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

describe("magic cookie", () => {
  test("the cookie is Terraform's", () => {
    expect(MAGIC_COOKIE_KEY).toBe("TF_PLUGIN_MAGIC_COOKIE");
    expect(MAGIC_COOKIE_VALUE).toBe(COOKIE);
  });

  test.each([
    ["missing", {}],
    ["wrong", { TF_PLUGIN_MAGIC_COOKIE: "not-the-cookie" }],
    ["empty", { TF_PLUGIN_MAGIC_COOKIE: "" }],
    ["with trailing space", { TF_PLUGIN_MAGIC_COOKIE: `${COOKIE} ` }],
  ])("a %s cookie is a HandshakeError with the human message", (_name, env) => {
    let thrown: unknown;
    try {
      readHandshake({ PLUGIN_PROTOCOL_VERSIONS: "5,6", ...env });
    } catch (cause) {
      thrown = cause;
    }
    expect(thrown).toBeInstanceOf(HandshakeError);
    expect((thrown as Error).message).toBe(RUN_BY_HAND_MESSAGE);
    expect(RUN_BY_HAND_MESSAGE).toMatch(/This binary is a plugin/);
  });

  test("with the cookie, the request carries protocol, client certificate and socket directory", () => {
    const request = readHandshake({
      TF_PLUGIN_MAGIC_COOKIE: COOKIE,
      PLUGIN_PROTOCOL_VERSIONS: "5,6",
      PLUGIN_CLIENT_CERT: "-----BEGIN CERTIFICATE-----\n...",
      PLUGIN_UNIX_SOCKET_DIR: "/run/tf",
    });
    expect(request).toEqual({ protocol: 6, clientCertificatePem: "-----BEGIN CERTIFICATE-----\n...", socketDirectory: "/run/tf" });
  });

  test("without PLUGIN_CLIENT_CERT (TF_DISABLE_PLUGIN_TLS) there is no client certificate", () => {
    expect(readHandshake({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_PROTOCOL_VERSIONS: "5" })).toEqual({ protocol: 5 });
  });
});

describe("protocol negotiation", () => {
  test.each([
    ["6,5", 6],
    ["5,6", 6],
    ["5", 5],
    ["6", 6],
    [" 5 , 6 ", 6],
    ["4,5", 5],
    ["5,6,7", 6],
  ])("offered %j -> %i, the highest we serve whatever the order", (offered, expected) => {
    expect(negotiateProtocol(offered)).toBe(expected);
  });

  test("nothing offered means an old client: protocol 5", () => {
    expect(negotiateProtocol(undefined)).toBe(5);
  });

  test("ACME_TF_PLUGIN_PROTOCOL pins this side to one version", () => {
    expect(negotiateProtocol("5,6", "5")).toBe(5);
    expect(negotiateProtocol("5,6", "6")).toBe(6);
    expect(() => negotiateProtocol("6", "5")).toThrow(/speaks Terraform plugin protocol 5 \(ACME_TF_PLUGIN_PROTOCOL\), but the client offered "6"/);
    expect(() => negotiateProtocol("5,6", "7")).toThrow(/ACME_TF_PLUGIN_PROTOCOL must be 6 or 5; got "7"/);
  });

  test.each(["7", "4", "", "abc"])("offered %j -> HandshakeError naming the versions", (offered) => {
    expect(() => negotiateProtocol(offered)).toThrow(HandshakeError);
    const message = (() => {
      try {
        negotiateProtocol(offered);
        return "";
      } catch (cause) {
        return (cause as Error).message;
      }
    })();
    expect(message).toMatch(/6/);
    expect(message).toMatch(/5/);
    expect(message).toContain(JSON.stringify(offered));
  });
});

describe("handshake line", () => {
  test("format is 1|<protocol>|unix|<socket>|grpc|<cert> and a newline", () => {
    const der = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]);
    expect(handshakeLine(6, "/tmp/x/plugin.sock", der)).toBe(`1|6|unix|/tmp/x/plugin.sock|grpc|${der.toString("base64").replace(/=+$/, "")}\n`);
  });

  test.each([
    [4, 2], // 4 bytes: base64 would end with "=="
    [5, 1], // 5 bytes: base64 would end with "="
    [6, 0],
  ])("a %i-byte DER is sent in standard base64 without padding", (length) => {
    const der = Buffer.from(Array.from({ length }, (_, i) => 0xfb + i)); // bytes that hit "+" and "/"
    const line = handshakeLine(5, "/s", der);
    const cert = line.trimEnd().split("|")[5]!;
    expect(cert).not.toContain("=");
    expect(cert).toMatch(/^[A-Za-z0-9+/]*$/); // standard alphabet, not URL-safe
    expect(cert.length).toBe(Math.ceil((length * 4) / 3));
    expect(Buffer.from(cert, "base64")).toEqual(der);
  });

  test("a real certificate whose DER length is not a multiple of 3 decodes back byte for byte", () => {
    // ECDSA signatures vary in length, so a few tries give a DER of each remainder.
    let certificate = createServerCertificate();
    for (let i = 0; i < 50 && certificate.certificateDer.length % 3 === 0; i++) certificate = createServerCertificate();
    expect(certificate.certificateDer.length % 3).not.toBe(0);
    const line = handshakeLine(6, "/tmp/p.sock", certificate.certificateDer);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.indexOf("\n")).toBe(line.length - 1);
    const fields = line.trimEnd().split("|");
    expect(fields).toHaveLength(6);
    expect(fields.slice(0, 5)).toEqual(["1", "6", "unix", "/tmp/p.sock", "grpc"]);
    expect(fields[5]).not.toMatch(/=/);
    expect(Buffer.from(fields[5]!, "base64")).toEqual(certificate.certificateDer);
  });

  test("without TLS the certificate field is empty and there is still no 7th field", () => {
    const line = handshakeLine(5, "/tmp/p.sock");
    expect(line).toBe("1|5|unix|/tmp/p.sock|grpc|\n");
    expect(line.trimEnd().split("|")).toHaveLength(6);
  });
});
