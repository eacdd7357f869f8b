// The names of the acme-dns settings, shared by the description, its checks and the runtime.

export const API_BASE = "ACME_DNS_API_BASE";
export const STORAGE_PATH = "ACME_DNS_STORAGE_PATH";
export const STORAGE_JSON = "ACME_DNS_STORAGE_JSON";
export const ALLOWLIST = "ACME_DNS_ALLOWLIST";
export const PROPAGATION_TIMEOUT = "ACME_DNS_PROPAGATION_TIMEOUT";
export const POLLING_INTERVAL = "ACME_DNS_POLLING_INTERVAL";
export const HTTP_TIMEOUT = "ACME_DNS_HTTP_TIMEOUT";
