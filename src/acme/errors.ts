// Errors the engine throws. Their messages are shown to Terraform users as they are:
// they say what failed, carry the CA's problem type and detail (RFC 8555 section 6.7)
// and never contain a stack trace, a key or a nonce.

/** An RFC 7807 problem document as ACME servers send it. */
export interface AcmeProblem {
  /** e.g. "urn:ietf:params:acme:error:badNonce" */
  type: string;
  detail?: string;
  status?: number;
  /** Per-identifier problems (RFC 8555 section 6.7.1). */
  subproblems?: AcmeSubproblem[];
}

export interface AcmeSubproblem {
  type: string;
  detail?: string;
  identifier?: { type: string; value: string };
}

const ACME_ERROR_PREFIX = "urn:ietf:params:acme:error:";

/** "urn:ietf:params:acme:error:badNonce" -> "badNonce"; other URNs are kept whole. */
export function shortProblemType(type: string): string {
  return type.startsWith(ACME_ERROR_PREFIX) ? type.slice(ACME_ERROR_PREFIX.length) : type;
}

/** True when `problem` is the ACME error `name` (e.g. "badNonce"). */
export function isProblem(problem: AcmeProblem | undefined, name: string): boolean {
  return problem !== undefined && problem.type === ACME_ERROR_PREFIX + name;
}

/** "rejectedIdentifier: Invalid identifiers requested (x.test: forbidden)" */
export function formatProblem(problem: AcmeProblem): string {
  let text = shortProblemType(problem.type);
  if (problem.detail) text += `: ${problem.detail}`;
  for (const sub of problem.subproblems ?? []) {
    const who = sub.identifier ? `${sub.identifier.value}: ` : "";
    text += `; ${who}${shortProblemType(sub.type)}${sub.detail ? ` ${sub.detail}` : ""}`;
  }
  return text;
}

/** Reads a problem document out of a parsed response body, if it is one. */
export function asProblem(body: unknown): AcmeProblem | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.type !== "string") return undefined;
  const problem: AcmeProblem = { type: record.type };
  if (typeof record.detail === "string") problem.detail = record.detail;
  if (typeof record.status === "number") problem.status = record.status;
  if (Array.isArray(record.subproblems)) {
    problem.subproblems = record.subproblems.flatMap((sub): AcmeSubproblem[] => {
      const parsed = asProblem(sub);
      if (!parsed) return [];
      const identifier = (sub as Record<string, unknown>).identifier as AcmeSubproblem["identifier"];
      return [{ type: parsed.type, detail: parsed.detail, identifier }];
    });
  }
  return problem;
}

/**
 * Anything that went wrong talking to the CA or during issuance.
 * `problem` is set when the CA answered with a problem document.
 */
export class AcmeError extends Error {
  override readonly name = "AcmeError";
  readonly problem?: AcmeProblem;
  /** HTTP status of the CA's answer, when there was one. */
  readonly status?: number;
  /** The identifier (e.g. "*.example.com") an authorization error is about. */
  readonly identifier?: string;

  constructor(message: string, options: { problem?: AcmeProblem; status?: number; identifier?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.problem = options.problem;
    this.status = options.status;
    this.identifier = options.identifier;
  }
}

/** The operation was cancelled through its AbortSignal (Terraform's stop, or a timeout). */
export class AcmeAbortError extends AcmeError {
  constructor(what: string, reason?: unknown) {
    super(`${what} was cancelled${reason instanceof Error && reason.message ? `: ${reason.message}` : ""}`);
  }
}
