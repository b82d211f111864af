/**
 * Turns a page of events (global order) into one read-model batch. Each person-year touched by the
 * page is re-derived from its own stream, read once at the page's highest revision for it; unit
 * events upsert their unit. The batch carries the page's last position as the checkpoint, so the
 * rows and the checkpoint move together.
 */
import { parseCreditYearStream } from '@jx/domain';
import { WeightedCache, type EventStore, type StoredEvent } from '@jx/event-store';
import { projectCreditYear, type RuleSets } from './credit-year.projection';
import { rulesFingerprint } from './rules-fingerprint';
import type { PersonYearSnapshot, ReadModelChange, ReadModelStore } from './read-model.port';
import { projectUnit } from './unit.projection';

/**
 * A stream whose events up to a revision are fewer than that revision says (an event deleted or
 * renumbered behind the store's back): nothing can be projected from it until it is repaired.
 */
export class DamagedStreamError extends Error {
  constructor(readonly streamId: string, revision: number, found: number) {
    super(`${streamId}: ${found} events read up to revision ${revision}, where there must be ${revision + 1}: the event store is damaged there (npm run verify-chain names the break; if it finds none, the read lagged: try again)`);
    this.name = 'DamagedStreamError';
  }
}

/** The checkpoint of the read models fed by this projector. */
export const READ_MODELS_CHECKPOINT = 'read-models';

/**
 * Events of recently projected streams kept between pages, at most (each stream counting one
 * more). Bounded by events, not streams: a bound of streams let memory grow with the streams'
 * length (500 activities a year, and more events).
 */
const CACHED_EVENTS = 20_000;

/** A recently projected stream: its events so far and the snapshot last derived from them. */
interface Projected {
  events: StoredEvent[];
  snapshot: PersonYearSnapshot | null;
}

export class Projector {
  /** Each stream weighs its events, and one for the entry itself. */
  private readonly recent: WeightedCache<string, Projected>;
  /** The rule sets this projector evaluates under (rulesFingerprint), kept with its checkpoint. */
  readonly ruleSets: string;

  constructor(
    private readonly events: Pick<EventStore, 'readStream'>,
    private readonly readModels: ReadModelStore,
    private readonly rules: RuleSets,
    readonly checkpointName: string = READ_MODELS_CHECKPOINT,
    private readonly cacheCapacity: number = CACHED_EVENTS,
  ) {
    this.recent = new WeightedCache(cacheCapacity, (projected) => projected.events.length + 1);
    this.ruleSets = rulesFingerprint(rules);
  }

  /**
   * The same projector with a cache of its own: a rebuild replays every stream from its start,
   * which would otherwise push the live projection's recent streams out of the shared cache.
   */
  withOwnCache(): Projector {
    return new Projector(this.events, this.readModels, this.rules, this.checkpointName, this.cacheCapacity);
  }

  /** How many events of recently projected streams are kept now (each stream counting one more). */
  get cachedEvents(): number {
    return this.recent.weight;
  }

  /**
   * Projects one page; resolves once its batch is committed (or skipped as already applied).
   * `rebuildToken`: the page belongs to the rebuild holding the read models under that token.
   */
  async handle(page: readonly StoredEvent[], rebuildToken?: string): Promise<void> {
    const last = page[page.length - 1];
    if (last === undefined) return;
    const changes = await this.changesFor(page);
    await this.readModels.apply({
      checkpoint: this.checkpointName,
      position: last.position,
      lastEvent: { eventId: last.id, streamId: last.streamId, revision: last.revision },
      ruleSets: this.ruleSets,
      changes,
      ...(rebuildToken === undefined ? {} : { rebuildToken }),
    });
  }

  /**
   * The stream up to the page's last event for it. Recently projected streams are kept (a bounded
   * cache): when the page continues one exactly, its events are appended instead of re-reading
   * the whole stream. The result is the same stream prefix either way, with the snapshot last
   * derived for the stream (any earlier prefix), which lets the read models skip reading rows back.
   */
  private async streamUpTo(streamId: string, inPage: readonly StoredEvent[]): Promise<{ stream: StoredEvent[]; previous: PersonYearSnapshot | null }> {
    const known = this.recent.get(streamId);
    if (known !== undefined && known.events.length === inPage[0]!.revision) return { stream: known.events.concat(inPage), previous: known.snapshot };
    const stream = await this.events.readStream(streamId, { toRevision: inPage[inPage.length - 1]!.revision });
    return { stream, previous: known?.snapshot ?? null };
  }

  private async changesFor(page: readonly StoredEvent[]): Promise<ReadModelChange[]> {
    const changes: ReadModelChange[] = [];
    const touched = new Map<string, StoredEvent[]>();
    for (const event of page) {
      const unit = projectUnit(event);
      if (unit !== null) changes.push({ kind: 'unit', unit });
      else if (parseCreditYearStream(event.streamId) !== null) {
        const inPage = touched.get(event.streamId);
        if (inPage) inPage.push(event);
        else touched.set(event.streamId, [event]);
      }
    }
    const projected = await Promise.all(
      [...touched].map(async ([streamId, inPage]) => {
        const revision = inPage[inPage.length - 1]!.revision;
        const { stream, previous } = await this.streamUpTo(streamId, inPage);
        // The page holds that revision, so the store must too: anything shorter is a damaged store.
        if (stream.length !== revision + 1) throw new DamagedStreamError(streamId, revision, stream.length);
        const snapshot = projectCreditYear(stream, this.rules);
        this.recent.set(streamId, { events: stream, snapshot });
        return { snapshot, previous };
      }),
    );
    for (const { snapshot, previous } of projected) {
      if (snapshot !== null) changes.push({ kind: 'personYear', snapshot, ...(previous === null ? {} : { previous }) });
    }
    return changes;
  }
}
