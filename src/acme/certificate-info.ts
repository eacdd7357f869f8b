// Reading issued certificates: splitting a PEM chain, and the facts the reference
// provider stores about the leaf (validity in RFC 3339, serial, names).

import { X509Certificate } from "node:crypto";
import { AcmeError } from "./errors.js";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** The DER of every CERTIFICATE block, in order. */
export function splitPemChain(pem: string): Buffer[] {
  return [...pem.matchAll(CERTIFICATE_BLOCK)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ""), "base64"));
}

export interface CertificateInfo {
  /** RFC 3339 in UTC without fractions, as Go's time.RFC3339 prints certificate times. */
  notBefore: string;
  notAfter: string;
  /**
   * Decimal, as the reference provider stores certificate_serial (Go's big.Int String()).
   * Hex is in `serialHex`.
   */
  serial: string;
  /** Lowercase hex without separators or leading zeros: what CAs' tools use. */
  serialHex: string;
  /** Subject common name, if any: CAs increasingly leave it out (names only in the SANs). */
  commonName?: string;
  /** DNS names of the subject alternative name extension. */
  dnsNames: string[];
  /** Issuer common name, if any. */
  issuerCommonName?: string;
  isCA: boolean;
}

/** Facts about the first certificate of `pem`. Throws AcmeError for anything not a certificate. */
export function parseCertificate(pem: string): CertificateInfo {
  const [der] = splitPemChain(pem);
  if (!der) throw new AcmeError("not a PEM certificate: no CERTIFICATE block found");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (error) {
    throw new AcmeError(`not a valid certificate: ${error instanceof Error ? error.message : String(error)}`);
  }
  return describeCertificate(cert);
}

export function describeCertificate(cert: X509Certificate): CertificateInfo {
  const serialHex = BigInt(`0x${cert.serialNumber}`).toString(16);
  return {
    notBefore: rfc3339(cert.validFrom),
    notAfter: rfc3339(cert.validTo),
    serial: BigInt(`0x${cert.serialNumber}`).toString(10),
    serialHex,
    commonName: distinguishedNameField(cert.subject, "CN"),
    dnsNames: (cert.subjectAltName ?? "")
      .split(", ")
      .filter((entry) => entry.startsWith("DNS:"))
      .map((entry) => entry.slice(4)),
    issuerCommonName: distinguishedNameField(cert.issuer, "CN"),
    isCA: cert.ca,
  };
}

/** Node prints "Jan  2 03:04:05 2025 GMT"; Go's RFC3339 for a UTC time is "2025-01-02T03:04:05Z". */
function rfc3339(openSslDate: string): string {
  const date = new Date(openSslDate);
  if (Number.isNaN(date.getTime())) throw new AcmeError(`unreadable certificate date ${openSslDate}`);
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A field of Node's "CN=x\nO=y" distinguished-name text. Node gives no text at all (despite
 * its typings) for an empty subject or issuer, which certificates without a CN may have.
 */
export function distinguishedNameField(dn: string | undefined, field: string): string | undefined {
  const line = dn?.split("\n").find((l) => l.startsWith(`${field}=`));
  return line?.slice(field.length + 1);
}
