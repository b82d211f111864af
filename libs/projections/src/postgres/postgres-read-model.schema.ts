import { createHash } from 'node:crypto';
import { escapeIdentifier, type ClientBase } from 'pg';
import { createSchemaOnce, migrateVersionedSchema, type MigrationOptions } from '@jx/postgres';
import type { ReadModelCopy } from '../read-model.port';
import { SHIPPED_RULES_FINGERPRINT } from '../rules-fingerprint';

/** The number of migration steps (see migrate below); a newer schema refuses to open with older code. */
export const POSTGRES_READ_MODEL_SCHEMA_VERSION = 9;

/**
 * Lower-case identifiers only: the name comes from configuration and ends up in SQL; an
 * unquoted-looking name avoids surprises with psql and case folding.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,60}$/; // 61 at most: its second copy's schema adds `_b`

export interface ReadModelSchemaNames {
  schema: string;
  /** The schema as a quoted identifier, ready for SQL. */
  quoted: string;
  /**
   * The quoted schema of each copy of the tables: `a` is the schema itself (the only copy before
   * v3), `b` the schema suffixed `_b` (see ReadModelStore.beginRebuild).
   */
  copies: Record<ReadModelCopy, string>;
  /** Advisory lock held while migrating, so processes opening a new schema at once queue. */
  migrationLockKey: string;
  /** Advisory lock on which copy is in use: shared by readers and writers, exclusive to a rebuild's begin and end. */
  copiesLockKey: string;
}

