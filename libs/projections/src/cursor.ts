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
 * The sort key inside a cursor, checked against the expected part types; throws
 * InvalidCursorError for anything else (tampered, truncated, another list's).
 */
export function decodeCursor(list: string, cursor: string, shape: ReadonlyArray<'string' | 'number'>): KeyPart[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length + 1 || parsed[0] !== list) throw new InvalidCursorError();
  const key: unknown[] = parsed.slice(1);
  if (!key.every((part, i) => typeof part === shape[i])) throw new InvalidCursorError();
  return key as KeyPart[];
}
