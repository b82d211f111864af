import type { EventMetadata, StoredEvent } from '../event-store.port';

/** One row of the `events` table as better-sqlite3 returns it. */
export interface EventRow {
  position: number;
  id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  at: string;
  prev_hash: string;
  hash: string;
}

export const EVENT_COLUMNS = 'position, id, stream_id, revision, type, data, metadata, at, prev_hash, hash';

/**
 * `at` lives in its own column (it is compared by time-travel reads), so the metadata column holds
 * the rest and the two are joined again here.
 */
export function toStoredEvent(row: EventRow): StoredEvent {
  const metadata = JSON.parse(row.metadata) as Omit<EventMetadata, 'at'>;
  return {
    id: row.id,
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: { ...metadata, at: row.at },
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The metadata column: everything but `at`. */
export function metadataColumn(metadata: EventMetadata): string {
  const { at: _at, ...rest } = metadata;
  return JSON.stringify(rest);
}
