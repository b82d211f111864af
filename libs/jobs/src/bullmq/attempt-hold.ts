/**
 * One attempt's hold on a BullMQ job, judged by the attempt's own lock token.
 *
 * BullMQ's lock manager keeps one entry per job id in a worker: when this worker takes a job over
 * from one of its own earlier attempts (the earlier attempt's lock lapsed while Redis was away, and
 * the stalled-job check handed the job back), the new attempt's entry replaces the old one. Renewal
 * then extends the new token's lock, so the old attempt is never told it lost the job and runs on
 * beside the new one; and when the old attempt ends, BullMQ drops the job id, so the new attempt's
 * lock is no longer renewed and lapses in turn (a third attempt, beside the second). Each attempt
 * therefore also keeps its own lock alive with its own token, and stops as soon as that fails.
 */
import { HOLD_LOST } from '../job-queue.port';

/** What a hold asks of Redis, for one job and one attempt's token. */
export interface HeldJobCalls {
  /** BullMQ's extendLock: 1 when the lock held the token and was extended. */
  extendLock(token: string, durationMs: number): Promise<number>;
  /** Writes the progress only if the lock holds the token, in one step: 1 when written. */
  progressIfHeld(token: string, progress: unknown): Promise<number>;
}

export class AttemptHold {
  private readonly lost = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  /** Aborted (reason HOLD_LOST) once this attempt no longer holds the job. */
  readonly signal: AbortSignal;

  constructor(
    private readonly calls: HeldJobCalls,
    private readonly token: string,
    private readonly lockDurationMs: number,
    /** BullMQ's own signal for the attempt (cancelJob). */
    held: AbortSignal | undefined,
  ) {
    this.signal = held ? AbortSignal.any([held, this.lost.signal]) : this.lost.signal;
    this.schedule();
  }

  /** This attempt no longer holds the job (another attempt of it began here, or Redis said so). */
  lose(): void {
    this.lost.abort(HOLD_LOST);
    this.end();
  }

  /**
   * Extends the lock if this attempt still holds it, and stops the attempt if it does not. A call
   * made while Redis is away waits for it, and is judged when it reaches Redis. No answer (a
   * connection lost) decides nothing: the next renewal asks again.
   */
  async confirm(): Promise<void> {
    if (this.signal.aborted) return;
    let held: number;
    try {
      held = await this.calls.extendLock(this.token, this.lockDurationMs);
    } catch {
      return;
    }
    if (held !== 1) this.lose();
  }

  /**
   * Writes a progress report while this attempt holds the job, checked and written in one step in
   * Redis: a report sent before Redis went away reaches it only afterwards, when another attempt
   * may hold the job. A report that finds the job held by another stops this attempt.
   */
  async reportProgress(progress: unknown): Promise<void> {
    if (this.signal.aborted) return;
    if ((await this.calls.progressIfHeld(this.token, progress)) !== 1) this.lose();
  }

  end(): void {
    this.ended = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.ended) return;
    this.timer = setTimeout(() => {
      void this.confirm().then(() => this.schedule());
    }, this.lockDurationMs / 2);
    // An attempt keeps the process alive by itself; its renewals need not.
    this.timer.unref();
  }
}

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferredSignal(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Resolves when `settled` does, or after `ms` at the latest. */
export async function settledWithin(settled: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
