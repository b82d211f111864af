/**
 * Synchronisation for job queue tests: a test waits for what the processor signals, never for a
 * length of time. A deadline only turns "never happened" into a readable failure.
 */
import { stopIfInterrupted, type JobData, type JobProcessor } from '../job-queue.port';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

/** A promise the test settles by hand: holds a job in `active` for as long as it needs. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every already-scheduled callback run (an event-loop turn, not a wait on time). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Generous, for a loaded machine (a passing test never waits it out), and below the tests' 20 s
 * timeout (jest.config.js), so that the failure names what never happened.
 */
export const DEADLINE_MS = 15_000;

/** `promise`, or a failure naming `what` if it has not settled by the deadline. */
export async function within<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting for ${what} after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The promises a test holds its jobs on. Released after every test, before the queue is closed:
 * a test that failed half-way must not leave a job that close would wait for forever.
 */
export class Holds {
  private held: Array<Deferred<void>> = [];

  hold(): Deferred<void> {
    const held = deferred();
    this.held.push(held);
    return held;
  }

  releaseAll(): void {
    for (const held of this.held) held.resolve();
    this.held = [];
  }
}

/**
 * A long job that behaves as JobContext.signal asks: it reports some progress, says it started,
 * then stops with JobInterruptedError once its queue closes.
 */
export function stopsAtShutdown(started: Deferred<void>): JobProcessor<JobData> {
  return async (job) => {
    await job.reportProgress(1, 3);
    started.resolve();
    await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
    stopIfInterrupted(job);
    return 'not reached';
  };
}
