// Choosing among the certificate chains a CA offers (RFC 8555 section 7.4.2: the default
// chain, and alternates linked with rel="alternate").

import { X509Certificate } from "node:crypto";
import { distinguishedNameField, splitPemChain } from "./certificate-info.js";

export interface OfferedChain {
  url: string;
  pem: string;
}

/**
 * lego's rule: the first chain whose top certificate was issued by a CA with common name
 * `preferred` (for an ISRG chain: "ISRG Root X1"); the default chain otherwise.
 * `chains[0]` is the default.
 */
export function choosePreferredChain(chains: OfferedChain[], preferred: string): OfferedChain {
  return chains.find((chain) => topIssuerCommonName(chain.pem) === preferred) ?? chains[0]!;
}

/** The issuer CN of the last certificate of a PEM chain. */
export function topIssuerCommonName(pem: string): string | undefined {
  const ders = splitPemChain(pem);
  const top = ders[ders.length - 1];
  if (!top) return undefined;
  try {
    return distinguishedNameField(new X509Certificate(top).issuer, "CN");
  } catch {
    return undefined;
  }
}
