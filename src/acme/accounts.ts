// ACME accounts (RFC 8555 section 7.3): create one (agreeing to the terms, optionally
// with an external account binding), find one by its key, deactivate one.

import type { Logger } from "../log/logger.js";
import { silentLogger } from "../log/logger.js";
import { AcmeClient } from "./client.js";
import { AcmeError, isProblem } from "./errors.js";
import { externalAccountBinding } from "./jws.js";
import { publicJwk } from "./keys.js";

/** What every account operation needs. */
export interface AccountTarget {
  directoryUrl: string;
  accountKeyPem: string;
  /** A CA certificate to trust for the ACME server's HTTPS, besides the system's. */
  caCertPem?: string;
  signal: AbortSignal;
  logger?: Logger;
}

/** EAB credentials from the CA (RFC 8555 section 7.3.4). */
export interface ExternalAccountBindingInput {
  keyId: string;
  /** The MAC key, base64url (standard base64 is accepted too). */
  hmacBase64: string;
}

export interface CreateAccountOptions extends AccountTarget {
  email?: string;
  eab?: ExternalAccountBindingInput;
}

export interface AccountResult {
  registrationUrl: string;
}

// Account URLs by server and key thumbprint, for this process: a certificate operation
// then skips the lookup round trip when the account was just created or found.
// A deactivation forgets the entry; findAccount always asks the CA.
const knownAccounts = new Map<string, string>();
const accountKey = (client: AcmeClient) => `${client.directoryUrl}\n${client.thumbprint()}`;

function clientFor(target: AccountTarget): AcmeClient {
  return new AcmeClient({
    directoryUrl: target.directoryUrl,
    accountKeyPem: target.accountKeyPem,
    caCertPem: target.caCertPem,
    logger: target.logger ?? silentLogger,
  });
}

/**
 * Registers the key with the CA, agreeing to its terms of service. When the key already
 * has an account, the CA answers with it and that URL is returned (as lego does).
 */
export async function createAccount(options: CreateAccountOptions): Promise<AccountResult> {
  const client = clientFor(options);
  const { signal } = options;
  const what = "creating the ACME account";
  const directory = await client.directory(signal);
  if (directory.meta?.externalAccountRequired && !options.eab) {
    throw new AcmeError(`${what} failed: this CA requires an external account binding (a key ID and HMAC key the CA gives you)`);
  }
  const hmacKey = options.eab ? decodeHmacKey(options.eab.hmacBase64) : undefined;

  const payload: Record<string, unknown> = { termsOfServiceAgreed: true };
  if (options.email) payload.contact = [`mailto:${options.email}`];

  const response = await client.post(directory.newAccount, payload, {
    signal,
    what,
    useJwk: true,
    // The EAB MAC covers the exact request URL, so it is computed at signing time.
    decorate: (body, url) =>
      options.eab && hmacKey
        ? { ...body, externalAccountBinding: externalAccountBinding(publicJwk(client.accountKey.key), options.eab.keyId, hmacKey, url) }
        : body,
  }).catch((error: unknown) => {
    if (error instanceof AcmeError && options.eab && (isProblem(error.problem, "unauthorized") || isProblem(error.problem, "malformed"))) {
      throw new AcmeError(`${error.message} (check the external account binding's key ID and HMAC key)`, { problem: error.problem, status: error.status });
    }
    throw error;
  });
  if (!response.location) throw new AcmeError(`${what} failed: the CA did not return the account URL (Location header)`);
  knownAccounts.set(accountKey(client), response.location);
  options.logger?.info("ACME account ready", { registration_url: response.location, created: response.status === 201 });
  return { registrationUrl: response.location };
}

/**
 * The URL of the account registered for this key, or null when the CA knows no such
 * account or it is deactivated/revoked (so callers can treat it as gone).
 */
export async function findAccount(options: AccountTarget): Promise<string | null> {
  return lookupAccountUrl(clientFor(options), options.signal);
}

/** findAccount on an existing client; sets client.accountUrl when found. */
export async function lookupAccountUrl(client: AcmeClient, signal: AbortSignal): Promise<string | null> {
  const directory = await client.directory(signal);
  try {
    const response = await client.post(
      directory.newAccount,
      { onlyReturnExisting: true },
      { signal, what: "looking up the ACME account", useJwk: true },
    );
    const status = (response.data as { status?: unknown } | undefined)?.status;
    if (!response.location || status === "deactivated" || status === "revoked") {
      knownAccounts.delete(accountKey(client));
      return null;
    }
    client.accountUrl = response.location;
    knownAccounts.set(accountKey(client), response.location);
    return response.location;
  } catch (error) {
    if (error instanceof AcmeError && isGoneAccount(error)) {
      knownAccounts.delete(accountKey(client));
      return null;
    }
    throw error;
  }
}

/** Like lookupAccountUrl, but a missing account is an error that says what to do. */
export async function requireAccountUrl(client: AcmeClient, signal: AbortSignal): Promise<string> {
  client.accountUrl ??= knownAccounts.get(accountKey(client));
  if (client.accountUrl) return client.accountUrl;
  const url = await lookupAccountUrl(client, signal);
  if (!url) {
    throw new AcmeError(
      `the account key has no active account at ${client.directoryUrl}: register it first (acme_registration) with the same server URL`,
    );
  }
  return url;
}

/**
 * Deactivates the key's account (RFC 8555 section 7.3.6). An account that does not exist
 * or is already deactivated is not an error: the goal is reached.
 */
export async function deactivateAccount(options: AccountTarget & { registrationUrl?: string }): Promise<void> {
  const client = clientFor(options);
  const { signal } = options;
  const url = options.registrationUrl ?? (await lookupAccountUrl(client, signal));
  if (!url) return;
  client.accountUrl = url;
  knownAccounts.delete(accountKey(client));
  try {
    await client.post(url, { status: "deactivated" }, { signal, what: "deactivating the ACME account" });
  } catch (error) {
    if (error instanceof AcmeError && isGoneAccount(error)) return;
    throw error;
  }
  options.logger?.info("ACME account deactivated", { registration_url: url });
}

/** accountDoesNotExist, or unauthorized because the account is deactivated (Boulder, Pebble). */
function isGoneAccount(error: AcmeError): boolean {
  if (isProblem(error.problem, "accountDoesNotExist")) return true;
  return isProblem(error.problem, "unauthorized") && /deactivated|revoked|not valid/i.test(error.problem?.detail ?? "");
}

function decodeHmacKey(value: string): Buffer {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(trimmed)) {
    throw new AcmeError("the external account binding's HMAC key is not valid base64url");
  }
  return Buffer.from(trimmed.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""), "base64url");
}
