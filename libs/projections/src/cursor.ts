/**
 * Opaque page cursors: base64url of the last item's sort key, tagged with the list it belongs
 * to, so a cursor of one list handed to another is refused instead of silently misread.
 */
import { InvalidCursorError } from './read-model.port';

export type KeyPart = string | number;

export function encodeCursor(list: string, key: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/**
 * What each part of a sort key may be: of the form a page hands out, so that a cursor made up by
 * hand with values no page could hold ("not-a-date", a position of -1) is refused rather than
 * read as a place in the list. One whose values have that form reads as "after that point" of the
 * list, as keyset cursors do (cursors are not signed).
 */
const roundTrips = (iso: string): boolean => {
  const time = Date.parse(iso);
  return !Number.isNaN(time) && new Date(time).toISOString() === iso;
};

const PARTS = {
  /** A recorded time as the store normalises it (always UTC, with milliseconds). */
  instant: (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && roundTrips(v),
  /** A global position (from 1). */
  position: (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1,
  /** A person's id (API.md: 1–64 characters of [A-Za-z0-9_-]). */
  id: (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v),
  /** A person-year's year (API.md: 2023–2100). */
  year: (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 2023 && v <= 2100,
} as const;

export type KeyPartKind = keyof typeof PARTS;

/**
 * The sort key inside a cursor, checked part by part; throws InvalidCursorError for anything else
 * (tampered, truncated, made up, another list's).
 */
export function decodeCursor(list: string, cursor: string, shape: readonly KeyPartKind[]): KeyPart[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length + 1 || parsed[0] !== list) throw new InvalidCursorError();
  const key: unknown[] = parsed.slice(1);
  if (!key.every((part, i) => PARTS[shape[i]!](part))) throw new InvalidCursorError();
  return key as KeyPart[];
}
