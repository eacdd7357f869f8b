// Certificate signing requests: the one the engine generates (what lego generates:
// CN = first name, SANs = all names, the TLS Feature "must staple" extension on request)
// and reading the names out of a user-given CSR.

import { webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";
import { AcmeError } from "./errors.js";
import type { ParsedPrivateKey } from "./keys.js";

/** id-pe-tlsfeature (RFC 7633) */
const TLS_FEATURE_OID = "1.3.6.1.5.5.7.1.24";
/** SEQUENCE { INTEGER 5 } - status_request, i.e. OCSP must-staple; the bytes lego writes. */
const MUST_STAPLE_VALUE = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);
/** RFC 5280 ub-common-name: longer names go into the SANs only (as lego does). */
const MAX_COMMON_NAME_LENGTH = 64;

export interface CsrRequest {
  /** Common name first, then the other names. */
  names: string[];
  key: ParsedPrivateKey;
  mustStaple?: boolean;
}

/** Builds and signs a CSR; returns it DER-encoded (what finalize sends) and as PEM. */
export async function createCsr(request: CsrRequest): Promise<{ der: Buffer; pem: string }> {
  const [commonName] = request.names;
  const { keys, signingAlgorithm } = await webCryptoKeys(request.key);
  const extensions: x509.Extension[] = [new x509.SubjectAlternativeNameExtension(request.names.map((value) => ({ type: "dns", value })))];
  if (request.mustStaple) extensions.push(new x509.Extension(TLS_FEATURE_OID, false, MUST_STAPLE_VALUE));
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: commonName && commonName.length <= MAX_COMMON_NAME_LENGTH ? [{ CN: [commonName] }] : [],
      keys: keys as never,
      signingAlgorithm: signingAlgorithm as never,
      extensions,
    },
    webcrypto as never,
  );
  return { der: Buffer.from(csr.rawData), pem: csr.toString("pem") };
}

/** WebCrypto handles of a Node key, for @peculiar/x509, with lego's signature algorithm. */
// Node's WebCrypto types live in its `webcrypto` namespace; @peculiar/x509's typings name
// the DOM globals, which this project does not load, hence the casts at the boundary.
type SigningAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams;

async function webCryptoKeys(key: ParsedPrivateKey): Promise<{ keys: webcrypto.CryptoKeyPair; signingAlgorithm: SigningAlgorithm }> {
  const pkcs8 = key.key.export({ type: "pkcs8", format: "der" });
  let importAlgorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  let signingAlgorithm: SigningAlgorithm;
  if (key.kind === "rsa") {
    importAlgorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    signingAlgorithm = importAlgorithm;
  } else {
    const hash = key.curve === "P-384" ? "SHA-384" : key.curve === "P-521" ? "SHA-512" : "SHA-256";
    importAlgorithm = { name: "ECDSA", namedCurve: key.curve! };
    signingAlgorithm = { name: "ECDSA", hash };
  }
  const subtle = webcrypto.subtle;
  const privateKey = await subtle.importKey("pkcs8", pkcs8, importAlgorithm, true, ["sign"]);
  const jwk = await subtle.exportKey("jwk", privateKey);
  // The public half, from the private JWK without its private members.
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const publicKey = await subtle.importKey("jwk", { ...publicJwk, key_ops: ["verify"] }, importAlgorithm, true, ["verify"]);
  return { keys: { privateKey, publicKey }, signingAlgorithm };
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
