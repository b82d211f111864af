import { createHash } from 'node:crypto';
import { escapeIdentifier, type ClientBase } from 'pg';
import { migrateVersionedSchema, type MigrationOptions } from '@jx/postgres';

/** The number of migration steps (see migrate below); a newer schema refuses to open with older code. */
export const SCHEMA_VERSION = 2;

/** The unique constraint a second writer of the same revision runs into (see the append). */
export const STREAM_REVISION_CONSTRAINT = 'events_stream_revision';
/** `revision` is an int column: no stream is at a revision beyond it. */
export const MAX_REVISION = 2_147_483_647;

/** SQLSTATE raised by append_events when a stream is not at the revision expected (detail: JSON). */
export const WRONG_REVISION_SQLSTATE = 'JXREV';

/**
 * Lower-case identifiers only: the name comes from configuration, ends up in SQL and in a NOTIFY
 * channel, and an unquoted-looking name avoids surprises with psql and case folding.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Everything derived from the schema name: stores in distinct schemas never share a lock or channel. */
export interface StoreNames {
  schema: string;
  /** The schema as a quoted identifier, ready for SQL. */
  quoted: string;
  /** Transaction-scoped advisory lock serialising the insert-to-commit part of every append. */
  appendLockKey: string;
  /** Advisory lock held while migrating, so processes opening a new schema at once queue. */
  migrationLockKey: string;
  /** LISTEN/NOTIFY channel announcing appends (at most 63 bytes, hence a digest of the schema). */
  channel: string;
}

