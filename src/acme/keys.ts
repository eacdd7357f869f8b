// Private keys: generating account and certificate keys, reading keys users give us,
// and the public-key thumbprint ACME builds key authorizations from (RFC 7638).
//
// Generated keys use the PEM forms the reference provider (lego) writes - SEC1
// "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY" - so state copied from it stays
// comparable. PKCS#8 ("PRIVATE KEY") is available on request and accepted on input.

import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { memoized } from "../shared/index.js";

const generateKeyPairAsync = promisify(generateKeyPair);

export type EcdsaCurve = "P256" | "P384";
export type AccountRsaBits = 2048 | 3072 | 4096;
export const ACCOUNT_KEY_ALGORITHMS = ["ECDSA", "RSA"] as const;
export const ECDSA_CURVES: readonly EcdsaCurve[] = ["P256", "P384"];
export const ACCOUNT_RSA_BITS: readonly AccountRsaBits[] = [2048, 3072, 4096];

/** acme_registration's account_key_algorithm / _ecdsa_curve / _rsa_bits. */
export type AccountKeySpec = { algorithm: "ECDSA"; curve: EcdsaCurve } | { algorithm: "RSA"; bits: AccountRsaBits };

/** acme_certificate's key_type. */
export type CertificateKeyType = "P256" | "P384" | "2048" | "4096" | "8192";
export const CERTIFICATE_KEY_TYPES: readonly CertificateKeyType[] = ["P256", "P384", "2048", "4096", "8192"];

/** "traditional": EC PRIVATE KEY / RSA PRIVATE KEY (what lego writes); "pkcs8": PRIVATE KEY. */
export type PrivateKeyPemFormat = "traditional" | "pkcs8";

const NODE_CURVES: Record<EcdsaCurve, string> = { P256: "prime256v1", P384: "secp384r1" };

/** Generates an account key; RSA uses the async generator so large keys do not block the event loop. */
export function generateAccountKey(spec: AccountKeySpec, format: PrivateKeyPemFormat = "traditional"): Promise<string> {
  return spec.algorithm === "ECDSA" ? generateEcKey(spec.curve, format) : generateRsaKey(spec.bits, format);
}

/** Generates a certificate key for a key_type (8192-bit RSA takes seconds: that is the maths). */
export function generateCertificateKey(keyType: CertificateKeyType, format: PrivateKeyPemFormat = "traditional"): Promise<string> {
  switch (keyType) {
    case "P256":
    case "P384":
      return generateEcKey(keyType, format);
    case "2048":
    case "4096":
    case "8192":
      return generateRsaKey(Number(keyType), format);
  }
}

async function generateEcKey(curve: EcdsaCurve, format: PrivateKeyPemFormat): Promise<string> {
  const { privateKey } = await generateKeyPairAsync("ec", { namedCurve: NODE_CURVES[curve] });
  return privateKey.export({ type: format === "pkcs8" ? "pkcs8" : "sec1", format: "pem" }).toString();
}

async function generateRsaKey(bits: number, format: PrivateKeyPemFormat): Promise<string> {
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: bits, publicExponent: 0x10001 });
  return privateKey.export({ type: format === "pkcs8" ? "pkcs8" : "pkcs1", format: "pem" }).toString();
}

/** A private key the engine can sign with: ECDSA on a NIST curve, or RSA of at least 2048 bits. */
export interface ParsedPrivateKey {
  key: KeyObject;
  kind: "ec" | "rsa";
  /** JOSE curve name for EC keys. */
  curve?: "P-256" | "P-384" | "P-521";
  /** Modulus length for RSA keys. */
  bits?: number;
  /** "ECDSA P-256", "RSA 4096": for messages and logs. */
  description: string;
}

/**
 * A PEM text that is not a usable private key. `reason` is the user-facing part; the
 * caller names the argument: `${argument} is not a valid PEM private key: ${reason}`.
 */
