/**
 * One stored event as a row of the relational adapters (SQLite, PostgreSQL), read as an array in
 * column order: an array row skips the per-row object that a keyed row would cost.
 */
import { UnreadableEventError, type EventMetadata, type StoredEvent } from './event-store.port';

export type EventRow = [
  /** PostgreSQL's int8 arrives as a string unless a type parser says otherwise. */
  position: string | number,
  id: string,
  streamId: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  at: string,
  prevHash: string,
  hash: string,
];

/**
 * `at` lives in its own column (time-travel reads compare it), so the metadata column holds the
 * rest and the two are joined again here.
 */
export function toStoredEvent(row: EventRow): StoredEvent {
  const [position, id, streamId, revision, type, data, metadataJson, at, prevHash, hash] = row;
  // A fresh object from JSON.parse: setting `at` on it is cheaper than spreading it into another.
  const fields = parsed(metadataJson, streamId, revision, 'metadata');
  if (!hasActor(fields)) throw new UnreadableEventError(streamId, revision, 'metadata', new Error('no actor with an id and a role'));
  const metadata = fields as unknown as EventMetadata;
  metadata.at = at;
  return { id, streamId, revision, position: Number(position), type, data: parsed(data, streamId, revision, 'data'), metadata, prevHash, hash };
}

/** A JSON object, as the store wrote it; anything else was written by someone else. */
function parsed(json: string, streamId: string, revision: number, part: 'data' | 'metadata'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error: unknown) {
    throw new UnreadableEventError(streamId, revision, part, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnreadableEventError(streamId, revision, part, new Error('not a JSON object'));
  return value as Record<string, unknown>;
}

function hasActor(metadata: Record<string, unknown>): boolean {
  const actor = metadata.actor as { id?: unknown; role?: unknown } | null | undefined;
  return typeof actor === 'object' && actor !== null && typeof actor.id === 'string' && typeof actor.role === 'string';
}

/** The metadata column: everything but `at`. */
export function metadataColumn(metadata: EventMetadata): string {
  const { at: _at, ...rest } = metadata;
  return JSON.stringify(rest);
}
