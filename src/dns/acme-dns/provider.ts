// The acme-dns DNS provider at run time. For each challenge: find the domain's account in
// the credentials (registering one when the storage is a writable file, then stopping
// with the CNAME to create), check the `_acme-challenge` CNAME, then send the TXT value
// with POST /update. acme-dns keeps two values per account, so an apex and its wildcard
// are answered together; there is nothing to delete, so cleanup only frees the account.

import type { Logger } from "../../log/logger.js";
import { challengeKey, type ChallengeRecord, type DnsProvider, type PropagationTimings } from "../dns-provider.js";
import { systemResolvers } from "../dns-lookup.js";
import { releaseValue, takeValue, VALUES_PER_ACCOUNT } from "./account-gate.js";
import { registerAccount, updateTxt, type AcmeDnsEndpoint } from "./api.js";
import { credentialsKey, type AcmeDnsAccount, type Credentials } from "./credentials.js";
import { cnameRecord, waitForDelegation } from "./delegation.js";
import { AccountNotSavedError, CredentialsNotWritableError, type CredentialsStorage } from "./storage.js";

export interface AcmeDnsConfig {
  endpoint: AcmeDnsEndpoint;
  storage: CredentialsStorage;
  /** allowfrom of accounts this provider registers. */
  allowlist: readonly string[];
  propagationTimeoutSeconds: number;
  pollingIntervalSeconds: number;
  /** Resolvers for the CNAME check; empty: the system's. */
  resolvers: readonly string[];
}

export class AcmeDnsProvider implements DnsProvider {
  readonly valuesPerName = VALUES_PER_ACCOUNT;
  private credentials?: Promise<Credentials>;
  /** Per domain, asked once however many names (apex, wildcard) it has. */
  private readonly accounts = new Map<string, Shared<AcmeDnsAccount>>();
  private readonly delegations = new Map<string, Shared<void>>();
  /** Per account, updates one after another: acme-dns picks the slot to overwrite by age. */
  private readonly updates = new Map<string, Promise<unknown>>();
  /** The account key of each presented challenge, to free it at cleanup. */
  private readonly held = new Map<string, string>();

  constructor(
    private readonly config: AcmeDnsConfig,
    private readonly logger: Logger,
  ) {}

  async propagationTimings(): Promise<PropagationTimings> {
    return { timeoutSeconds: this.config.propagationTimeoutSeconds, intervalSeconds: this.config.pollingIntervalSeconds };
  }

  async present({ challenge }: ChallengeRecord, signal: AbortSignal): Promise<string> {
    const domain = credentialsKey(challenge.domain);
    const account = await once(this.accounts, domain, challenge.identifier, () => this.accountFor(domain, signal));
    await once(this.delegations, domain, challenge.identifier, () =>
      waitForDelegation({
        servers: this.config.resolvers.length > 0 ? this.config.resolvers : systemResolvers(),
        domain,
        fulldomain: account.fulldomain,
        timeoutSeconds: this.config.propagationTimeoutSeconds,
        intervalSeconds: this.config.pollingIntervalSeconds,
        signal,
        logger: this.logger,
      }),
    );

    const accountKey = `${this.config.endpoint.apiBase} ${account.subdomain}`;
    const heldKey = challengeKey(challenge);
    await takeValue(accountKey, this, challenge.identifier, Math.max(300, this.config.propagationTimeoutSeconds * 2), signal);
    this.held.set(heldKey, accountKey);

    const previous = this.updates.get(accountKey) ?? Promise.resolve();
    const update = previous.then(() => updateTxt(this.config.endpoint, account, challenge.txtValue, signal));
    this.updates.set(accountKey, update.catch(() => undefined));
    await update;
    this.logger.debug("acme-dns: TXT value sent", { identifier: challenge.identifier, fulldomain: account.fulldomain });
    return `${account.fulldomain}.`;
  }

