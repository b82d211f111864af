import type { EventMetadata, StoredEvent } from '../event-store.port';

/**
 * One row of the `events` table, fetched in better-sqlite3's raw (array) mode: building an object
 * per row costs about a third of a stream read.
 */
export type EventRow = [
  position: number,
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

/** In EventRow order. */
export const EVENT_COLUMNS = 'position, id, stream_id, revision, type, data, metadata, at, prev_hash, hash';

/**
 * `at` lives in its own column (time-travel reads compare it), so the metadata column holds the
 * rest and the two are joined again here.
 */
export function toStoredEvent(row: EventRow): StoredEvent {
  const [position, id, streamId, revision, type, data, metadataJson, at, prevHash, hash] = row;
  // A fresh object from JSON.parse: setting `at` on it is cheaper than spreading it into another.
  const metadata = JSON.parse(metadataJson) as EventMetadata;
  metadata.at = at;
  return {
    id,
    streamId,
    revision,
    position,
    type,
    data: JSON.parse(data) as Record<string, unknown>,
    metadata,
    prevHash,
    hash,
  };
}

/** The metadata column: everything but `at`. */
export function metadataColumn(metadata: EventMetadata): string {
  const { at: _at, ...rest } = metadata;
  return JSON.stringify(rest);
}
