// Issuing a certificate (RFC 8555 section 7.4), step by step:
//   account -> new order -> prove the names (DNS-01, in rounds) -> finalize with a CSR
//   -> wait for the order -> download the chain (the preferred one, if asked).
// The certificate key is generated while the DNS work runs (RSA 8192 takes seconds).

import type { Logger } from "../log/logger.js";
import { requireAccountUrl } from "./accounts.js";
import { deactivateAuthorizations, pendingAuthorizations, solveAuthorizations } from "./authorizations.js";
import { toPem } from "../shared/index.js";
import { parseCertificate, splitPemChain } from "./certificate-info.js";
import { choosePreferredChain, type OfferedChain } from "./chains.js";
import { AcmeClient, type AcmeResponse } from "./client.js";
import { checkNames, createCsr, readCsr } from "./csr.js";
import { AcmeError, formatProblem, isProblem } from "./errors.js";
import { generateCertificateKey, parsePrivateKeyPem, type CertificateKeyType, type ParsedPrivateKey } from "./keys.js";
import { asAuthorization, asOrder, type AcmeOrder } from "./objects.js";
import { pollUntil } from "./poll.js";
import { listedProfiles, unofferedProfileProblem } from "./profiles.js";
import type { Dns01Solver } from "./solver.js";

export interface IssueCertificateOptions {
  directoryUrl: string;
  accountKeyPem: string;
  /** A CA certificate to trust for the ACME server's HTTPS, besides the system's. */
  caCertPem?: string;
  /** Common name first, then the other names (wildcards allowed). Not with csrPem. */
  names?: string[];
  /** A PEM CSR to finalize with instead; the names come from it and no key is made. */
  csrPem?: string;
  /** Key type of a generated certificate key (default "2048", as the reference). */
  keyType?: CertificateKeyType;
  /** Reuse this key (renewal) instead of generating one. */
  privateKeyPem?: string;
  mustStaple?: boolean;
  /** Issuer common name of the top of the preferred chain, e.g. "ISRG Root X1". */
  preferredChain?: string;
  /**
   * The profile to order (profiles extension): sent when the CA lists it, refused before
   * ordering when it lists others, left out when it lists none (the draft forbids
   * requesting a profile the directory does not list).
   */
  profile?: string;
  /** Asks for notAfter = now + days in the order; sent only when set. */
  validityDays?: number;
  /**
   * The RFC 9773 identifier of the certificate this one renews: sent as the order's
   * `replaces` when the CA offers ARI, so it can link the two and spare rate limits.
   */
  replaces?: string;
  /** How long to wait for the order to become valid after finalize (default 30 s). */
  certTimeoutSeconds?: number;
  /** How long the CA may take to validate one round of challenges (default 180 s). */
  validationTimeoutSeconds?: number;
  /** Deactivate the order's authorizations after success (default true), as lego can. */
  deactivateAuthorizations?: boolean;
  solver: Dns01Solver;
  signal: AbortSignal;
  logger: Logger;
}

export interface IssuedCertificate {
  certificateUrl: string;
  /** The leaf certificate (PEM). */
  certificatePem: string;
  /** The rest of the chain (PEM, concatenated), possibly empty. */
  issuerPem: string;
  /** The certificate key: generated or given; absent when issued for a CSR. */
  privateKeyPem?: string;
  /** The common name: the first name ordered. */
  domain: string;
  /** RFC 3339 (UTC, no fractions), as the reference stores them. */
  notBefore: string;
  notAfter: string;
  /** Decimal, as the reference stores certificate_serial. */
  serial: string;
  /** Lowercase hex, for CA tooling (e.g. Pebble's cert-status-by-serial). */
  serialHex: string;
}

const DEFAULT_CERT_TIMEOUT_S = 30;
const DEFAULT_VALIDATION_TIMEOUT_S = 180;
const CLEANUP_TIMEOUT_MS = 120_000;
const DAY_MS = 86_400_000;

