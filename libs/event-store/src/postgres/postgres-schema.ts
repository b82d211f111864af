import { createHash } from 'node:crypto';
import { escapeIdentifier, type ClientBase } from 'pg';
import { migrateVersionedSchema } from '@jx/postgres';

/** The number of migration steps (see migrate below); a newer schema refuses to open with older code. */
export const SCHEMA_VERSION = 1;

/** The unique constraint a second writer of the same revision runs into (see the append). */
export const STREAM_REVISION_CONSTRAINT = 'events_stream_revision';

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

/** Creates or upgrades the event store's schema (see migrateVersionedSchema). */
export async function migrate(client: ClientBase, names: StoreNames): Promise<void> {
  const target = { label: 'event store', schema: names.schema, quoted: names.quoted, versionTable: 'schema_migrations', lockKey: names.migrationLockKey };
  await migrateVersionedSchema(client, target, [async (c) => void (await c.query(schemaV1(names.quoted)))]);
}
