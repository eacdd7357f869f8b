// The provider block's arguments, declared once (plain data: the constructs read it too).
import { string } from "../provider/declarations.js";

export const providerDescription = "The ACME provider issues certificates from an ACME CA (Let's Encrypt, Pebble, ...).";

/** Why `url` is not an ACME directory URL; `name` is where it came from (server_url or ACME_SERVER_URL). */
export function serverUrlProblem(url: string, { name }: { name: string }): string | undefined {
  // URL parsing drops surrounding spaces silently; the CA would then get another URL
  // than the one written (and a state that differs from the configuration).
  if (url.trim() !== url) return `${name} has spaces or a line break around it: write ${JSON.stringify(url.trim())}; got ${JSON.stringify(url)}.`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${name} must be the URL of an ACME directory (https://...); got ${JSON.stringify(url)}.`;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return `${name} must be an http(s) URL of an ACME directory; got ${JSON.stringify(url)}.`;
  return undefined;
}

export const providerAttributes = {
  server_url: string({
    optional: true,
    validators: [serverUrlProblem],
    description: "The URL of the ACME directory, e.g. `https://acme-v02.api.letsencrypt.org/directory`. Defaults to the `ACME_SERVER_URL` environment variable.",
  }),
};
