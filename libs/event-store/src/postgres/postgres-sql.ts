import { EVENT_COLUMNS } from './postgres-event-row';

/** A session's start in whole microseconds since 1970: the same whatever the session's DateStyle and TimeZone. */
const SESSION_START = '(extract(epoch FROM backend_start) * 1000000)::int8';

/** Every statement the adapter runs, with the schema's tables qualified once here. */
export function eventStoreSql(s: string) {
  return {
    /**
     * Creates the rows of absent streams at -1 and locks every row an append depends on, in the
     * order given (an append expecting 'any', before it reads the stream's head; append_events
     * locks the same rows the same way).
     */
    lockStreams: `
      INSERT INTO ${s}.streams AS existing (stream_id, revision)
      SELECT id, -1 FROM unnest($1::text[]) WITH ORDINALITY AS wanted(id, n) ORDER BY n
      ON CONFLICT (stream_id) DO UPDATE SET revision = existing.revision`,
    /**
     * The stream's revision and the event at the revision an append expects ($2), in one snapshot:
     * the event it chains onto (committed, so it never changes) when the stream is there.
     */
    linkAt: `
      SELECT streams.revision, link.hash, link.at
      FROM (SELECT $1::text AS stream_id) AS wanted
      LEFT JOIN ${s}.streams ON streams.stream_id = wanted.stream_id
      LEFT JOIN ${s}.events AS link ON link.stream_id = wanted.stream_id AND link.revision = $2::int`,
    /** The stream's revision and last event, read in one snapshot (an append expecting 'any', its row locked). */
    head: `
      SELECT streams.revision, last.hash, last.at
      FROM ${s}.streams
      LEFT JOIN ${s}.events AS last ON last.stream_id = streams.stream_id AND last.revision = streams.revision
      WHERE streams.stream_id = $1`,
    /** One append, checks included (see append_events in postgres-schema.ts); positions in revision order. */
    append: `
      SELECT appended.position
      FROM ${s}.append_events($1::text, $2::int, $3::text, $4::text[], $5::text[], $6::int[], $7::uuid[], $8::int[],
                              $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::int8, $16::text)
           WITH ORDINALITY AS appended(position, n)
      ORDER BY appended.n`,
    lastRevisionInEvents: `SELECT COALESCE(max(revision), -1) AS revision FROM ${s}.events WHERE stream_id = $1`,
    revision: `SELECT revision FROM ${s}.streams WHERE stream_id = $1`,
    /** A stream's events after revision $2 (the prefix already held), up to $3. */
    readStream: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND revision > $2 AND revision <= $3 ORDER BY revision`,
    /** Several streams' events, each after its own revision ($2, in the order of $1). */
    readStreams: `
      SELECT ${EVENT_COLUMNS} FROM ${s}.events JOIN unnest($1::text[], $2::int[]) AS held(stream_id, held_to) USING (stream_id)
      WHERE revision > held.held_to ORDER BY stream_id, revision`,
    readAll: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`,
    /** An append's events, by the ids it gave them (an append whose answer was lost, settled). */
    eventsByIds: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE id = ANY($1::uuid[]) ORDER BY position`,
    /** This connection's server session: to end it, and only it, should an append's answer be lost. */
    ownSession: `SELECT pid, ${SESSION_START} AS started FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
    /** Ends a session (the one given, not a later one that got its pid). */
    endSession: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND ${SESSION_START} = $2::int8`,
    sessionAlive: `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND ${SESSION_START} = $2::int8`,
    // starts_with, not LIKE: `_` and `%` in a prefix are plain characters. -1 rows are not streams.
    listStreams: `SELECT stream_id FROM ${s}.streams WHERE revision >= 0 AND starts_with(stream_id, $1) ORDER BY stream_id`,
    headPosition: `SELECT COALESCE(max(position), 0) AS head FROM ${s}.events`,
  };
}

export type EventStoreSql = ReturnType<typeof eventStoreSql>;
