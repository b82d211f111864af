import type { StoredEvent } from '../event-store.port';

export const MAX_REVISION = Number.MAX_SAFE_INTEGER;
const NOT_COMPLETE = -1;
/** A stream's first events; `completeAt` is the data_version at which they were all of it. */
interface CachedStream {
  events: StoredEvent[];
  completeAt: number;
}

/**
 * Stored events never change, so the prefix of a recently read stream is kept (a bounded cache,
 * least recently read dropped first) and only the rows after it are read: a command on a long
 * stream no longer parses the whole stream each time. An entry read or extended while no other
 * connection has committed since (SQLite's data_version) is the whole stream, so it is answered
 * without a query — absent streams included; otherwise the rows after the prefix are read, which
 * finds other processes' appends.
 */
export class RecentStreams {
  private readonly recent = new Map<string, CachedStream>();

  constructor(private readonly capacity: number) {}

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
    const known = this.recent.get(streamId);
    const prefix = known?.events ?? [];
    // Stored events never change: a prefix that covers the revision asked for needs no check.
    if (toRevision < prefix.length) return prefix.slice(0, toRevision + 1);
    if (allowCached && known !== undefined && known.completeAt !== NOT_COMPLETE) return prefix.slice();
    // Asked before the rows are read: an entry is never marked complete at a later version than it is.
    const version = dataVersion();
    if (known !== undefined && known.completeAt === version) return prefix.slice();
    const tail = readAfter(prefix.length - 1);
    const events = tail.length === 0 ? prefix : prefix.concat(tail);
    // Only an unbounded read proves that nothing follows.
    this.remember(streamId, { events, completeAt: toRevision === MAX_REVISION ? version : NOT_COMPLETE });
    return events.slice();
  }

  /** Our own append extends a cached stream it continues; a complete entry stays complete. */
  extend(streamId: string, appended: readonly StoredEvent[]): void {
    const known = this.recent.get(streamId);
    if (known === undefined || known.events.length !== appended[0]?.revision) {
      this.recent.delete(streamId);
      return;
    }
    this.remember(streamId, { events: known.events.concat(appended), completeAt: known.completeAt });
  }

  /** Read afresh next time (an append whose outcome is not known for sure). */
  forget(streamId: string): void {
    this.recent.delete(streamId);
  }

  private remember(streamId: string, entry: CachedStream): void {
    this.recent.delete(streamId);
    this.recent.set(streamId, entry);
    if (this.recent.size > this.capacity) this.recent.delete(this.recent.keys().next().value!);
  }
}
