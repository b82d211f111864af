/**
 * A dependency can fall silent with its connections open — a paused or hung Redis, a network that
 * drops packets — and then its client reports nothing: commands simply wait, and whatever runs on
 * them (BullMQ's job processors) with them, while the log stays quiet. A watch asks it to answer
 * every `everyMs` (one check at a time) and reports each check that fails or goes unanswered within
 * `timeoutMs`, then the first that succeeds after them.
 */
export interface DependencyWatchOptions {
  /** Named in what is reported: `Redis`. */
  name: string;
  /** Resolves when the dependency answers. */
  check: () => Promise<void>;
  everyMs: number;
  timeoutMs: number;
  /** What the processes wait for meanwhile, named in the report: `job processors wait for it`. */
  consequence: string;
  onFailure: (error: DependencyUnansweredError) => void;
  onRecovered: () => void;
}

export class DependencyUnansweredError extends Error {
  override readonly name = 'DependencyUnanswered';
}

/** Rejects when `work` has not settled within `ms` (`work` itself runs on). */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export class DependencyWatch {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private failing = false;

  constructor(private readonly options: DependencyWatchOptions) {}

  /** Checks every `everyMs` from now on, until stopped. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.next();
  }

  /** No check starts after this, and one under way reports nothing (shutdown closes its connection). */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private next(): void {
    // Unref'd: a watch never keeps a process alive.
    this.timer = setTimeout(() => void this.checkOnce().finally(() => this.running && this.next()), this.options.everyMs).unref();
  }

  private async checkOnce(): Promise<void> {
    const { name, check, timeoutMs, consequence } = this.options;
    const failure = await withDeadline(Promise.resolve().then(check), timeoutMs).then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (!this.running) return;
    if (failure === null) {
      if (this.failing) this.options.onRecovered();
      this.failing = false;
      return;
    }
    this.failing = true;
    this.options.onFailure(new DependencyUnansweredError(`${name} did not answer a check within ${timeoutMs} ms (${failure}): ${consequence}`));
  }
}
