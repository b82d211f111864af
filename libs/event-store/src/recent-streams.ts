import type { StoredEvent } from './event-store.port';
import { WeightedCache } from './weighted-cache';

export const MAX_REVISION = Number.MAX_SAFE_INTEGER;
const NOT_COMPLETE = -1;
/** A stream's first events; `completeAt` is the data_version at which they were all of it. */
interface CachedStream {
  events: StoredEvent[];
  completeAt: number;
}

/** A read planned (RecentStreams.plan) whose rows after `after` are to be read, up to `toRevision`. */
export interface PendingRead {
  readonly streamId: string;
  readonly toRevision: number;
  readonly version: number;
  readonly prefix: StoredEvent[];
  readonly after: number;
}

/** What an entry costs the cache: its events, and one for the entry itself (an absent stream's). */
const weightOf = (entry: CachedStream): number => entry.events.length + 1;

/**
 * Stored events never change, so the prefix of a recently read stream is kept (a bounded cache,
 * least recently read dropped first, bounded by the events it holds rather than by streams: a
 * command also reads a person's other years, mostly empty, which cost it next to nothing) and only
 * the rows after it are read: a command on a long stream no longer parses the whole stream each
 * time. An entry read or extended while no other connection has committed since (a data version:
 * SQLite's data_version) is the whole stream, so it is answered without a query — absent streams
 * included; otherwise the rows after the prefix are read, which finds other processes' appends. A
 * store with no such version (PostgreSQL) gives each read a version of its own, so that only a
 * read that allows a lagging answer (`allowCached`) is answered without asking for the rows.
 */
export class RecentStreams {
  private readonly recent: WeightedCache<string, CachedStream>;

  /** `capacity`: the events held at most (each entry counting one more). */
  constructor(capacity: number) {
    this.recent = new WeightedCache(capacity, weightOf);
  }

  /**
   * The stream up to `toRevision`, given a reader of the current data_version, whether an entry
   * that was complete may be answered without asking it (`allowCached`: the caller re-checks), and
   * a reader of the stored rows after a revision (up to `toRevision`). Returns a copy the caller
   * may keep.
   */
  read(
    streamId: string,
    toRevision: number,
    { dataVersion, allowCached }: { dataVersion: () => number; allowCached: boolean },
    readAfter: (revision: number) => StoredEvent[],
  ): StoredEvent[] {
    const plan = this.plan(streamId, toRevision, { dataVersion, allowCached });
    return 'answer' in plan ? plan.answer : this.settle(plan, readAfter(plan.after));
  }

  /**
   * The first half of a read, for a store whose rows arrive asynchronously: either the answer, or
   * the rows to read (those after `after`, up to the revision asked for), to be handed to settle.
   */
  plan(streamId: string, toRevision: number, { dataVersion, allowCached }: { dataVersion: () => number; allowCached: boolean }): { answer: StoredEvent[] } | PendingRead {
    // No revision below 0: nothing to answer, and nothing to keep (a slice would count from the end).
    if (toRevision < 0) return { answer: [] };
    const known = this.recent.get(streamId);
    const prefix = known?.events ?? [];
    // Stored events never change: a prefix that covers the revision asked for needs no check.
    if (toRevision < prefix.length) return { answer: this.touched(streamId, known!, prefix.slice(0, toRevision + 1)) };
    if (allowCached && known !== undefined && known.completeAt !== NOT_COMPLETE) return { answer: this.touched(streamId, known, prefix.slice()) };
    // Asked before the rows are read: an entry is never marked complete at a later version than it is.
    const version = dataVersion();
    if (known !== undefined && known.completeAt === version) return { answer: this.touched(streamId, known, prefix.slice()) };
    return { streamId, toRevision, version, prefix, after: prefix.length - 1 };
  }

  /** The second half: the rows read after the prefix join it, and the stream is kept. */
  settle({ streamId, toRevision, version, prefix }: PendingRead, tail: readonly StoredEvent[]): StoredEvent[] {
    const events = tail.length === 0 ? prefix : prefix.concat(tail);
    // An append of this process that committed while the rows were read has extended the entry
    // beyond them meanwhile: the entry stays, and the read is answered as it stood when it was made.
    const known = this.recent.get(streamId);
    if (known !== undefined && known.events.length > events.length) return events.slice();
    // Only an unbounded read proves that nothing follows.
    this.remember(streamId, { events, completeAt: toRevision === MAX_REVISION ? version : NOT_COMPLETE });
    return events.slice();
  }

  /** Our own append extends a cached stream it continues; a complete entry stays complete. */
  extend(streamId: string, appended: readonly StoredEvent[]): void {
    const known = this.recent.get(streamId);
    if (known === undefined || known.events.length !== appended[0]?.revision) {
      this.forget(streamId);
      return;
    }
    this.remember(streamId, { events: known.events.concat(appended), completeAt: known.completeAt });
  }

  /** Read afresh next time (an append whose outcome is not known for sure). */
  forget(streamId: string): void {
    this.recent.delete(streamId);
  }

  /** A stream answered from the cache becomes its most recently read. */
  private touched(streamId: string, entry: CachedStream, events: StoredEvent[]): StoredEvent[] {
    this.recent.set(streamId, entry);
    return events;
  }

  /** The events and entries held, as the capacity counts them. */
  get weight(): number {
    return this.recent.weight;
  }

  /** The least recently read go first; the entry just kept stays, even alone above the capacity. */
  private remember(streamId: string, entry: CachedStream): void {
    this.recent.set(streamId, entry);
  }
}
