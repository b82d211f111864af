/**
 * The inboxes' pages and keyset cursors. Cursors use the shared encoding and checks (cursor.ts)
 * under the SQLite adapter's list tags, so a cursor stays valid whichever adapter serves the next
 * page; a number no page could have handed out (a fraction, beyond 2^53) is refused there before
 * PostgreSQL would fail to bind it.
 */
import { decodeCursor, encodeCursor } from '../cursor';
import type { Page } from '../read-model.port';

const UNIT_PENDING = 'unit-pending';
const AUTHORITY_PENDING = 'authority-pending';

export function unitCursor(declaredAt: string, position: number): string {
  return encodeCursor(UNIT_PENDING, [declaredAt, position]);
}

/** [declaredAt, position] after which the next page starts. */
export function decodeUnitCursor(cursor: string): [string, number] {
  const [declaredAt, position] = decodeCursor(UNIT_PENDING, cursor, ['instant', 'position']);
  return [declaredAt as string, position as number];
}

export function authorityCursor(confirmedAt: string, personId: string, year: number): string {
  return encodeCursor(AUTHORITY_PENDING, [confirmedAt, personId, year]);
}

/** [confirmedAt, personId, year] after which the next page starts. */
export function decodeAuthorityCursor(cursor: string): [string, string, number] {
  const [confirmedAt, personId, year] = decodeCursor(AUTHORITY_PENDING, cursor, ['instant', 'id', 'year']);
  return [confirmedAt as string, personId as string, year as number];
}

/** `rows` holds up to limit + 1 rows: one more than the page says there is a next page, after the last kept. */
export function paginate<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string, toItem: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(toItem), nextCursor: more && last !== undefined ? cursorOf(last) : null };
}
