// acme-dns keeps the two most recent TXT values of an account, whatever names they were
// sent for. Several certificates of one apply (or a certificate's dns_challenge blocks)
// that share an account would overwrite each other's values, so within this process an
// account belongs to one provider instance at a time: the others wait until its values
// are cleaned up. An instance that needs more than two values at once on one account
// (apex + wildcard of two domains sharing an account) cannot be served and is told so.

import { sleep } from "../../shared/index.js";

export const VALUES_PER_ACCOUNT = 2;
const WAIT_STEP_SECONDS = 0.05;

interface Holding {
  owner: object;
  /** What the values are for, for messages (identifiers). */
  purposes: string[];
}

const holdings = new Map<string, Holding>();

export class AccountFullError extends Error {}

/**
 * Takes one of the account's two values for `owner`; waits while another owner holds the
 * account (up to `waitSeconds`). `account` identifies it (API base and subdomain).
 */
export async function takeValue(account: string, owner: object, purpose: string, waitSeconds: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const holding = holdings.get(account);
    if (!holding) {
      holdings.set(account, { owner, purposes: [purpose] });
      return;
    }
    if (holding.owner === owner) {
      if (holding.purposes.length >= VALUES_PER_ACCOUNT) {
        throw new AccountFullError(
          `the acme-dns account is already answering ${holding.purposes.join(" and ")}, and it holds only ${VALUES_PER_ACCOUNT} TXT values at a time: ` +
            `give ${purpose.replace(/^\*\./, "")} an account of its own (its own entry in the credentials, and its own CNAME), or certify it in another acme_certificate`,
        );
      }
      holding.purposes.push(purpose);
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`the acme-dns account stayed busy for ${waitSeconds} s answering ${holding.purposes.join(" and ")} for another certificate or dns_challenge block sharing it`);
    }
    await sleep(WAIT_STEP_SECONDS * 1000, signal);
  }
}

/** Gives back one value of `owner`'s on the account; the account is free once none is left. */
export function releaseValue(account: string, owner: object, purpose: string): void {
  const holding = holdings.get(account);
  if (!holding || holding.owner !== owner) return;
  const index = holding.purposes.indexOf(purpose);
  if (index >= 0) holding.purposes.splice(index, 1);
  if (holding.purposes.length === 0) holdings.delete(account);
}
