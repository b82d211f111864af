import { EVENT_COLUMNS } from './postgres-event-row';

/** Every statement the adapter runs, with the schema's tables qualified once here. */
export function eventStoreSql(s: string) {
  return {
    /**
     * Creates the rows of absent streams at -1 and locks every row the append depends on, in the
     * order given (sorted by the caller, so two appends can never wait for each other in a cycle).
     * ON CONFLICT DO UPDATE waits for a concurrent writer of the row and returns the revision it
     * committed; an absent stream's -1 row is what keeps others from creating it meanwhile.
     */
    lockStreams: `
      INSERT INTO ${s}.streams AS existing (stream_id, revision)
      SELECT id, -1 FROM unnest($1::text[]) WITH ORDINALITY AS wanted(id, n) ORDER BY n
      ON CONFLICT (stream_id) DO UPDATE SET revision = existing.revision
      RETURNING stream_id, revision`,
    /**
     * The last hash and time of the stream: a statement of its own after lockStreams, so that it
     * sees the events of the writer whose row lock we waited for. No global lock is held yet.
     */
    lastEvent: `SELECT hash, at FROM ${s}.events WHERE stream_id = $1 AND revision = $2`,
    /**
     * The events in revision order (so positions follow revisions), the stream row and the nudge.
     * The global append lock ($12) is taken by the one-time filter (an InitPlan, run before the
     * first row is produced), so positions are drawn only once it is held; it is kept until commit.
     */
    insert: `
      WITH appended AS (
        INSERT INTO ${s}.events (id, stream_id, revision, type, data, metadata, at, prev_hash, hash)
        SELECT id, $2::text, revision, type, data::json, metadata::json, at, prev_hash, hash
        FROM unnest($1::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
             WITH ORDINALITY AS e(id, revision, type, data, metadata, at, prev_hash, hash, n)
        WHERE (SELECT pg_advisory_xact_lock($12::int8)::text) = ''
        ORDER BY n
        RETURNING position, revision
      ), moved AS (
        UPDATE ${s}.streams SET revision = $10::int WHERE stream_id = $2
      ), nudged AS (
        SELECT pg_notify($11::text, '')
      )
      SELECT appended.position FROM appended CROSS JOIN nudged ORDER BY appended.revision`,
    lastRevisionInEvents: `SELECT COALESCE(max(revision), -1) AS revision FROM ${s}.events WHERE stream_id = $1`,
    revision: `SELECT revision FROM ${s}.streams WHERE stream_id = $1`,
    readStream: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND revision <= $2 ORDER BY revision`,
    readAll: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`,
    // starts_with, not LIKE: `_` and `%` in a prefix are plain characters. -1 rows are not streams.
    listStreams: `SELECT stream_id FROM ${s}.streams WHERE revision >= 0 AND starts_with(stream_id, $1) ORDER BY stream_id`,
    head: `SELECT COALESCE(max(position), 0) AS head FROM ${s}.events`,
  };
}

export type EventStoreSql = ReturnType<typeof eventStoreSql>;