export async function issueCertificate(options: IssueCertificateOptions): Promise<IssuedCertificate> {
  const { signal, logger } = options;
  const started = Date.now();
  const request = await prepareRequest(options);
  const log = logger.child({ domain: request.names[0] });

  const client = new AcmeClient({
    directoryUrl: options.directoryUrl,
    accountKeyPem: options.accountKeyPem,
    caCertPem: options.caCertPem,
    logger: log,
  });
  await requireAccountUrl(client, signal);

  const order = await newOrder(client, request.names, options);
  log.debug("order created", { url: order.url, status: order.value.status, profile: typeof order.value.profile === "string" ? order.value.profile : undefined });
  const authzUrls = order.value.authorizations;

  // The CSR needs only the names and the key: build it while the DNS work runs.
  const csr = request.csrDer
    ? Promise.resolve(request.csrDer)
    : request.key.then(async (key) => (await createCsr({ names: request.names, key: key!.parsed, mustStaple: options.mustStaple })).der);
  csr.catch(() => undefined);

  let cleanedUp = Promise.resolve();
  try {
    if (order.value.status === "pending") {
      const authorizations = await Promise.all(
        authzUrls.map(async (url) => {
          const what = "reading an authorization of the order";
          return { url, authz: asAuthorization((await client.postAsGet(url, { signal, what })).data, what) };
        }),
      );
      // In the order the names were given, not the CA's: rounds are then predictable.
      const position = (name: string) => request.names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
      const pending = pendingAuthorizations(client, authorizations).sort(
        (a, b) => position(a.challenge.identifier) - position(b.challenge.identifier),
      );
      log.debug("authorizations to prove", { pending: pending.length, reused: authorizations.length - pending.length });
      ({ cleanedUp } = await solveAuthorizations(client, pending, options.solver, {
        signal,
        logger: log,
        validationTimeoutMs: (options.validationTimeoutSeconds ?? DEFAULT_VALIDATION_TIMEOUT_S) * 1000,
        cleanupTimeoutMs: CLEANUP_TIMEOUT_MS,
      }));
    } else if (order.value.status === "invalid") {
      throw new AcmeError(`the new order is invalid${order.value.error ? `: ${formatProblem(order.value.error)}` : ""}`);
    }
  } catch (error) {
    // lego deactivates what is still pending so it is not left around at the CA.
    if (!signal.aborted) await deactivateAuthorizations(client, authzUrls, { signal, logger: log, onlyPending: true });
    throw error;
  }

  // The last round's TXT records are removed while the CA issues; both must finish.
  let chain: OfferedChain;
  try {
    const valid = await finalize(client, order.url, order.value, await csr, options);
    const [downloaded] = await Promise.all([
      downloadChain(client, valid.certificate!, options),
      (options.deactivateAuthorizations ?? true) && deactivateAuthorizations(client, authzUrls, { signal, logger: log, onlyPending: false }),
    ]);
    chain = downloaded;
  } finally {
    await cleanedUp;
  }
  const key = await request.key;

  const certificates = splitPemChain(chain.pem);
  if (certificates.length === 0) throw new AcmeError("the CA's certificate download contains no certificate");
  const certificatePem = toPem("CERTIFICATE", certificates[0]!);
  const info = parseCertificate(certificatePem);
  if (info.isCA) throw new AcmeError("the CA's certificate download starts with a CA certificate instead of the issued one");

  log.info("certificate issued", { serial: info.serialHex, not_after: info.notAfter, ms: Date.now() - started });
  return {
    certificateUrl: chain.url,
    certificatePem,
    issuerPem: certificates.slice(1).map((der) => toPem("CERTIFICATE", der)).join(""),
    privateKeyPem: key?.pem,
    domain: request.names[0]!,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    serial: info.serial,
    serialHex: info.serialHex,
  };
}

interface PreparedRequest {
  names: string[];
  /** Set for a CSR request. */
  csrDer?: Buffer;
  /** The certificate key, being generated (or parsed) while the order is worked on. */
  key: Promise<{ pem: string; parsed: ParsedPrivateKey } | undefined>;
}

async function prepareRequest(options: IssueCertificateOptions): Promise<PreparedRequest> {
  if (options.csrPem !== undefined) {
    if (options.names?.length || options.privateKeyPem) {
      throw new AcmeError("a certificate request (CSR) brings its own names and key: do not give names or a private key with it");
    }
    const csr = await readCsr(options.csrPem);
    return { names: csr.names, csrDer: csr.der, key: Promise.resolve(undefined) };
  }
  const names = checkNames(options.names ?? []);
  if (options.privateKeyPem !== undefined) {
    const parsed = parsePrivateKeyPem(options.privateKeyPem);
    return { names, key: Promise.resolve({ pem: options.privateKeyPem, parsed }) };
  }
  const key = generateCertificateKey(options.keyType ?? "2048").then((pem) => ({ pem, parsed: parsePrivateKeyPem(pem) }));
  // Awaited after the DNS work; until then a failure must not count as unhandled.
  key.catch(() => undefined);
  return { names, key };
}

