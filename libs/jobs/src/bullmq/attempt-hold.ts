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
import type { Job } from 'bullmq';
import { HOLD_LOST } from '../job-queue.port';

type HeldJob = Pick<Job, 'extendLock'>;

export class AttemptHold {
  private readonly lost = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  /** Aborted (reason HOLD_LOST) once this attempt no longer holds the job. */
  readonly signal: AbortSignal;

  constructor(
    private readonly job: HeldJob,
    private readonly token: string,
    private readonly lockDurationMs: number,
    /** BullMQ's own signal for the attempt (cancelJob, on a failed renewal). */
    held: AbortSignal | undefined,
  ) {
    this.signal = held ? AbortSignal.any([held, this.lost.signal]) : this.lost.signal;
    this.schedule();
  }

  /** Another attempt of the same job began in this worker: BullMQ hands out only a job nobody holds. */
  lose(): void {
    this.lost.abort(HOLD_LOST);
    this.end();
  }

  /**
   * Extends the lock if this attempt still holds it, and says whether it does. A call made while
   * Redis is away waits for it, and then answers for the moment it reached Redis: a write that
   * follows only a `true` lands while the attempt holds the job (it just extended its lock).
   */
  async confirm(): Promise<boolean> {
    if (this.signal.aborted) return false;
    let held: unknown;
    try {
      held = await this.job.extendLock(this.token, this.lockDurationMs);
    } catch {
      // No answer (a connection lost); BullMQ's renewal, or the next call, decides.
      return !this.signal.aborted;
    }
    if (held !== 1) this.lose();
    return !this.signal.aborted;
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
