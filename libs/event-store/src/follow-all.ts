import type { StoredEvent, SubscribeOptions, Subscription } from './event-store.port';

/** What a store offers a subscription: paged reads plus a nudge when this process appended. */
export interface FollowSource {
  readAll(fromPosition: number, limit: number): Promise<StoredEvent[]>;
  /** Registers a listener called after each commit made through this store instance. */
  onAppended(listener: () => void): () => void;
  /** How often to look for appends made by other processes, which cannot nudge us. */
  pollIntervalMs: number;
}

export const DEFAULT_PAGE_SIZE = 256;
/**
 * A page that keeps failing (a store away) is retried after the poll interval, then twice as long
 * after each further failure, up to this (or the poll interval, if longer): once the store is back,
 * read models still reflect a command within API.md's 2 s (this, plus a batch delay of 250 ms).
 * The log is spared by the reporter (platform's logRepeatedFailures), not by waiting longer.
 */
export const MAX_RETRY_WAIT_MS = 1000;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Catch-up then follow, for any store whose global positions become visible in commit order
 * (true of SQLite: one writer at a time). One loop per subscription: each page is handed over only
 * after the previous one's promise settled, and the position moves only after a page succeeded,
 * so nothing is skipped or delivered twice.
 */
export function followAll(source: FollowSource, options: SubscribeOptions): Subscription {
  return new FollowingSubscription(source, options);
}

class FollowingSubscription implements Subscription {
  private position: number;
  private closed = false;
  /** An append was announced since the last read started. */
  private pending = false;
  private wake: (() => void) | undefined;
  private cutShort: (() => void) | undefined;
  private readonly unlisten: () => void;
  private readonly done: Promise<void>;
  /** Failures of the same page in a row. */
  private failures = 0;

  constructor(
    private readonly source: FollowSource,
    private readonly options: SubscribeOptions,
  ) {
    this.position = options.fromPosition;
    this.unlisten = source.onAppended(() => this.nudge());
    this.done = this.run();
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.unlisten();
      this.nudge();
      this.cutShort?.();
    }
    await this.done;
  }

  private nudge(): void {
    this.pending = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async run(): Promise<void> {
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    while (!this.closed) {
      this.pending = false;
      try {
        const page = await this.source.readAll(this.position, pageSize);
        if (this.closed) return;
        if (page.length > 0) {
          await this.options.handle(page);
          this.position = page[page.length - 1]!.position;
        }
        if (this.failures > 0) {
          this.failures = 0;
          this.options.onRecovered?.();
        }
        // A full page means we are still catching up: read on without waiting — but after the
        // event loop's other work (requests, in the API's process), not ahead of all of it.
        if (page.length === pageSize) {
          await yieldToEventLoop();
          continue;
        }
        await this.idle(false);
        await this.gather();
      } catch (error: unknown) {
        this.report(error);
        this.failures += 1;
        // Retry the same page, never faster than the poll interval, slower after each failure.
        const poll = this.source.pollIntervalMs;
        await this.idle(true, Math.min(poll * 2 ** (this.failures - 1), Math.max(poll, MAX_RETRY_WAIT_MS)));
      }
    }
  }

  /** Lets appends that arrive together accumulate into one page (cut short by close). */
  private gather(): Promise<void> {
    const ms = this.options.batchDelayMs ?? 0;
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.cutShort = undefined;
        resolve();
      }, ms);
      this.cutShort = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Waits for a nudge, `ms` (the poll interval by default), or close. */
  private idle(ignorePending: boolean, ms = this.source.pollIntervalMs): Promise<void> {
    if (this.closed || (this.pending && !ignorePending)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      const wake = (): void => {
        // After a failure only close cuts the back-off short; appends wait for the timer.
        if (ignorePending && !this.closed) {
          this.wake = wake;
          return;
        }
        clearTimeout(timer);
        resolve();
      };
      this.wake = wake;
    });
  }

  private report(error: unknown): void {
    try {
      if (this.options.onError) return this.options.onError(error);
    } catch (reportingFailed: unknown) {
      error = reportingFailed; // the loop must survive its own error reporter
    }
    process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'SubscriptionError');
  }
}

/** followAll for an adapter that closes every open subscription when it closes itself. */
export function trackedFollowAll(open: Set<Subscription>, source: FollowSource, options: SubscribeOptions): Subscription {
  const subscription = followAll(source, options);
  open.add(subscription);
  return {
    close: async () => {
      open.delete(subscription);
      await subscription.close();
    },
  };
}