export class InvalidPrivateKeyError extends Error {
  override readonly name = "InvalidPrivateKeyError";
  constructor(readonly reason: string) {
    super(`not a valid PEM private key: ${reason}`);
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

// The same few keys (an account key, above all) are read again for every certificate and
// every request: validate, plan, each signed ACME request. Parsing a P-384 or RSA key costs
// about a millisecond, so the process keeps the keys it read last. A KeyObject is
// immutable; the PEM text, the cache's key, is held by the caller anyway.
const PARSED_KEYS_KEPT = 64;

/** Reads a PEM private key (PKCS#8, SEC1 or PKCS#1). Throws InvalidPrivateKeyError. */
export const parsePrivateKeyPem = memoized(PARSED_KEYS_KEPT, readPrivateKeyPem);

function readPrivateKeyPem(pem: string): ParsedPrivateKey {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new InvalidPrivateKeyError("no PEM block found (expected -----BEGIN ... PRIVATE KEY-----)");
  const block = blocks.find((b) => b[1]!.endsWith("PRIVATE KEY"));
  if (!block) {
    const labels = [...new Set(blocks.map((b) => b[1]))].join(", ");
    throw new InvalidPrivateKeyError(`no private key block found (found ${labels})`);
  }
  if (block[1] === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(block[2]!)) {
    throw new InvalidPrivateKeyError("the key is encrypted; give the decrypted key (e.g. openssl pkey -in key.pem)");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block[0], format: "pem" });
  } catch (error) {
    throw new InvalidPrivateKeyError(`the ${block[1]} block cannot be decoded (${cryptoReason(error)})`);
  }
  return describeKey(key);
}

/** The reason `pem` is not a usable private key, or undefined when it is: for validators. */
export function privateKeyProblem(pem: string): string | undefined {
  try {
    parsePrivateKeyPem(pem);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidPrivateKeyError) return error.reason;
    throw error;
  }
}

function describeKey(key: KeyObject): ParsedPrivateKey {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "ec") {
    const curve = ({ prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" } as const)[
      details.namedCurve as "prime256v1" | "secp384r1" | "secp521r1"
    ];
    if (!curve) throw new InvalidPrivateKeyError(`unsupported elliptic curve ${details.namedCurve ?? "?"} (use P-256 or P-384)`);
    return { key, kind: "ec", curve, description: `ECDSA ${curve}` };
  }
  if (key.asymmetricKeyType === "rsa") {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048) throw new InvalidPrivateKeyError(`RSA keys must have at least 2048 bits (this one has ${bits})`);
    return { key, kind: "rsa", bits, description: `RSA ${bits}` };
  }
  throw new InvalidPrivateKeyError(`unsupported key type ${key.asymmetricKeyType ?? "?"} (use an ECDSA or RSA key)`);
}

/** Node's messages carry OpenSSL codes; keep the readable part. */
function cryptoReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^error:[0-9A-F]+:/i, "").trim() || "unreadable key data";
}

/** The key_type a certificate key corresponds to, if any (renewals reuse whatever key they have). */
export function certificateKeyTypeOf(parsed: ParsedPrivateKey): CertificateKeyType | undefined {
  if (parsed.kind === "ec") return parsed.curve === "P-256" ? "P256" : parsed.curve === "P-384" ? "P384" : undefined;
  const bits = String(parsed.bits) as CertificateKeyType;
  return CERTIFICATE_KEY_TYPES.includes(bits) ? bits : undefined;
}

/** The public JWK with exactly the members RFC 7638 hashes, in its lexicographic order. */
export type PublicJwk = { crv: string; kty: "EC"; x: string; y: string } | { e: string; kty: "RSA"; n: string };

export function publicJwk(key: KeyObject): PublicJwk {
  const jwk = createPublicKey(key).export({ format: "jwk" });
  if (jwk.kty === "EC") return { crv: jwk.crv!, kty: "EC", x: jwk.x!, y: jwk.y! };
  if (jwk.kty === "RSA") return { e: jwk.e!, kty: "RSA", n: jwk.n! };
  throw new InvalidPrivateKeyError(`unsupported key type ${String(jwk.kty)}`);
}

/** RFC 7638 thumbprint: base64url(SHA-256(canonical public JWK)). */
export function jwkThumbprint(key: KeyObject): string {
  return createHash("sha256").update(JSON.stringify(publicJwk(key))).digest("base64url");
}

/** The public key of a private key as SPKI PEM, e.g. to compare keys. */
export function publicKeyPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
}
