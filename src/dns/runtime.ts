// The front of src/dns for answering challenges: the solver of a certificate's
// dns_challenge blocks and the acme-dns API client. Import it lazily (after the handshake,
// at apply): it loads the providers' run-time code (execa, HTTP). What only describes or
// checks is index.ts.

export type { ChallengeRecord, DnsProvider, DnsProviderFactory, PropagationTimings, ProviderContext } from "./dns-provider.js";
export type { PropagationOptions } from "./propagation.js";
export { createDnsSolver, type DnsSolverOptions, type DnsSolverResult } from "./solver.js";
export { DnsChallengeError } from "./errors.js";
export { AcmeDnsApiError, registerAccount, type AcmeDnsEndpoint } from "./acme-dns/api.js";
