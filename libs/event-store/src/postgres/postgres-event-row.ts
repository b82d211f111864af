/**
 * The PostgreSQL column list, in the order of EventRow (event-row.ts). `data` and `metadata` are
 * `json` read back as their exact text (what was hashed), parsed in toStoredEvent, so the result
 * does not depend on type parsers an application may have set on the shared `pg` module.
 */
export const EVENT_COLUMNS = 'position, id, stream_id, revision, type, data::text, metadata::text, at, prev_hash, hash';
