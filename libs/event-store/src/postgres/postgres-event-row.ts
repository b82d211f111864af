import type { EventMetadata, StoredEvent } from '../event-store.port';

/**
 * One row of the `events` table fetched in array mode. JSON columns are read as text (`::text`)
 * and parsed here, so the result does not depend on type parsers an application may have set on
 * the shared `pg` module; int8 arrives as a string unless one did (Number() takes either).
 */
export type EventRow = [
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

/** In EventRow order. */
export const EVENT_COLUMNS = 'position, id, stream_id, revision, type, data::text, metadata::text, at, prev_hash, hash';

/** `at` lives in its own column, so the metadata column holds the rest; they are joined here. */
export function toStoredEvent(row: EventRow): StoredEvent {
  const [position, id, streamId, revision, type, data, metadataJson, at, prevHash, hash] = row;
  const metadata = JSON.parse(metadataJson) as EventMetadata;
  metadata.at = at;
  return {
    id,
    streamId,
    revision,
    position: Number(position),
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
