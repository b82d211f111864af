/**
 * A dependency can fall silent with its connections open — a paused or hung Redis, a network that
 * drops packets — and then its client reports nothing: commands simply wait, and whatever runs on
 * them (BullMQ's job processors) with them, while the log stays quiet. A watch asks it to answer
 * every `everyMs` (one check at a time) and reports each check left unanswered for `timeoutMs`,
 * then the first answer after them. A check the client refuses at once (no connection: the
 * client's own errors say so) is no silence: it reports nothing and ends none.
 */
export interface DependencyWatchOptions {
  /** Named in what is reported: `Redis`. */
  name: string;
  /** Resolves when the dependency answers. */
  check: () => Promise<void>;
  /** A failure of the check that is itself an unanswered command (the client's own timeout). */
  isTimeout?: (error: unknown) => boolean;
  everyMs: number;
  timeoutMs: number;
  /** What the processes wait for meanwhile, named in the report: `the job processors wait for it`. */
  consequence: string;
  onSilent: (error: DependencyUnansweredError) => void;
  onAnswered: () => void;
  /** The first check answered: the watch is under way. */
  onFirstAnswer?: () => void;
}

export class DependencyUnansweredError extends Error {
  override readonly name = 'DependencyUnanswered';
}

/** Rejects when `work` has not settled within `ms` (`work` itself runs on). */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineError(ms)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

type Outcome = 'answered' | 'silent' | 'refused';

export class DependencyWatch {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private silent = false;
  private answeredOnce = false;

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
    const { name, check, timeoutMs, consequence, isTimeout = () => false } = this.options;
    const outcome = await withDeadline(Promise.resolve().then(check), timeoutMs).then(
      (): Outcome => 'answered',
      (error: unknown): Outcome => (error instanceof DeadlineError || isTimeout(error) ? 'silent' : 'refused'),
    );
    if (!this.running || outcome === 'refused') return;
    if (outcome === 'silent') {
      this.silent = true;
      this.options.onSilent(new DependencyUnansweredError(`${name} did not answer a check within ${timeoutMs} ms: ${consequence}`));
      return;
    }
    if (this.silent) this.options.onAnswered();
    this.silent = false;
    if (!this.answeredOnce) this.options.onFirstAnswer?.();
    this.answeredOnce = true;
  }
}
