// The front of src/acme for issuing certificates and reading users' CSRs: both load
// @peculiar/x509 (~140 ms), so the provider imports this lazily, when a certificate is
// issued or a CSR checked. Everything else of the engine is index.ts.

export { issueCertificate, type IssueCertificateOptions, type IssuedCertificate } from "./certificates.js";
export { readCsr, type CsrNames } from "./csr.js";
