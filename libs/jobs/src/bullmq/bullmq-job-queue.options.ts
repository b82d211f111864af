/** The BullMQ adapter's options: where its queue is, and how it retries, holds and keeps jobs. */
import type { ConnectionOptions, Queue } from 'bullmq';

export const DEFAULT_JOB_QUEUE_NAME = 'jx-jobs';

export interface BullMqJobQueueSettings {
  /** Attempts per job unless its enqueue says otherwise. Default 3. */
  attempts?: number;
  /** First retry's wait; BullMQ's exponential back-off doubles it per attempt. Default 1 s. */
  backoffDelayMs?: number;
  /** Finished jobs kept (each of completed and failed) for `getJob` and id dedupe. Default 10 000. */
  keepFinished?: number;
  /**
   * How long a job is put aside when this process's worker takes one it has no processor for
   * (registered later, or only in another process). Registering the processor here brings it back
   * at once; the wait only bounds the delay for another process's worker. Default 5 s.
   */
  setAsideMs?: number;
  /**
   * How long a job is held back when this process's worker takes one whose name has no free slot
   * here (its concurrency is taken): back in the queue meanwhile, `waiting` to a client, for a
   * worker with room — another process's when it comes back, this one's as soon as a slot frees.
   * Doubled each time the same job is held back again, up to 16 times it. Default 500 ms.
   */
  heldBackMs?: number;
  /** Re-check interval of `whenIdle` besides BullMQ's events (a missed event only delays it). Default 250 ms. */
  idlePollMs?: number;
  /** Redis or worker errors outside any call (a lost connection); default: printed to stderr. */
  onError?: (error: Error) => void;
  /**
   * BullMQ found that this worker no longer held a job it ran (a renewal, or the attempt's end,
   * refused for its lock): expected after an outage longer than a lock, so neither onError nor
   * onRecovered hears of it; without an outage, Redis lost the lock key (evicted, or restarted
   * without its data). The job runs again (another attempt took it over, or will). Default:
   * printed to stderr.
   */
  onHoldLost?: (error: Error) => void;
  /** After errors reported through onError: a connection to Redis is ready again (once per spell of errors). */
  onRecovered?: () => void;
  /**
   * A job BullMQ failed for good without running it — taken over more than `maxStalledCount`
   * times. No processor ran, so no processor logs it; default: printed to stderr.
   */
  onJobFailedUnrun?: (job: { jobId: string; name: string }, reason: string) => void;
  /**
   * How long `enqueue` and `getJob` wait for Redis before failing with JobQueueUnavailableError
   * (an HTTP request must not hang while Redis is away). Default 5 s.
   */
  callTimeoutMs?: number;
  /**
   * How long a worker's hold on a running job lasts without being renewed (it renews at half of
   * it), and how often workers look for jobs whose hold lapsed — a worker killed mid-job — to take
   * them over. BullMQ's 30 s and 30 s left such a job "active" for up to a minute; 15 s and 5 s
   * bound it by about 20 s. Shorter holds would take over jobs from a worker whose event loop is
   * merely busy.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * How many times a job may be taken over from a worker that stopped holding it before BullMQ
   * fails it for good, without running it again and whatever its attempts. BullMQ's default (1)
   * failed an institution-wide flag after its worker was killed twice (a crash loop, a rolling
   * restart), leaving most of its person-years unflagged. Default 10.
   */
  maxStalledCount?: number;
}

export type BullMqJobQueueOptions = BullMqJobQueueSettings &
  (
    | {
        /** An ioredis instance (its workers share it as it is: `maxRetriesPerRequest: null`, and ioredis's offline queue and resend left on, or a reconnection can hang a running job) or connection options. */
        connection: ConnectionOptions;
        queueName?: string;
        /** Redis key prefix; BullMQ's `bull` by default. */
        prefix?: string;
      }
    | {
        /**
         * A queue made elsewhere (`@nestjs/bullmq`'s registerQueue): workers and events use its
         * name, prefix and connection, and `close` leaves it to its owner.
         */
        queue: Queue;
      }
  );

/** The settings with their defaults, each checked (a wrong one throws a RangeError naming it). */
export function resolveSettings(options: BullMqJobQueueSettings) {
  return {
    callTimeoutMs: positiveInteger(options.callTimeoutMs ?? 5000, 'callTimeoutMs'),
    lockDurationMs: positiveInteger(options.lockDurationMs ?? 15_000, 'lockDurationMs'),
    stalledIntervalMs: positiveInteger(options.stalledIntervalMs ?? 5000, 'stalledIntervalMs'),
    maxStalledCount: positiveInteger(options.maxStalledCount ?? 10, 'maxStalledCount'),
    attempts: positiveInteger(options.attempts ?? 3, 'attempts'),
    backoffDelayMs: nonNegative(options.backoffDelayMs ?? 1000, 'backoffDelayMs'),
    keepFinished: positiveInteger(options.keepFinished ?? 10_000, 'keepFinished'),
    setAsideMs: nonNegative(options.setAsideMs ?? 5000, 'setAsideMs'),
    heldBackMs: nonNegative(options.heldBackMs ?? 500, 'heldBackMs'),
    idlePollMs: positiveInteger(options.idlePollMs ?? 250, 'idlePollMs'),
  };
}

export function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(value: number, what: string): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${what} must be a non-negative number, got ${value}`);
  return value;
}
