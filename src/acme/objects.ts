// The ACME resources the engine reads (RFC 8555 section 7.1), with only the members it
// uses, and guards that turn a malformed answer into a clear error instead of a crash.

import { AcmeError, asProblem, type AcmeProblem } from "./errors.js";

export interface AcmeIdentifier {
  type: string;
  value: string;
}

export interface AcmeOrder {
  status: "pending" | "ready" | "processing" | "valid" | "invalid";
  identifiers: AcmeIdentifier[];
  authorizations: string[];
  finalize: string;
  certificate?: string;
  error?: AcmeProblem;
  /** The profile the CA associated with the order (profiles extension). */
  profile?: string;
}

export interface AcmeChallenge {
  type: string;
  url: string;
  status: "pending" | "processing" | "valid" | "invalid";
  token?: string;
  error?: AcmeProblem;
}

export interface AcmeAuthorization {
  identifier: AcmeIdentifier;
  status: "pending" | "valid" | "invalid" | "deactivated" | "expired" | "revoked";
  challenges: AcmeChallenge[];
  wildcard?: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function asOrder(data: unknown, what: string): AcmeOrder {
  if (!isRecord(data) || typeof data.status !== "string" || !Array.isArray(data.authorizations) || typeof data.finalize !== "string") {
    throw new AcmeError(`${what}: the CA's answer is not an ACME order`);
  }
  return { ...(data as unknown as AcmeOrder), error: asProblem(data.error) };
}

export function asAuthorization(data: unknown, what: string): AcmeAuthorization {
  if (!isRecord(data) || typeof data.status !== "string" || !isRecord(data.identifier) || !Array.isArray(data.challenges)) {
    throw new AcmeError(`${what}: the CA's answer is not an ACME authorization`);
  }
  const challenges = (data.challenges as unknown[]).filter(isRecord).map((c) => ({ ...(c as unknown as AcmeChallenge), error: asProblem(c.error) }));
  return { ...(data as unknown as AcmeAuthorization), challenges };
}

/** "*.example.com" for a wildcard authorization, as the identifier was ordered. */
export function orderedName(authz: AcmeAuthorization): string {
  return authz.wildcard ? `*.${authz.identifier.value}` : authz.identifier.value;
}