  /** acme-dns has no delete: the value is overwritten by the account's next updates. */
  async cleanup({ challenge }: ChallengeRecord): Promise<void> {
    const key = challengeKey(challenge);
    const accountKey = this.held.get(key);
    if (accountKey === undefined) return;
    this.held.delete(key);
    releaseValue(accountKey, this, challenge.identifier);
  }

  private async accountFor(domain: string, signal: AbortSignal): Promise<AcmeDnsAccount> {
    this.credentials ??= this.config.storage.load();
    const known = (await this.credentials).accounts.get(domain);
    if (known) return known;

    const { storage, endpoint } = this.config;
    const missing = `${domain} is not in ${storage.description}`;
    const howToAdd =
      `register an account for it (an acme_dns_registration resource with domain = "${domain}", whose credentials_json has the entry, ` +
      `or curl -X POST ${endpoint.apiBase}/register), add it under the key "${domain}", and create the CNAME to its fulldomain`;
    if (storage.kind === "inline") throw new Error(`${missing}: ${howToAdd}`);
    const notWritable = (reason: string) =>
      new Error(
        `${missing}, and no account can be registered into it: ${reason}. Nothing was registered on ${endpoint.apiBase}. ` +
          `Either make the file writable (mounted read-write, with free space), then apply again, or ${howToAdd}`,
      );
    const unwritable = await storage.whyNotWritable();
    if (unwritable) throw notWritable(unwritable);

    const { account, registered } = await storage.addAccount(domain, () => registerAccount(endpoint, this.config.allowlist, signal), signal).catch((error: unknown) => {
      if (error instanceof CredentialsNotWritableError) throw notWritable(error.reason);
      if (error instanceof AccountNotSavedError) throw new Error(lostAccount(domain, endpoint.apiBase, storage.description, error));
      throw error;
    });
    if (!registered) return account;
    this.logger.info("acme-dns: registered an account", { domain, fulldomain: account.fulldomain, file: storage.path });
    throw new Error(
      `${domain} had no acme-dns account: one was registered on ${endpoint.apiBase}${this.config.allowlist.length > 0 ? ` (allowfrom ${this.config.allowlist.join(", ")})` : ""} ` +
        `and saved in ${storage.path} under "${domain}". Create this DNS record in the zone of ${domain}, then apply again:\n  ${cnameRecord(domain, account.fulldomain)}`,
    );
  }
}

/**
 * acme-dns cannot delete an account, and the password of this one was never saved: it can
 * never answer a challenge. The user must not delegate to it, and needs a new one.
 */
function lostAccount(domain: string, apiBase: string, file: string, error: AccountNotSavedError): string {
  const { fulldomain } = error.account;
  return (
    `${domain} had no acme-dns account: one was registered on ${apiBase}, but saving it in ${file} failed: ${error.reason}. ` +
    `That account is lost (its password was never saved, and acme-dns cannot delete accounts): do not point _acme-challenge.${domain} ` +
    `at ${fulldomain} (remove such a CNAME if you created one). Make the file writable (mounted read-write, with free space), ` +
    `then apply again: a new account is registered and saved, and the error then gives the CNAME to create.`
  );
}

interface Shared<T> {
  /** The name whose challenge started it. */
  identifier: string;
  promise: Promise<T>;
}

/**
 * The promise for `key`, started by `start` the first time. The other names sharing it
 * (a wildcard and its apex) fail with a reference to the first one's error rather than
 * the same long message again.
 */
function once<T>(cache: Map<string, Shared<T>>, key: string, identifier: string, start: () => Promise<T>): Promise<T> {
  const shared = cache.get(key);
  if (!shared) {
    const promise = start();
    cache.set(key, { identifier, promise });
    return promise;
  }
  if (shared.identifier === identifier) return shared.promise;
  return shared.promise.catch((error: unknown) => {
    throw new Error(`as for ${shared.identifier}, whose acme-dns account and CNAME this name shares`, { cause: error });
  });
}