export function readModelSchemaNames(schema: string): ReadModelSchemaNames {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema must match ${String(SCHEMA_NAME)}, got ${JSON.stringify(schema)}`);
  }
  // Advisory locks take a signed 64-bit key; passed as text, cast to int8 in SQL. The purpose is
  // part of the digest so that this lock never collides with the event store's on the same name.
  const lockKey = (purpose: string) => createHash('sha256').update(`jx-read-models:${purpose}:${schema}`).digest().readBigInt64BE(0).toString();
  const quoted = escapeIdentifier(schema);
  return {
    schema,
    quoted,
    copies: { a: quoted, b: escapeIdentifier(`${schema}_b`) },
    migrationLockKey: lockKey('migrate'),
    copiesLockKey: lockKey('copies'),
  };
}

/**
 * The same tables, columns and keys as the SQLite schema (sqlite-read-model.schema.ts), so that
 * both adapters answer alike and their dumps compare. Every text column is COLLATE "C": byte
 * order, as SQLite's BINARY compares, whatever the database's default collation; the keyset
 * cursors and every ORDER BY depend on it.
 */
const schemaV1 = (s: string): string => `
  CREATE TABLE ${s}.checkpoints (
    name     text   COLLATE "C" NOT NULL PRIMARY KEY,
    position bigint NOT NULL
  );

  CREATE TABLE ${s}.units (
    unit_id  text COLLATE "C" NOT NULL PRIMARY KEY,
    name     text COLLATE "C" NOT NULL,
    region   text COLLATE "C" NOT NULL,
    industry text COLLATE "C" NOT NULL
  );
  -- Region scopes are ranges of division codes (region-scope.ts).
  CREATE INDEX units_by_region ON ${s}.units (region, unit_id);

  CREATE TABLE ${s}.person_years (
    person_id       text    COLLATE "C" NOT NULL,
    year            integer NOT NULL,
    unit_id         text    COLLATE "C" NOT NULL,
    field           text    COLLATE "C" NOT NULL,
    status          text    COLLATE "C" NOT NULL CHECK (status IN ('open', 'confirmed', 'finalized', 'voided')),
    compliant       boolean NOT NULL,
    finalized       boolean NOT NULL,
    promotion_delay boolean NOT NULL,
    confirmed_at    text    COLLATE "C",
    delay_due_after text    COLLATE "C",
    revision        integer NOT NULL,
    PRIMARY KEY (person_id, year)
  );
  -- Reports by unit, and by region through units_by_region.
  CREATE INDEX person_years_by_unit ON ${s}.person_years (unit_id, year);
  -- The authority inbox, in its order; only confirmed years are indexed.
  CREATE INDEX person_years_awaiting_finalization
    ON ${s}.person_years (confirmed_at, person_id, year) WHERE status = 'confirmed';
  -- The promotion-delay sweep (Art. 13): years whose make-up period may end short.
  CREATE INDEX person_years_delay_due
    ON ${s}.person_years (delay_due_after, person_id, year) WHERE delay_due_after IS NOT NULL;

  CREATE TABLE ${s}.pending_activities (
    person_id   text    COLLATE "C" NOT NULL,
    year        integer NOT NULL,
    activity_id text    COLLATE "C" NOT NULL,
    unit_id     text    COLLATE "C" NOT NULL,
    category    text    COLLATE "C" NOT NULL,
    title       text    COLLATE "C" NOT NULL,
    declared_at text    COLLATE "C" NOT NULL,
    position    bigint  NOT NULL,
    PRIMARY KEY (person_id, year, activity_id)
  );
  -- The unit inbox, in its order.
  CREATE INDEX pending_by_unit ON ${s}.pending_activities (unit_id, declared_at, position);

  CREATE TABLE ${s}.institution_registrations (
    person_id      text    COLLATE "C" NOT NULL,
    year           integer NOT NULL,
    activity_id    text    COLLATE "C" NOT NULL,
    institution_id text    COLLATE "C" NOT NULL,
    content_key    text    COLLATE "C",
    PRIMARY KEY (person_id, year, activity_id)
  );
  CREATE INDEX registrations_by_institution
    ON ${s}.institution_registrations (institution_id, year, content_key, person_id);
`;

/**
 * v4, in each copy: the compliance report's counts per (unit, year, field), kept by the person-year
 * upsert (postgres-read-model.statements.ts), as SQLite's v4. Filled from the person-years stored.
 */
const countsTableSql = (s: string): string => `
  CREATE TABLE ${s}.compliance_counts (
    unit_id          text    COLLATE "C" NOT NULL,
    year             integer NOT NULL,
    field            text    COLLATE "C" NOT NULL,
    -- Never below 0, always adding up: a write that would break either is a defect, and fails loudly.
    person_years     integer NOT NULL CHECK (person_years >= 0),
    compliant        integer NOT NULL CHECK (compliant >= 0),
    non_compliant    integer NOT NULL CHECK (non_compliant >= 0),
    voided           integer NOT NULL CHECK (voided >= 0),
    finalized        integer NOT NULL CHECK (finalized >= 0),
    promotion_delays integer NOT NULL CHECK (promotion_delays >= 0),
    -- Each person-year counts once in compliant, nonCompliant or voided, and finalised or delayed at most once.
    CHECK (compliant + non_compliant + voided = person_years AND finalized <= person_years AND promotion_delays <= person_years),
    PRIMARY KEY (unit_id, year, field)
  );
  INSERT INTO ${s}.compliance_counts
    (unit_id, year, field, person_years, compliant, non_compliant, voided, finalized, promotion_delays)
  SELECT unit_id, year, field, count(*),
    count(*) FILTER (WHERE status <> 'voided' AND compliant), count(*) FILTER (WHERE status <> 'voided' AND NOT compliant),
    count(*) FILTER (WHERE status = 'voided'), count(*) FILTER (WHERE status = 'finalized'), count(*) FILTER (WHERE promotion_delay)
  FROM ${s}.person_years GROUP BY unit_id, year, field;
`;

/**
 * v5, in each copy: a person-year's region (its unit's current region) and the authority inbox's
 * indexes by scope, as SQLite's v5.
 */
const regionSql = (s: string): string => `
  ALTER TABLE ${s}.person_years ADD COLUMN region text COLLATE "C";
  UPDATE ${s}.person_years p SET region = u.region FROM ${s}.units u WHERE u.unit_id = p.unit_id;
  CREATE INDEX person_years_awaiting_in_region
    ON ${s}.person_years (region, confirmed_at, person_id, year) WHERE status = 'confirmed';
  CREATE INDEX person_years_awaiting_in_region_field
    ON ${s}.person_years (region, field, confirmed_at, person_id, year) WHERE status = 'confirmed';
  CREATE INDEX person_years_awaiting_in_field
    ON ${s}.person_years (field, confirmed_at, person_id, year) WHERE status = 'confirmed';
  CREATE INDEX person_years_awaiting_in_city
    ON ${s}.person_years (substr(region, 1, 4), confirmed_at, person_id, year) WHERE status = 'confirmed';
  CREATE INDEX person_years_awaiting_in_city_field
    ON ${s}.person_years (substr(region, 1, 4), field, confirmed_at, person_id, year) WHERE status = 'confirmed';
`;

const schemaVersionSql = (s: string, version: number): string => `UPDATE ${s}.read_model_state SET schema_version = ${version};`;

/** A step that first waits for the readers and writers in flight, and holds the later ones off until the migration commits. */
function fenced(names: ReadModelSchemaNames, step: (client: ClientBase) => Promise<void>): (client: ClientBase) => Promise<void> {
  return async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(${names.copiesLockKey}::int8)`);
    await step(client);
  };
}

/**
 * Creates or upgrades the read models' schema (see migrateVersionedSchema). The version table has a
 * name of its own so that the read models may share a schema with the event store (whose
 * `schema_migrations` counts its own versions).
 */
