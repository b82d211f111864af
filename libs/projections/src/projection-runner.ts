/**
 * Runs the projector on a checkpointed subscription: start() resumes after the stored
 * checkpoint, so a restart neither skips nor re-applies a page. Also offers read-your-writes
 * (waitFor) and the rebuild from zero beside it.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, StoredEvent, Subscription } from '@jx/event-store';
import { DamagedStreamError, type Projector } from './projector';
import { ReadModelsAheadError, ReadModelsBehindError, ReadModelsDivergedError, type ReadModelStore } from './read-model.port';

export interface ProjectionRunnerOptions {
  pageSize?: number;
  /** Coalesce appends arriving together into one page (see SubscribeOptions.batchDelayMs). */
  batchDelayMs?: number;
  /** A failed page is retried by the subscription after its poll interval; this hears about it. */
  onError?: (error: unknown) => void;
  /** Pages succeed again after failures. */
  onRecovered?: () => void;
}

export type RebuildProgress = (done: number, total: number) => void;

/**
 * Whether a stream read said where an event is in the global order: an EventStoreDB server may
 * not, for events read from a stream (0 where the client has none; older servers send 2^64 − 1).
 */
const positionKnown = (position: number): boolean => position > 0 && position <= Number.MAX_SAFE_INTEGER;

const DEFAULT_PAGE_SIZE = 256;

export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private position = 0;
  private waiters: Array<{ position: number; resolve: (reached: boolean) => void }> = [];
  /** Stopped after having run: a position not reached by now will not be (until start again). */
  private halted = false;

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

  /** Stopped after having run (a shutdown): waitFor answers false at once until it starts again. */
  get stopped(): boolean {
    return this.halted;
  }

  /**
   * Refuses read models that include events the store does not hold: past its last event
   * (ReadModelsAheadError), or ending with an event it does not hold (ReadModelsDivergedError).
   */
  async start(): Promise<void> {
    if (this.subscription !== null) return;
    const name = this.projector.checkpointName;
    const checkpoint = await this.readModels.checkpoint(name);
    const head = await this.events.headPosition();
    if (checkpoint > head) throw new ReadModelsAheadError(name, checkpoint, head);
    await this.refuseUnlessStoreHoldsLastEvent(name);
    this.halted = false;
    this.advance(checkpoint);
    const { pageSize, onError, onRecovered, batchDelayMs } = this.options;
    this.subscription = this.events.subscribeToAll({
      fromPosition: this.position,
      handle: (page) => this.handle(page),
      ...(pageSize === undefined ? {} : { pageSize }),
      ...(onError === undefined ? {} : { onError }),
      ...(onRecovered === undefined ? {} : { onRecovered }),
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
    this.halted = true;
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
    if (this.halted) return Promise.resolve(false);
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
   * Rebuilds the read models from zero into their second copy while the copy in use goes on
   * serving readers and live projections (this runner's own included), then puts the rebuilt copy
   * in use — once it has caught up with the live projections, projecting further if they moved on
   * meanwhile. Resolves with the position it was put in use at.
   */
  async rebuild(onProgress?: RebuildProgress): Promise<number> {
    const token = randomUUID();
    await this.readModels.beginRebuild(token);
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    const projector = this.projector.withOwnCache();
    let position = 0;
    let total = await this.events.headPosition();
    onProgress?.(0, total);
    for (;;) {
      while (position < total) {
        const page = await this.events.readAll(position, pageSize);
        if (page.length === 0) break;
        await projector.handle(page, token);
        position = page[page.length - 1]!.position;
        onProgress?.(Math.min(position, total), total);
      }
      try {
        await this.readModels.endRebuild(token);
        return position;
      } catch (error: unknown) {
        if (!(error instanceof ReadModelsBehindError)) throw error;
        const head = await this.events.headPosition();
        // Never reachable: the copy in use claims events the store does not hold (a restored or
        // mixed-up event store?), or keeps a checkpoint this projector never writes. Stop, saying so.
        if (error.position > head) {
          throw new Error(`the read models in use are ahead of the event store (${error.checkpoint} at ${error.position}, the store's last event at ${head}): was the event store restored from an older backup? The rebuilt copy is not put in use`);
        }
        if (error.position <= position) throw new Error(`${error.message} — but this rebuild projects ${this.projector.checkpointName} only`);
        // The live projections went on meanwhile: follow them to where the store is now.
        total = head;
        onProgress?.(position, total);
      }
    }
  }

  /**
   * The event the checkpoint ended with must be in the store, where it was: a store restored from
   * an older backup and written to since can be past the checkpoint again, with other events at its
   * positions, which the position alone does not tell.
   */
  private async refuseUnlessStoreHoldsLastEvent(name: string): Promise<void> {
    const expected = await this.readModels.checkpointEvent(name);
    if (expected === null) return;
    const stream = await this.events.readStream(expected.streamId, { toRevision: expected.revision });
    const held = stream.find((event) => event.revision === expected.revision);
    if (held !== undefined && held.id === expected.eventId && (held.position === expected.position || !positionKnown(held.position))) {
      // The event is there, but not every one before it: the store is damaged (verify-chain names
      // where), not another store's; the read models are not what needs replacing.
      if (stream.length !== expected.revision + 1) throw new DamagedStreamError(expected.streamId, expected.revision, stream.length);
      return;
    }
    throw new ReadModelsDivergedError(name, expected, held === undefined ? null : { eventId: held.id, position: held.position });
  }

  private async handle(page: readonly StoredEvent[]): Promise<void> {
    await this.projector.handle(page);
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
