// Validators the acme resources declare on their arguments (see src/provider/validators.ts
// for the generic ones): light modules only, since the declarations load them.
import { isIP } from "node:net";
import { privateKeyProblem } from "../acme/vocabulary.js";
import type { Validator } from "../provider/declarations.js";
import { parseNameserver } from "./nameservers.js";
import { isDnsName } from "../shared/index.js";

/** A name to certify through DNS-01. */
export const dnsName: Validator<string> = (name, { name: argument }) => {
  if (isIP(name)) return { summary: "IP addresses cannot be certified here", detail: `${argument}: ${name} is an IP address; DNS-01 challenges validate DNS names only.` };
  // ACME identifiers are written without a trailing dot (RFC 8555 7.1.4), and CAs reject "example.com.".
  if (name.endsWith(".") && isDnsName(name.slice(0, -1), { wildcard: true })) {
    return { summary: "Invalid domain name", detail: `${argument}: ${JSON.stringify(name)} ends with a dot: write it without one (${JSON.stringify(name.slice(0, -1))}), as ACME servers expect.` };
  }
  if (!isDnsName(name, { wildcard: true })) {
    return { summary: "Invalid domain name", detail: `${argument}: ${JSON.stringify(name)} is not a valid DNS name (a wildcard is allowed only as the first label, like *.example.com).` };
  }
  return undefined;
};

/** A resolver: an IP address or a host name, with an optional port. */
export const nameserver: Validator<string> = (server) =>
  parseNameserver(server)
    ? undefined
    : `${JSON.stringify(server)} must be an IP address or a host name, with an optional port from 1 to 65535: 192.0.2.53, 192.0.2.53:53, [2001:db8::53]:53 or localhost:53.`;

/** A PEM private key (the problem never quotes the key). */
export const privateKeyPem: Validator<string> = (pem, { name }) => {
  const problem = privateKeyProblem(pem);
  return problem ? `${name} is not a valid PEM private key: ${problem}.` : undefined;
};
