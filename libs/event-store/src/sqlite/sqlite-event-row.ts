/** The SQLite column list, in the order of EventRow (event-row.ts). */
export const EVENT_COLUMNS = 'position, id, stream_id, revision, type, data, metadata, at, prev_hash, hash';
