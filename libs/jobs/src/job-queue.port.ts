/**
 * The job queue port: long or repeated work (an institution-wide fraud flag, the promotion-delay
 * sweep) runs as jobs with deterministic ids, never as in-process `setTimeout` sagas
 * (ARCHITECTURE.md, Avoid). Adapters: in-process (embedded default) and BullMQ (when REDIS_URL
 * is set). The shape follows BullMQ so that its adapter is a thin mapping: state names are
 * BullMQ's, an existing job id is returned instead of adding a second job, a repeatable job is a
 * "job scheduler" upserted under a stable id.
 */

/**
 * BullMQ's states, narrowed to what a client needs: its `delayed`, `prioritized` and
 * `waiting-children` all read as `waiting` (not started yet, or waiting for a retry).
 */
export type JobState = 'waiting' | 'active' | 'completed' | 'failed';

export interface JobProgress {
  done: number;
  total: number;
}

/**
 * The progress an attempt reports, given what earlier attempts of the job recorded: a job run
 * again (a retry, a job taken over after a crash or a lapsed hold) starts its work from the start
 * (processors are idempotent), but what earlier attempts did of the same work stays done, so
 * `done` does not go back — while the attempt counts the same `total`. Another total is other
 * work (fewer items left, say), shown as reported.
 */
export function progressAfter(earlier: JobProgress, done: number, total: number): JobProgress {
  return { done: earlier.total === total ? Math.max(done, earlier.done) : done, total };
}

/** What `GET /api/jobs/{jobId}` shows, plus what an operator needs to diagnose a failure. */
export interface JobView {
  jobId: string;
  name: string;
  state: JobState;
  progress: JobProgress;
  /** Attempts started so far (1 while the first attempt runs). */
  attemptsMade: number;
  /** The processor's return value, once completed. */
  result?: unknown;
  /** The last attempt's error message, once failed (also while waiting for a retry). */
  error?: string;
}

/** What a processor is handed for one attempt. */
export interface JobContext<D> {
  id: string;
  name: string;
  data: D;
  /** 1 for the first attempt. */
  attempt: number;
  /** Reports this attempt's progress; `done` shows no less than earlier attempts reached of the same total (progressAfter). */
  reportProgress(done: number, total: number): Promise<void>;
  /**
   * Aborted once this process closes the queue (it shuts down). A long job should then stop at
   * its next safe point by throwing JobInterruptedError: it goes back to waiting, the attempt not
   * counted, and runs again (from the start: processors are idempotent) in another worker or
   * after the restart — rather than run on until the shutdown deadline kills the process.
   * Aborted too when this process lost its hold on the job (BullMQ: its lock lapsed while Redis
   * was out of reach, so the stalled-job check hands the job to a worker, maybe already has):
   * stopping then keeps two attempts from running at once. The reason says which.
   */
  signal: AbortSignal;
  /**
   * Aborted (HOLD_LOST) once this attempt no longer holds the job, whatever aborted `signal`
   * first: its outcome is then the attempt's that took the job over. Absent where a job cannot be
   * taken over (in-process).
   */
  held?: AbortSignal;
}

/** Thrown by a processor that stopped because its `signal` was aborted (see JobContext.signal). */
export class JobInterruptedError extends Error {
  constructor(detail = 'the process is shutting down') {
    super(`job interrupted: ${detail}`);
    this.name = 'JobInterruptedError';
  }
}

/** Throws JobInterruptedError once the job's signal is aborted: call it between safe steps. */
export function stopIfInterrupted(job: Pick<JobContext<unknown>, 'signal'>): void {
  if (!job.signal.aborted) return;
  const reason: unknown = job.signal.reason;
  throw new JobInterruptedError(typeof reason === 'string' ? reason : undefined);
}

/**
 * JobContext.signal's reason once a job's hold on it lapsed (the BullMQ adapter). The job runs
 * again from Redis — unless Redis lost it too (restarted without its data), which no worker can
 * tell while Redis is away: then its status answers 404 and only its request sent again runs it.
 */
