// JSON Web Signatures as ACME requests carry them (RFC 8555 section 6.2, flattened JSON
// serialization): ES256/ES384/ES512 or RS256 with the account key, and the HS256 inner
// signature of an external account binding (section 7.3.4).

import { createHmac, sign } from "node:crypto";
import { publicJwk, type ParsedPrivateKey, type PublicJwk } from "./keys.js";

export interface FlattenedJws {
  protected: string;
  payload: string;
  signature: string;
}

/** Who signs: `kid` (the account URL) once the account exists, otherwise the public `jwk`. */
export type JwsSigner = { kid: string } | { jwk: true };

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The JOSE algorithm and digest for a key. */
function algorithmOf(key: ParsedPrivateKey): { alg: string; digest: string } {
  if (key.kind === "rsa") return { alg: "RS256", digest: "sha256" };
  switch (key.curve) {
    case "P-384":
      return { alg: "ES384", digest: "sha384" };
    case "P-521":
      return { alg: "ES512", digest: "sha512" };
    default:
      return { alg: "ES256", digest: "sha256" };
  }
}

/**
 * Signs `payload` (null = POST-as-GET, an empty payload) for `url`.
 * `nonce` is omitted only for the EAB inner JWS, which is not a request of its own.
 */
export function signJws(
  key: ParsedPrivateKey,
  signer: JwsSigner,
  url: string,
  nonce: string,
  payload: unknown | null,
): FlattenedJws {
  const { alg, digest } = algorithmOf(key);
  const header: Record<string, unknown> = { alg, nonce, url };
  if ("kid" in signer) header.kid = signer.kid;
  else header.jwk = publicJwk(key.key);
  const protectedPart = b64url(header);
  const payloadPart = payload === null ? "" : b64url(payload);
  // ECDSA signatures in JOSE are r||s (IEEE P1363), not DER.
  const signature = sign(digest, Buffer.from(`${protectedPart}.${payloadPart}`), {
    key: key.key,
    dsaEncoding: "ieee-p1363",
  }).toString("base64url");
  return { protected: protectedPart, payload: payloadPart, signature };
}

/** The externalAccountBinding member of a newAccount payload: the account JWK MACed with the CA's key. */
export function externalAccountBinding(accountJwk: PublicJwk, keyId: string, hmacKey: Buffer, newAccountUrl: string): FlattenedJws {
  const protectedPart = b64url({ alg: "HS256", kid: keyId, url: newAccountUrl });
  const payloadPart = b64url(accountJwk);
  const signature = createHmac("sha256", hmacKey).update(`${protectedPart}.${payloadPart}`).digest("base64url");
  return { protected: protectedPart, payload: payloadPart, signature };
}
