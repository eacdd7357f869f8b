// What acme-dns addresses look like: the API base URL, and the CIDR networks an account
// accepts updates from (allowfrom), checked as acme-dns checks them at /register.

import { isIP } from "node:net";

/** Why `value` cannot be an API base URL (http(s), a host, nothing after the path), or undefined. */
export function whyNotApiBase(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL: give the acme-dns server's base URL, like https://auth.example.com`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `${JSON.stringify(value)} must be an http:// or https:// URL`;
  if (url.username || url.password) return "the URL must not contain credentials: they belong in the credentials JSON";
  if (url.search || url.hash) return `${JSON.stringify(value)} must not have a query or fragment: give the base URL that /register and /update are under`;
  return undefined;
}

/** Why a usable API base URL should not be used (plain http to another host), or undefined. */
export function whyUnsafeApiBase(value: string): string | undefined {
  if (whyNotApiBase(value) !== undefined) return undefined;
  const url = new URL(value);
  if (url.protocol !== "http:" || isLoopback(url.hostname)) return undefined;
  return `${url.origin} is plain http to another host: the account's password travels unencrypted with every update, and anyone on the way can take it. Use https (acme-dns serves it with tls = "letsencrypt" or "cert").`;
}

/** The URL of an endpoint under the base ("https://h/acme-dns" + "update"). */
export function endpointUrl(apiBase: string, endpoint: "register" | "update"): string {
  return `${apiBase.replace(/\/+$/, "")}/${endpoint}`;
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}

/** Why `value` is not a network in CIDR notation as acme-dns accepts it (brackets around IPv6 allowed), or undefined. */
export function whyNotCidr(value: string): string | undefined {
  const match = /^\[?([^\]/]+)\]?\/(\d{1,3})$/.exec(value.trim());
  const family = match ? isIP(match[1]!) : 0;
  if (!match || family === 0) return `${JSON.stringify(value)} is not a network in CIDR notation, like 10.244.0.0/16 or 2001:db8::/32`;
  const bits = Number(match[2]);
  if (bits > (family === 4 ? 32 : 128)) return `${JSON.stringify(value)} has a prefix length beyond ${family === 4 ? 32 : 128}`;
  return undefined;
}

/** The networks of ACME_DNS_ALLOWLIST as lego reads it: separated by commas, spaces ignored (each checked with whyNotCidr). */
export function allowlistNetworks(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}