export const HOLD_LOST = 'this worker lost its hold on the job; it runs again, here or in another worker, unless Redis lost the job itself (restarted without its data: its status then answers 404 JOB_NOT_FOUND, and the request that asked for it must be sent again; a schedule asks again by itself)';

/**
 * Processes one job. Resolving completes it; throwing fails the attempt (retried while attempts
 * remain). Must be idempotent: a retry, or a second worker after a crash, runs it again.
 */
export type JobProcessor<D> = (job: JobContext<D>) => Promise<unknown>;

export interface EnqueueOptions {
  /**
   * Deterministic id: enqueuing an id the queue still knows returns it and runs nothing (the
   * repeat of a request, two workers scheduling the same sweep).
   */
  jobId?: string;
  /** Attempts before the job is `failed`; the adapter's default when absent (3). */
  attempts?: number;
}

export interface ProcessorOptions {
  /** Jobs of this name that may run at once; 1 by default (one at a time, in enqueue order). */
  concurrency?: number;
}

export interface ScheduleOptions {
  /** Stable id of the schedule; `repeat:{name}` by default. Scheduling it again replaces it. */
  scheduleId?: string;
}

/**
 * Job data crosses a process boundary on the BullMQ adapter: keep it JSON (no Date, Map,
 * functions or class instances).
 */
export type JobData = Record<string, unknown>;

export interface JobQueue {
  /** Adds a job (or finds the one with that `jobId`) and returns its id. */
  enqueue<D extends JobData>(name: string, data: D, options?: EnqueueOptions): Promise<string>;
  /** null when no job has that id (never enqueued, or no longer kept). */
  getJob(jobId: string): Promise<JobView | null>;
  /** The code that runs jobs of `name`: one processor per name. Jobs wait until it is registered. */
  registerProcessor<D extends JobData>(name: string, processor: JobProcessor<D>, options?: ProcessorOptions): void;
  /**
   * Enqueues a job of `name` every `everyMs` (an upsert, like BullMQ's job schedulers: two
   * processes scheduling the same id keep one schedule). A run is skipped while the previous run
   * of the same schedule is still waiting or active. Returns the schedule id.
   */
  schedule<D extends JobData>(name: string, everyMs: number, data: D, options?: ScheduleOptions): Promise<string>;
  unschedule(scheduleId: string): Promise<void>;
  /** Resolves once no job that has a processor is waiting or active (tests, graceful hand-over). */
  whenIdle(): Promise<void>;
  /** Graceful: stops schedules and new starts, then waits for the active jobs to settle. */
  close(): Promise<void>;
}

export const JOB_QUEUE = Symbol('JOB_QUEUE');

/** Enqueue after close: the process is shutting down and would never run the job. */
export class JobQueueClosedError extends Error {
  constructor() {
    super('the job queue is closed');
    this.name = 'JobQueueClosedError';
  }
}

/**
 * The queue's backend (Redis) did not answer in time: nothing is known to be enqueued. A caller
 * may retry; with a deterministic job id the retry finds the job should the first call land late.
 */
export class JobQueueUnavailableError extends Error {
  readonly code = 'JOBS_UNAVAILABLE';
  /** `timeoutMs` null: refused at once, the connection being down. */
  constructor(operation: string, timeoutMs: number | null) {
    super(timeoutMs === null ? `the job queue refused ${operation} at once: its connection to Redis is down` : `the job queue did not answer ${operation} within ${timeoutMs} ms`);
    this.name = 'JobQueueUnavailableError';
  }
}

/**
 * The queue's backend has no room for the call: Redis at its `maxmemory` (with `noeviction`, as
 * BullMQ requires) refuses writes until memory is freed. Refused, so nothing of the call is known
 * to be kept; a retry later is safe (a deterministic job id finds a job that was kept after all).
 */
export class JobQueueFullError extends Error {
  readonly code = 'JOBS_FULL';
  constructor(operation: string) {
    super(`the job queue refused ${operation}: Redis is out of memory (maxmemory reached)`);
    this.name = 'JobQueueFullError';
  }
}
