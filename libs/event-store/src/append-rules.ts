import type { ExpectedRevision, NewEvent } from './event-store.port';

/**
 * Checks every adapter makes before taking a lock: a malformed append is a programming error and
 * must fail before anything is written, with the same message whatever the adapter.
 */
export function assertAppendable(events: readonly NewEvent[], expected: ExpectedRevision): void {
  if (events.length === 0) throw new RangeError('append needs at least one event');
  if (expected !== 'any' && !(Number.isSafeInteger(expected) && expected >= -1)) {
    throw new RangeError(`invalid expected revision ${String(expected)}`);
  }
  for (const event of events) {
    if (typeof event.type !== 'string' || event.type === '') throw new TypeError('event type must be a non-empty string');
    const { actor } = event.metadata;
    if (typeof actor?.id !== 'string' || typeof actor.role !== 'string') {
      throw new TypeError('event metadata.actor needs a string id and role');
    }
  }
}

/**
 * The stored form of an instant: `new Date(x).toISOString()`, so that instants compare as strings
 * (time-travel reads) and hash the same whoever wrote them. Throws RangeError on an invalid one.
 */
export function normaliseInstant(instant: string): string {
  return new Date(instant).toISOString();
}

/** The instants `toISOString` writes with four-digit years; beyond them it writes `+010000-…` or `-000001-…`. */
const FIRST_PLAIN = Date.parse('0000-01-01T00:00:00.000Z');
const LAST_PLAIN = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A time-travel read's bound (`toTime`) as a stored instant. One outside the four-digit years
 * (`9999-12-31T23:59:59.999-00:01` is in year 10000) is clamped to the nearest such instant:
 * written `+010000-…` it would sort before every stored instant and the read would find nothing,
 * while clamped it orders against the stored instants (the clock's) as the instant itself does.
 */
export function normaliseReadBound(instant: string): string {
  const time = new Date(instant).getTime();
  return new Date(Number.isNaN(time) ? time : Math.min(Math.max(time, FIRST_PLAIN), LAST_PLAIN)).toISOString();
}

/**
 * A stream's events are recorded in time order: an event stamped before its predecessor (the
 * clocks of two processes, or a command whose time was taken before another one's append) is
 * recorded at its predecessor's time. Time-travel reads take the longest prefix recorded at or
 * before an instant, which is then the stream as it stood. `ats` are normalised (string order is
 * time order); `lastAt` is the stream's last recorded time, null for a new stream.
 */
export function inStreamOrder(ats: readonly string[], lastAt: string | null): string[] {
  let previous = lastAt ?? '';
  return ats.map((at) => (previous = at < previous ? previous : at));
}
