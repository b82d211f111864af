/**
 * Time as the in-process queue sees it: repeat timers for schedules and the wait before a retry.
 * Injected so that tests fire schedules and retries explicitly instead of waiting on real time.
 */
export interface JobTimers {
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  /** Resolves after `ms`: the back-off before a failed job's next attempt. */
  delay(ms: number): Promise<void>;
}

/**
 * Real timers. Both are unref'd: a schedule or a pending retry must not keep a process alive on
 * its own (the HTTP server or the worker loop does that), or a CLI would never exit.
 */
export const systemJobTimers: JobTimers = {
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
  delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  },
};
