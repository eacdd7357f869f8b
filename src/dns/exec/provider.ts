// The exec DNS provider at run time: the user's program presents and cleans up records,
// and may say how long propagation takes through `program timeout`.

import type { Logger } from "../../log/logger.js";
import type { ChallengeRecord, DnsProvider, PropagationTimings } from "../dns-provider.js";
import { DEFAULT_POLLING_INTERVAL_SECONDS, DEFAULT_PROPAGATION_TIMEOUT_SECONDS } from "./description.js";
import { MAX_WAIT_SECONDS } from "../../shared/index.js";
import { programName, runProgram } from "./program.js";

export interface ExecConfig {
  program: string;
  /** RAW mode passes domain, token and key authorization instead of name and value. */
  raw: boolean;
  /** Given settings win over the program's `timeout` answer. */
  propagationTimeoutSeconds?: number;
  pollingIntervalSeconds?: number;
  sequenceIntervalSeconds: number;
  /** The program's whole environment. */
  env: Readonly<Record<string, string>>;
}

type Action = "present" | "cleanup";

/** What `program timeout` answered: usable timings, or what to log about it. */
type TimeoutAnswer = { timings: PropagationTimings } | { level: "debug" | "warn"; what: string; reason?: string };

/**
 * Answers to `timeout`, asked once per program and environment in this process rather than
 * once per certificate: a spawn costs several ms of CPU, and the answer does not change.
 */
const timeoutAnswers = new Map<string, Promise<TimeoutAnswer>>();

export class ExecProvider implements DnsProvider {
  /** The program may replace the name's TXT records rather than add one: one value at a time. */
  readonly valuesPerName = 1;
  readonly sequenceIntervalSeconds: number;
  private timings?: Promise<PropagationTimings>;
  /** Runs never overlap, as in the reference: scripts may edit a zone file without locking. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: ExecConfig,
    private readonly logger: Logger,
  ) {
    this.sequenceIntervalSeconds = config.sequenceIntervalSeconds;
  }

  propagationTimings(signal: AbortSignal): Promise<PropagationTimings> {
    // Asked once per provider; a failed (aborted) attempt is not remembered.
    this.timings ??= this.resolveTimings(signal).catch((error: unknown) => {
      this.timings = undefined;
      throw error;
    });
    return this.timings;
  }

  present(record: ChallengeRecord, signal: AbortSignal): Promise<void> {
    return this.perform("present", record, signal);
  }

  cleanup(record: ChallengeRecord, signal: AbortSignal): Promise<void> {
    return this.perform("cleanup", record, signal);
  }

  private async perform(action: Action, record: ChallengeRecord, signal: AbortSignal): Promise<void> {
    const { timeoutSeconds } = await this.propagationTimings(signal);
    await this.run(this.argumentsFor(action, record), timeoutSeconds, signal);
  }

  private argumentsFor(action: Action, { challenge, fqdn }: ChallengeRecord): string[] {
    // "--" because a token may start with "-"; the reference passes it in RAW mode only.
    return this.config.raw
      ? [action, "--", challenge.domain, challenge.token, challenge.keyAuthorization]
      : [action, fqdn, challenge.txtValue];
  }

  private async resolveTimings(signal: AbortSignal): Promise<PropagationTimings> {
    const { propagationTimeoutSeconds, pollingIntervalSeconds } = this.config;
    const answer =
      propagationTimeoutSeconds !== undefined && pollingIntervalSeconds !== undefined ? undefined : await this.askProgramForTimings(signal);
    return {
      timeoutSeconds: propagationTimeoutSeconds ?? answer?.timeoutSeconds ?? DEFAULT_PROPAGATION_TIMEOUT_SECONDS,
      intervalSeconds: pollingIntervalSeconds ?? answer?.intervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
    };
  }

  /**
   * The program's answer to `timeout`, or undefined. As the seed says, a program without
   * the command (it fails, or prints nothing) just gets the defaults: debug log only. A
   * warning only for a program that succeeds but prints something other than the JSON.
   */
  private async askProgramForTimings(signal: AbortSignal): Promise<PropagationTimings | undefined> {
    const key = JSON.stringify([this.config.program, this.config.env]);
    let asked = timeoutAnswers.get(key);
    if (!asked) {
      asked = this.runTimeoutCommand(signal);
      timeoutAnswers.set(key, asked);
      // Cancelled, it answered nothing: the next certificate asks again.
      asked.catch(() => timeoutAnswers.delete(key));
    }
    let answer: TimeoutAnswer;
    try {
      answer = await asked;
    } catch (error) {
      if (signal.aborted) throw error;
      // Another certificate's run was cancelled, not ours: ask on our own.
      return this.askProgramForTimings(signal);
    }
    if ("timings" in answer) return answer.timings;
    // Every certificate using the program logs it (a warning becomes each one's diagnostic).
    this.logger[answer.level](`exec: "${programName(this.config.program)} timeout" ${answer.what}; using the settings or defaults`, answer.reason === undefined ? undefined : { reason: answer.reason });
    return undefined;
  }

  private async runTimeoutCommand(signal: AbortSignal): Promise<TimeoutAnswer> {
    const timeoutSeconds = this.config.propagationTimeoutSeconds ?? DEFAULT_PROPAGATION_TIMEOUT_SECONDS;
    let stdout: string;
    try {
      ({ stdout } = await this.run(["timeout"], timeoutSeconds, signal));
    } catch (error) {
      if (signal.aborted) throw error;
      return { level: "debug", what: "failed", reason: (error as Error).message };
    }
    if (stdout.trim() === "") return { level: "debug", what: "printed nothing" };
    try {
      return { timings: parseTimeoutAnswer(stdout) };
    } catch (error) {
      return { level: "warn", what: "gave no usable answer", reason: (error as Error).message };
    }
  }

  private run(args: string[], timeoutSeconds: number, signal: AbortSignal) {
    const run = this.queue.then(() =>
      runProgram({ program: this.config.program, args, env: this.config.env, timeoutSeconds, signal, logger: this.logger }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** `{"timeout": 30, "interval": 5}` in seconds (fractions allowed, at most a day); throws on anything else. */
function parseTimeoutAnswer(stdout: string): PropagationTimings {
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw new Error(`expected JSON like {"timeout": 30, "interval": 5}, got ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const { timeout, interval } = (answer ?? {}) as { timeout?: unknown; interval?: unknown };
  if (!isPositiveSeconds(timeout) || !isPositiveSeconds(interval)) {
    throw new Error(`expected positive "timeout" and "interval" seconds of at most ${MAX_WAIT_SECONDS}, got ${JSON.stringify(answer)}`);
  }
  return { timeoutSeconds: timeout, intervalSeconds: interval };
}

function isPositiveSeconds(value: unknown): value is number {
  return typeof value === "number" && value > 0 && value <= MAX_WAIT_SECONDS;
}
