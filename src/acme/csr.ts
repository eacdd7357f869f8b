// Certificate signing requests: the one the engine generates (what lego generates:
// CN = first name, SANs = all names, the TLS Feature "must staple" extension on request)
// and reading the names out of a user-given CSR.

import { createPublicKey, sign, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";
import { bitString, explicit, implicitPrimitive, integer, nullValue, octetString, oid, sequence, setOf, toPem, utf8String } from "../shared/index.js";
import { AcmeError } from "./errors.js";
import type { ParsedPrivateKey } from "./keys.js";

const OID = {
  commonName: "2.5.4.3",
  extensionRequest: "1.2.840.113549.1.9.14",
  subjectAltName: "2.5.29.17",
  /** id-pe-tlsfeature (RFC 7633) */
  tlsFeature: "1.3.6.1.5.5.7.1.24",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  sha256WithRsa: "1.2.840.113549.1.1.11",
};
/** SEQUENCE { INTEGER 5 } - status_request, i.e. OCSP must-staple; the bytes lego writes. */
const MUST_STAPLE_VALUE = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]);
/** RFC 5280 ub-common-name: longer names go into the SANs only (as lego does). */
const MAX_COMMON_NAME_LENGTH = 64;

export interface CsrRequest {
  /** Common name first, then the other names. */
  names: string[];
  key: ParsedPrivateKey;
  mustStaple?: boolean;
}

/**
 * Builds and signs a CSR (RFC 2986); returns it DER-encoded (what finalize sends) and as
 * PEM. Written with src/shared's DER helpers rather than @peculiar/x509, whose ASN.1 layer
 * and WebCrypto key imports cost ~5 ms of CPU per certificate: the shape is fixed and small.
 */
export async function createCsr(request: CsrRequest): Promise<{ der: Buffer; pem: string }> {
  const [commonName] = request.names;
  const subject =
    commonName && commonName.length <= MAX_COMMON_NAME_LENGTH ? sequence(setOf(sequence(oid(OID.commonName), utf8String(commonName)))) : sequence();
  // GeneralName dNSName: [2] IMPLICIT IA5String.
  const extensions = [sequence(oid(OID.subjectAltName), octetString(sequence(...request.names.map((name) => implicitPrimitive(2, Buffer.from(name, "ascii"))))))];
  if (request.mustStaple) extensions.push(sequence(oid(OID.tlsFeature), octetString(MUST_STAPLE_VALUE)));
  const publicKey = createPublicKey(request.key.key).export({ type: "spki", format: "der" });
  // attributes [0] IMPLICIT SET OF Attribute: the one extensionRequest.
  const attributes = explicit(0, sequence(oid(OID.extensionRequest), setOf(sequence(...extensions))));
  const info = sequence(integer(0), subject, publicKey, attributes);
  const { hash, algorithm } = signatureAlgorithm(request.key);
  const der = sequence(info, algorithm, bitString(sign(hash, info, request.key.key), 0));
  return { der, pem: toPem("CERTIFICATE REQUEST", der) };
}

/** lego's: SHA-256 with RSA, ECDSA with the hash that matches the curve. */
function signatureAlgorithm(key: ParsedPrivateKey): { hash: string; algorithm: Buffer } {
  if (key.kind === "rsa") return { hash: "sha256", algorithm: sequence(oid(OID.sha256WithRsa), nullValue()) };
  if (key.curve === "P-384") return { hash: "sha384", algorithm: sequence(oid(OID.ecdsaWithSha384)) };
  if (key.curve === "P-521") return { hash: "sha512", algorithm: sequence(oid(OID.ecdsaWithSha512)) };
  return { hash: "sha256", algorithm: sequence(oid(OID.ecdsaWithSha256)) };
}

export interface CsrNames {
  /** CN first (if any), then the SAN DNS names not equal to it: lego's order. */
  names: string[];
  der: Buffer;
}

/**
 * Reads a PEM CSR: its names and DER. The signature is checked so a damaged CSR fails
 * here with a clear message rather than at the CA. Throws AcmeError with a `reason`-style
 * message the caller prefixes with the argument name.
 */
export async function readCsr(pem: string): Promise<CsrNames> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    const block = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]*?-----END (NEW )?CERTIFICATE REQUEST-----/.exec(pem);
    if (!block) throw new Error("no CERTIFICATE REQUEST PEM block found");
    csr = new x509.Pkcs10CertificateRequest(block[0].replace(/NEW CERTIFICATE REQUEST/g, "CERTIFICATE REQUEST"));
  } catch (error) {
    throw new AcmeError(`not a valid PEM certificate request: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!(await csr.verify(webcrypto as never))) {
    throw new AcmeError("the certificate request's signature does not verify (it was altered, or signed with another key)");
  }
  const commonName = csr.subjectName.getField("CN")[0];
  const sanExtension = csr.getExtension("2.5.29.17");
  const sanNames = sanExtension ? new x509.SubjectAlternativeNameExtension(sanExtension.rawData).names.items : [];
  const ips = sanNames.filter((n) => n.type === "ip").map((n) => n.value);
  if (ips.length > 0) throw new AcmeError(`the certificate request names IP addresses (${ips.join(", ")}), which DNS-01 cannot validate`);
  const dnsNames = sanNames.filter((n) => n.type === "dns").map((n) => n.value);
  const names = uniqueNames([...(commonName ? [commonName] : []), ...dnsNames]);
  if (names.length === 0) throw new AcmeError("the certificate request names no domain (no CN, no DNS subject alternative names)");
  // RFC 8555 lets a name be in the CN only, but CAs such as Pebble count the SANs against
  // the order and refuse at finalize, after the whole DNS work: say so before ordering.
  if (commonName && !dnsNames.some((name) => name.toLowerCase() === commonName.toLowerCase())) {
    throw new AcmeError(
      `the certificate request's common name ${commonName} is not among its DNS subject alternative names${dnsNames.length ? ` (${dnsNames.join(", ")})` : " (it has none)"}, and CAs refuse such requests; make the CSR with the name in the subjectAltName extension too (openssl req -addext "subjectAltName=DNS:${commonName}")`,
    );
  }
  return { names, der: Buffer.from(csr.rawData) };
}

/** Drops repeated names (case-insensitively), keeping the first spelling and the order. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks names the engine is asked to order; returns them deduplicated. */
export function checkNames(names: string[]): string[] {
  const unique = uniqueNames(names.map((n) => n.trim()));
  if (unique.length === 0) throw new AcmeError("no names to order a certificate for");
  for (const name of unique) {
    if (name === "") throw new AcmeError("a name to order is empty");
    if (isIP(name)) throw new AcmeError(`${name} is an IP address, which DNS-01 cannot validate`);
  }
  return unique;
}
