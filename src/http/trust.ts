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
// - Only what Node's bundled roots lack is parsed: a system bundle in NODE_EXTRA_CA_CERTS
//   repeats most of them, and parsing ~290 certificates costs ~95 ms where the ~25 new
//   ones cost ~20 ms. Node 20 has no public call that adds to the default roots
//   (tls.setDefaultCACertificates is Node 22.15+), so the context's own addCACert is used,
//   with the `ca` option as the fallback should it ever go.
import { readFileSync } from "node:fs";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";

const contexts = new Map<string, SecureContext | undefined>();

export function trustContext(caCertPem?: string): SecureContext | undefined {
  const key = caCertPem ?? "";
  if (!contexts.has(key)) {
    const extra = [...certificatesIn(process.env.NODE_EXTRA_CA_CERTS), ...certificatesIn(process.env.SSL_CERT_FILE)];
    const given = caCertPem === undefined ? [] : [caCertPem];
    contexts.set(key, extra.length + given.length === 0 ? undefined : withRoots([...extra, ...given]));
  }
  return contexts.get(key);
}

interface NativeContext {
  addCACert?: (pem: string) => void;
}

/** Node's bundled roots plus `added` (PEM certificates or bundles). */
function withRoots(added: string[]): SecureContext {
  const bundled = new Set(rootCertificates.map(withoutSpace));
  const missing = [...new Set(added.filter((pem) => !bundled.has(withoutSpace(pem))))];
  const context = createSecureContext();
  const native = context.context as NativeContext | undefined;
  if (typeof native?.addCACert !== "function") return createSecureContext({ ca: [...rootCertificates, ...missing] });
  for (const pem of missing) native.addCACert(pem);
  return context;
}

const withoutSpace = (pem: string) => pem.replace(/\s+/g, "");

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