export async function migrateReadModelSchema(client: ClientBase, names: ReadModelSchemaNames, options: MigrationOptions = {}): Promise<void> {
  const s = names.quoted;
  const target = { label: 'read-model', schema: names.schema, quoted: s, versionTable: 'read_model_migrations', lockKey: names.migrationLockKey };
  await migrateVersionedSchema(client, target, [
    async (c) => void (await c.query(schemaV1(s))),
    // v2, the rebuild state (not a read model itself): the token and start of a rebuild under way,
    // and how many rebuilds ever began.
    async (c) =>
      void (await c.query(
        `CREATE TABLE ${s}.rebuild_state (
           singleton  integer NOT NULL PRIMARY KEY CHECK (singleton = 1),
           token      text,
           started_at text,
           generation integer NOT NULL
         )`,
      )),
    // v3, the second copy of the read models and which copy is in use: a rebuild builds the copy
    // not in use while readers and live projections go on with the other, then puts it in use.
    async (c) => {
      const b = names.copies.b;
      await refuseLeftTables(c, `${names.schema}_b`, names.schema);
      await createSchemaOnce(c, `${names.schema}_b`);
      await c.query(schemaV1(b));
      await c.query(
        `ALTER TABLE ${s}.rebuild_state ADD COLUMN in_use text NOT NULL DEFAULT 'a' CHECK (in_use IN ('a', 'b'));
         INSERT INTO ${s}.rebuild_state (singleton, token, started_at, generation) VALUES (1, NULL, NULL, 0)
         ON CONFLICT (singleton) DO NOTHING`,
      );
    },
    // From v4 on, each step first waits for the transactions in flight (they hold the copies' lock
    // shared; the steps run in one transaction, which holds it until it commits).
    // v4: the compliance counts (what the code before does not know to keep, fenced out by v6).
    fenced(names, async (c) => void (await c.query(countsTableSql(s) + countsTableSql(names.copies.b)))),
    // v5: each person-year's region, and the inbox's indexes; analysed at once, or the planner
    // would have no statistics on the new column until the next autoanalyze.
    fenced(names, async (c) => {
      await c.query(regionSql(s) + regionSql(names.copies.b));
      await c.query(`ANALYZE ${s}.person_years; ANALYZE ${names.copies.b}.person_years`);
    }),
    // v6 fences out the processes of the code before v4: the copies' state, which each of their
    // transactions reads first (with the copies' lock, in one query), gets another name (theirs
    // now fail, loudly, until restarted with this code), and holds the schema version, which this
    // code checks in every transaction (ReadModelsMigratedError), so that later steps fence it out
    // in turn. Idempotent: a build between v4 and v6 may have renamed it already.
    fenced(names, async (c) =>
      void (await c.query(
        `ALTER TABLE IF EXISTS ${s}.rebuild_state RENAME TO read_model_state;
         ALTER TABLE ${s}.read_model_state ADD COLUMN IF NOT EXISTS schema_version integer NOT NULL DEFAULT 0;
         ${schemaVersionSql(s, 6)}`,
      )),
    ),
    // v7: each institution registration's global position (see the SQLite schema's v7); fences
    // out the code before it, which would index registrations without one.
    fenced(names, async (c) =>
      void (await c.query(
        `ALTER TABLE ${s}.institution_registrations ADD COLUMN position bigint;
         ALTER TABLE ${names.copies.b}.institution_registrations ADD COLUMN position bigint;
         ${schemaVersionSql(s, 7)}`,
      )),
    ),
    // v8: the event each checkpoint was last moved to (see the SQLite schema's v8); fences out the
    // code before it, which would move a checkpoint and leave an older one's event beside it.
    fenced(names, async (c) =>
      void (await c.query(
        [s, names.copies.b]
          .map((copy) => `ALTER TABLE ${copy}.checkpoints ADD COLUMN event_id text COLLATE "C", ADD COLUMN stream_id text COLLATE "C", ADD COLUMN stream_revision integer;`)
          .join('\n') + schemaVersionSql(s, 8),
      )),
    ),
    // v9: the rule sets each copy was derived under from its first page (see the SQLite schema's v9).
    fenced(names, async (c) =>
      void (await c.query(
        [s, names.copies.b]
          .map((copy) => `ALTER TABLE ${copy}.checkpoints ADD COLUMN rule_sets text COLLATE "C";
             UPDATE ${copy}.checkpoints SET rule_sets = '${SHIPPED_RULES_FINGERPRINT}';`)
          .join('\n') + schemaVersionSql(s, 9),
      )),
    ),
  ], options);
}

/**
 * The second copy's schema is made with the read models' own (v3): tables already in it were left by
 * an earlier install whose schema was dropped without it (or are someone else's). Creating the copy
 * failed on them with a bare "relation … already exists" naming neither schema; nothing is dropped
 * here, since a schema of that name may hold another application's tables.
 */
async function refuseLeftTables(client: ClientBase, copySchema: string, schema: string): Promise<void> {
  // Any relation (table, view, sequence, index) would collide with the copy's.
  const { rows } = await client.query<{ tables: string }>('SELECT count(*) AS tables FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1', [copySchema]);
  if (Number(rows[0]?.tables ?? 0) === 0) return;
  throw new Error(
    `schema ${copySchema}, where the read models' second copy goes, already holds tables (left by an earlier install whose schema ${schema} was dropped without it?): drop schema ${copySchema} as well, or name another READ_MODELS_SCHEMA`,
  );
}