async function newOrder(client: AcmeClient, names: string[], options: IssueCertificateOptions): Promise<{ url: string; value: AcmeOrder }> {
  const { signal } = options;
  const directory = await client.directory(signal);
  const payload: Record<string, unknown> = { identifiers: names.map((value) => ({ type: "dns", value })) };
  if (options.validityDays !== undefined) {
    payload.notAfter = new Date(Date.now() + options.validityDays * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  if (options.profile !== undefined) {
    const offered = listedProfiles(directory);
    const problem = unofferedProfileProblem(options.profile, offered);
    if (problem) throw new AcmeError(problem);
    if (offered) payload.profile = options.profile;
    else options.logger.debug("the CA lists no profiles: ordering without one", { profile: options.profile });
  }
  const what = `ordering a certificate for ${names.join(", ")}`;
  if (options.replaces !== undefined && directory.renewalInfo) {
    try {
      const response = await client.post(directory.newOrder, { ...payload, replaces: options.replaces }, { signal, what });
      return orderFrom(response, what);
    } catch (error) {
      // RFC 9773 section 5: a CA may refuse `replaces` (already replaced, unknown to it);
      // the renewal itself must still happen, as an order that replaces nothing.
      if (!(error instanceof AcmeError && isProblem(error.problem, "alreadyReplaced"))) throw error;
      options.logger.info("the CA refused the order's `replaces`; ordering without it", { replaces: options.replaces });
    }
  }
  return orderFrom(await client.post(directory.newOrder, payload, { signal, what }), what);
}

function orderFrom(response: AcmeResponse, what: string): { url: string; value: AcmeOrder } {
  if (!response.location) throw new AcmeError(`${what} failed: the CA did not return the order URL (Location header)`);
  return { url: response.location, value: asOrder(response.data, what) };
}

/** Sends the CSR and waits (up to certTimeoutSeconds) for the order to become valid. */
async function finalize(client: AcmeClient, orderUrl: string, order: AcmeOrder, csrDer: Buffer, options: IssueCertificateOptions): Promise<AcmeOrder> {
  const { signal } = options;
  const timeoutSeconds = options.certTimeoutSeconds ?? DEFAULT_CERT_TIMEOUT_S;
  const deadline = Date.now() + timeoutSeconds * 1000;
  const what = "finalizing the order";
  const readOrder = async () => {
    const response = await client.postAsGet(orderUrl, { signal, what: "reading the order" });
    return { value: asOrder(response.data, "reading the order"), retryAfterMs: response.retryAfterMs };
  };
  const describe = (o: AcmeOrder) => `order status ${o.status}`;

  let current: AcmeOrder;
  try {
    current = asOrder((await client.post(order.finalize, { csr: csrDer.toString("base64url") }, { signal, what })).data, what);
  } catch (error) {
    // The order turns ready a moment after its last authorization; wait for that once.
    if (!(error instanceof AcmeError && isProblem(error.problem, "orderNotReady"))) throw error;
    await pollUntil(readOrder, (o) => o.status !== "pending", { signal, deadline, what: "the order to become ready", describe });
    current = asOrder((await client.post(order.finalize, { csr: csrDer.toString("base64url") }, { signal, what })).data, what);
  }
  if (current.status !== "valid" && current.status !== "invalid") {
    current = await pollUntil(readOrder, (o) => o.status === "valid" || o.status === "invalid", {
      signal,
      deadline,
      first: { value: current },
      what: `the certificate (cert_timeout ${timeoutSeconds} s)`,
      describe,
    });
  }
  if (current.status === "invalid") {
    throw new AcmeError(`the CA refused to issue the certificate${current.error ? `: ${formatProblem(current.error)}` : ""}`, {
      problem: current.error,
    });
  }
  if (!current.certificate) throw new AcmeError("the order is valid but the CA gave no certificate URL");
  return current;
}

/** Downloads the default chain and, for a preferred chain, the alternates. */
async function downloadChain(client: AcmeClient, url: string, options: IssueCertificateOptions): Promise<OfferedChain> {
  const { signal } = options;
  const fetchChain = async (chainUrl: string) => {
    const response = await client.postAsGet(chainUrl, { signal, what: "downloading the certificate", accept: "application/pem-certificate-chain" });
    if (typeof response.data !== "string") throw new AcmeError("downloading the certificate failed: the CA's answer is not a PEM chain");
    return { url: chainUrl, pem: response.data, alternates: response.links.alternate ?? [] };
  };
  const main = await fetchChain(url);
  if (!options.preferredChain || main.alternates.length === 0) return main;
  const alternates = await Promise.all(main.alternates.map(fetchChain));
  const chosen = choosePreferredChain([main, ...alternates], options.preferredChain);
  options.logger.debug("certificate chain chosen", { preferred: options.preferredChain, url: chosen.url, offered: alternates.length + 1 });
  return chosen;
}
