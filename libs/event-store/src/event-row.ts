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
  const metadata = parsed(metadataJson, streamId, revision, 'metadata') as EventMetadata;
  metadata.at = at;
  return { id, streamId, revision, position: Number(position), type, data: parsed(data, streamId, revision, 'data') as Record<string, unknown>, metadata, prevHash, hash };
}

function parsed(json: string, streamId: string, revision: number, part: 'data' | 'metadata'): unknown {
  try {
    return JSON.parse(json);
  } catch (error: unknown) {
    throw new UnreadableEventError(streamId, revision, part, error);
  }
}

/** The metadata column: everything but `at`. */
export function metadataColumn(metadata: EventMetadata): string {
  const { at: _at, ...rest } = metadata;
  return JSON.stringify(rest);
}
