/**
 * Runs the projector on a checkpointed subscription: start() resumes after the stored
 * checkpoint, so a restart neither skips nor re-applies a page. Also offers read-your-writes
 * (waitFor) and the rebuild from zero.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, StoredEvent, Subscription } from '@jx/event-store';
import type { Projector } from './projector';
import type { ReadModelStore } from './read-model.port';

export interface ProjectionRunnerOptions {
  pageSize?: number;
  /** Coalesce appends arriving together into one page (see SubscribeOptions.batchDelayMs). */
  batchDelayMs?: number;
  /** A failed page is retried by the subscription after its poll interval; this hears about it. */
  onError?: (error: unknown) => void;
}

export type RebuildProgress = (done: number, total: number) => void;

const DEFAULT_PAGE_SIZE = 256;

export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private position = 0;
  private waiters: Array<{ position: number; resolve: (reached: boolean) => void }> = [];
  /** Stopped after having run: a position not reached by now will not be (until start again). */
  private stopped = false;

  constructor(
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projector: Projector,
    private readonly options: ProjectionRunnerOptions = {},
  ) {}

  /** Last global position this runner has committed (or found committed at start). */
  get checkpoint(): number {
    return this.position;
  }

  get running(): boolean {
    return this.subscription !== null;
  }

  async start(): Promise<void> {
    if (this.subscription !== null) return;
    this.stopped = false;
    this.advance(await this.readModels.checkpoint(this.projector.checkpointName));
    const { pageSize, onError, batchDelayMs } = this.options;
    this.subscription = this.events.subscribeToAll({
      fromPosition: this.position,
      handle: (page) => this.handle(page),
      ...(pageSize === undefined ? {} : { pageSize }),
      ...(onError === undefined ? {} : { onError }),
      ...(batchDelayMs === undefined ? {} : { batchDelayMs }),
    });
  }

  /**
   * Waits for the page in hand to commit, then stops following. Whoever waits for a position not
   * reached is answered false at once: nothing would reach it now (a job waiting to catch up must
   * not hold a shutdown for its whole timeout).
   */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    this.stopped = true;
    await subscription?.close();
    const unreached = this.waiters;
    this.waiters = [];
    for (const w of unreached) w.resolve(false);
  }

  /**
   * Resolves true once the read models include every event up to `position` (the position an
   * append returned), or false after `timeoutMs` if given: the API's read-your-writes.
   */
  waitFor(position: number, options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = { position, resolve };
      this.waiters.push(waiter);
      if (options.timeoutMs === undefined) return;
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, options.timeoutMs);
      timer.unref();
      waiter.resolve = (reached) => {
        clearTimeout(timer);
        resolve(reached);
      };
    });
  }

  /**
   * Empties the read models and replays every event up to the current head, then resumes
   * following if it was. The read models are held for the rebuild meanwhile (beginRebuild): other
   * runners' pages wait and are retried after it, so they neither skip nor overwrite its rows and
   * then carry on from where it ended. The lists are incomplete until it ends.
   */
  async rebuild(onProgress?: RebuildProgress): Promise<void> {
    const wasRunning = this.running;
    await this.stop();
    const token = randomUUID();
    await this.readModels.beginRebuild(token);
    this.position = 0;
    const total = await this.events.headPosition();
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    onProgress?.(0, total);
    while (this.position < total) {
      const page = await this.events.readAll(this.position, pageSize);
      if (page.length === 0) break;
      await this.handle(page, token);
      onProgress?.(Math.min(this.position, total), total);
    }
    await this.readModels.endRebuild(token);
    if (wasRunning) await this.start();
  }

  private async handle(page: readonly StoredEvent[], rebuildToken?: string): Promise<void> {
    await this.projector.handle(page, rebuildToken);
    const last = page[page.length - 1];
    if (last !== undefined) this.advance(last.position);
  }

  private advance(position: number): void {
    this.position = Math.max(this.position, position);
    const reached = this.waiters.filter((w) => w.position <= this.position);
    if (reached.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    for (const w of reached) w.resolve(true);
  }
}
