// The TLS trust of the provider's HTTPS clients (the ACME server, acme-dns): Node's bundled
// roots, the certificates in the NODE_EXTRA_CA_CERTS and SSL_CERT_FILE files, and a
// caller-given CA (LEGO_CA_CERTIFICATES); Node's defaults when there is nothing to add.
// Built at the first connection, once per process:
// - NODE_EXTRA_CA_CERTS is read here rather than left to Node, which parses its whole root
//   store and that file at process start (~16 ms on a quiet machine, at each of
//   Terraform's 3-4 launches per apply; `--use-openssl-ca` does not defer it on Node 20):
//   the launchers hand the variable over under another name (src/launch), and the
//   provider's entry restores it before anything reads it.
// - SSL_CERT_FILE names a private CA's bundle for Go programs such as Terraform and lego;
//   trusted in addition to the bundled roots.
// - One SecureContext for every connection: given `ca` instead, Node parses the whole list
//   (~140 roots) again at each TLS connection, ~40 ms each.
import { readFileSync } from "node:fs";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";

const contexts = new Map<string, SecureContext | undefined>();

export function trustContext(caCertPem?: string): SecureContext | undefined {
  const key = caCertPem ?? "";
  if (!contexts.has(key)) {
    const extra = [...certificatesIn(process.env.NODE_EXTRA_CA_CERTS), ...certificatesIn(process.env.SSL_CERT_FILE)];
    const given = caCertPem === undefined ? [] : [caCertPem];
    contexts.set(key, extra.length + given.length === 0 ? undefined : createSecureContext({ ca: [...rootCertificates, ...extra, ...given] }));
  }
  return contexts.get(key);
}

/** The PEM certificates of a file; none when it is unset or unreadable (Node only warns, so do we: silently). */
function certificatesIn(file: string | undefined): string[] {
  if (!file) return [];
  try {
    // Synchronous on purpose: once per process, before the first request.
    return readFileSync(file, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  } catch {
    return [];
  }
}
