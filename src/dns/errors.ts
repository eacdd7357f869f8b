// Several things failed at once (blocks, challenges): report every one of them, in the
// message too, since Terraform shows only the message of the error it is given.

export class DnsChallengeError extends AggregateError {
  constructor(summary: string, errors: readonly Error[]) {
    super(errors, [summary, ...errors.map((error) => `- ${error.message.replaceAll("\n", "\n  ")}`)].join("\n"));
    this.name = "DnsChallengeError";
  }
}

/** The errors of the settled promises that were rejected. */
export function rejectionsOf(results: readonly PromiseSettledResult<unknown>[]): Error[] {
  return results.filter((result): result is PromiseRejectedResult => result.status === "rejected").map((result) => result.reason as Error);
}
