// AutoMTLS: the self-signed server certificate go-plugin expects (SAN "localhost",
// usable as its own root, serverAuth + clientAuth), made with node:crypto.
//
// Written by hand rather than with @peculiar/x509 on purpose: that library costs about
// 140 ms to load, and Terraform starts the provider 3-4 times per apply. A certificate of
// fixed shape needs only a small DER writer (src/shared).
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { bitString, boolean, explicit, implicitPrimitive, integer, octetString, oid, sequence as seq, setOf, toPem, utcTime, utf8String } from "../shared/index.js";

export interface ServerCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** DER, as the handshake line carries it (base64 of these bytes). */
  certificateDer: Buffer;
}

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
};

export function createServerCertificate(now = new Date()): ServerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const name = seq(setOf(seq(oid(OID.organization), utf8String("acme-tf"))), setOf(seq(oid(OID.commonName), utf8String("localhost"))));
  const notBefore = new Date(now.getTime() - 30_000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serialNumber()),
    seq(oid(OID.ecdsaWithSha256)),
    name,
    seq(utcTime(notBefore), utcTime(notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      seq(
        extension(OID.basicConstraints, true, seq(boolean(true))),
        // digitalSignature, keyEncipherment, keyAgreement, keyCertSign
        extension(OID.keyUsage, true, bitString(Buffer.from([0b10101100]), 2)),
        extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth), oid(OID.clientAuth))),
        extension(OID.subjectAltName, false, seq(implicitPrimitive(2, Buffer.from("localhost", "ascii")))),
      ),
    ),
  );
  const signature = sign("sha256", tbs, privateKey);
  const certificateDer = seq(tbs, seq(oid(OID.ecdsaWithSha256)), bitString(signature, 0));
  return {
    certificateDer,
    certificatePem: toPem("CERTIFICATE", certificateDer),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  };
}

function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  // Positive and without a leading zero byte, as DER requires.
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}