export function storeNames(schema: string): StoreNames {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema must match ${String(SCHEMA_NAME)}, got ${JSON.stringify(schema)}`);
  }
  const digest = (purpose: string): Buffer => createHash('sha256').update(`jx-event-store:${purpose}:${schema}`).digest();
  return {
    schema,
    quoted: escapeIdentifier(schema),
    // Advisory locks take a signed 64-bit key; passed as text, cast to int8 in SQL.
    appendLockKey: digest('append').readBigInt64BE(0).toString(),
    migrationLockKey: digest('migrate').readBigInt64BE(0).toString(),
    channel: `jx_events_${digest('channel').toString('hex').slice(0, 16)}`,
  };
}

const schemaV1 = (s: string): string => `
  CREATE TABLE ${s}.events (
    -- CACHE 1 (the default, stated because it matters): sessions caching blocks of the sequence
    -- would number concurrent appends out of order.
    position       bigint  GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    id             uuid    NOT NULL UNIQUE,
    -- "C": byte order, so listStreams sorts like the other adapters and prefixes use the index.
    stream_id      text    COLLATE "C" NOT NULL,
    revision       integer NOT NULL CHECK (revision >= 0),
    type           text    NOT NULL,
    -- json, not jsonb: json keeps the text exactly as written, so a read returns the JSON that
    -- was hashed. jsonb would reorder keys, rewrite numbers and refuse "\\u0000".
    data           json    NOT NULL,
    -- Everything but "at", which has its own column.
    metadata       json    NOT NULL,
    -- The normalised ISO-8601 string that was hashed, kept as text so it reads back byte for byte.
    at             text    COLLATE "C" NOT NULL,
    prev_hash      text    NOT NULL,
    hash           text    NOT NULL,
    -- Which events committed together; for diagnosis (the global order does not depend on it).
    transaction_id xid8    NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT ${STREAM_REVISION_CONSTRAINT} UNIQUE (stream_id, revision)
  );
  -- The current revision of each stream: the row an append locks, and the list of streams for the
  -- chain verifier. Kept apart from events so that an event deleted off the end of a stream shows
  -- up as a truncated chain. -1: a stream some append guarded while it was absent (locked so that
  -- nobody could create it meanwhile); it reads as absent.
  CREATE TABLE ${s}.streams (
    stream_id text    COLLATE "C" NOT NULL PRIMARY KEY,
    revision  integer NOT NULL CHECK (revision >= -1)
  );
`;

/**
 * One append as one statement (postgres-append.ts): the stream rows are locked and checked, then
 * the global append lock is taken and the events inserted, all on the server, so that the lock
 * is held from the moment positions are drawn through the commit without waiting for any round
 * trip to the client. PL/pgSQL runs each statement on a fresh snapshot under READ COMMITTED (the
 * store's connections are set to it), so the checks see what the writers they waited for
 * committed. The chain is computed by the caller, on the last event it read: the function checks
 * that this event is still the stream's last.
 */
const appendFunctionV2 = (s: string): string => `
  CREATE FUNCTION ${s}.append_events(
    p_stream_id text, p_expected integer, p_prev_hash text,
    p_locked text[], p_guard_ids text[], p_guard_revisions integer[],
    p_ids uuid[], p_revisions integer[], p_types text[], p_data text[], p_metadata text[],
    p_ats text[], p_prev_hashes text[], p_hashes text[],
    p_lock_key bigint, p_channel text
  ) RETURNS SETOF bigint
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $fn$
  DECLARE
    v_ids text[];
    v_revisions integer[];
    v_actual integer;
  BEGIN
    -- Under REPEATABLE READ the checks would see a snapshot from before the waits below.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
      RAISE EXCEPTION 'append_events runs only under READ COMMITTED, not %', current_setting('transaction_isolation');
    END IF;
    -- Absent streams get a -1 row, and every row is locked, in the order given (sorted by the
    -- caller, so two appends never wait for each other in a cycle). ON CONFLICT DO UPDATE waits
    -- for a concurrent writer of the row and returns the revision it committed.
    WITH locked AS (
      INSERT INTO ${s}.streams AS existing (stream_id, revision)
      SELECT id, -1 FROM unnest(p_locked) WITH ORDINALITY AS wanted(id, n) ORDER BY n
      ON CONFLICT (stream_id) DO UPDATE SET revision = existing.revision
      RETURNING stream_id, revision
    )
    SELECT array_agg(stream_id), array_agg(revision) INTO v_ids, v_revisions FROM locked;
    v_actual := v_revisions[array_position(v_ids, p_stream_id)];
    IF v_actual IS DISTINCT FROM p_expected THEN
      RAISE EXCEPTION USING ERRCODE = '${WRONG_REVISION_SQLSTATE}', MESSAGE = 'wrong expected revision',
        DETAIL = json_build_object('streamId', p_stream_id, 'expected', p_expected, 'actual', v_actual)::text;
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_guard_ids, 1), 0) LOOP
      v_actual := v_revisions[array_position(v_ids, p_guard_ids[i])];
      IF v_actual IS DISTINCT FROM p_guard_revisions[i] THEN
        RAISE EXCEPTION USING ERRCODE = '${WRONG_REVISION_SQLSTATE}', MESSAGE = 'wrong expected revision',
          DETAIL = json_build_object('streamId', p_guard_ids[i], 'expected', p_guard_revisions[i], 'actual', v_actual)::text;
      END IF;
    END LOOP;
    -- The event the caller chained onto is still the stream's last (it cannot have changed, but a
    -- damaged table must never have a chain restarted silently on top of it).
    IF p_expected >= 0 AND NOT EXISTS (
      SELECT 1 FROM ${s}.events WHERE stream_id = p_stream_id AND revision = p_expected AND hash = p_prev_hash
    ) THEN
      RAISE EXCEPTION 'stream %: event % is not the one the append was chained onto', p_stream_id, p_expected;
    END IF;
    PERFORM pg_advisory_xact_lock(p_lock_key);
    -- In revision order, so positions follow revisions.
    RETURN QUERY
      WITH appended AS (
        INSERT INTO ${s}.events (id, stream_id, revision, type, data, metadata, at, prev_hash, hash)
        SELECT id, p_stream_id, revision, type, data::json, metadata::json, at, prev_hash, hash
        FROM unnest(p_ids, p_revisions, p_types, p_data, p_metadata, p_ats, p_prev_hashes, p_hashes)
             WITH ORDINALITY AS e(id, revision, type, data, metadata, at, prev_hash, hash, n)
        ORDER BY n
        RETURNING position, revision
      )
      SELECT position FROM appended ORDER BY revision;
    UPDATE ${s}.streams SET revision = p_expected + array_length(p_ids, 1) WHERE stream_id = p_stream_id;
    PERFORM pg_notify(p_channel, '');
  END
  $fn$;
`;

/** Creates or upgrades the event store's schema (see migrateVersionedSchema). */
export async function migrate(client: ClientBase, names: StoreNames, options: MigrationOptions = {}): Promise<void> {
  const target = { label: 'event store', schema: names.schema, quoted: names.quoted, versionTable: 'schema_migrations', lockKey: names.migrationLockKey };
  await migrateVersionedSchema(client, target, [
    async (c) => void (await c.query(schemaV1(names.quoted))),
    async (c) => void (await c.query(appendFunctionV2(names.quoted))),
  ], options);
}
