import type { StoredEvent } from '../event-store.port';

/**
 * The events this process appended last, in global order: what a subscription in this process
 * reads next is, most of the time, exactly these, so they are handed over as they were stored —
 * without a query and without parsing their JSON again. Only a run of consecutive positions is
 * answered from here, so an event of another process in between is never skipped: the run ends
 * before it, and the next read goes to the file.
 */
export class OwnAppends {
  private events: StoredEvent[] = [];

  constructor(private readonly capacity: number) {}

  /** After a commit: its events, in position order (positions only grow). */
  add(appended: readonly StoredEvent[]): void {
    this.events.push(...appended);
    if (this.events.length > 2 * this.capacity) this.events = this.events.slice(-this.capacity);
  }

  /** Events at positions fromPosition + 1, + 2, … (at most `limit`), if the first is known; else null. */
  after(fromPosition: number, limit: number): StoredEvent[] | null {
    const events = this.events;
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events[mid]!.position <= fromPosition) lo = mid + 1;
      else hi = mid;
    }
    if (limit <= 0 || events[lo]?.position !== fromPosition + 1) return null;
    let end = lo + 1;
    while (end < events.length && end - lo < limit && events[end]!.position === events[end - 1]!.position + 1) end += 1;
    return events.slice(lo, end);
  }
}
