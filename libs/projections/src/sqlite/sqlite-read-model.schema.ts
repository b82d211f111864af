import type Database from 'better-sqlite3';
import type { ReadModelCopy } from '../read-model.port';
import { SHIPPED_RULES_FINGERPRINT } from '../rules-fingerprint';

/** Bumped with every change to the tables below; a newer file refuses to open with older code. */
export const READ_MODEL_SCHEMA_VERSION = 9;

/** Tables, in the order `reset` and `dump` visit them. */
export const READ_MODEL_TABLES = ['checkpoints', 'units', 'person_years', 'pending_activities', 'institution_registrations', 'compliance_counts'] as const;
export type ReadModelTable = (typeof READ_MODEL_TABLES)[number];

/** Each table's primary key: the order of a dump. */
export const PRIMARY_KEYS: Record<ReadModelTable, string> = {
  checkpoints: 'name',
  units: 'unit_id',
  person_years: 'person_id, year',
  pending_activities: 'person_id, year, activity_id',
  institution_registrations: 'person_id, year, activity_id',
  compliance_counts: 'unit_id, year, field',
};

/**
 * The tables of one copy of the read models: copy `a` has the plain names (the only copy before v3),
 * copy `b` the same tables and indexes prefixed `b_` (see ReadModelStore.beginRebuild).
 */
const copyTablesSql = (p: string): string => `
  CREATE TABLE IF NOT EXISTS ${p}checkpoints (
    name     TEXT    NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS ${p}units (
    unit_id  TEXT NOT NULL PRIMARY KEY,
    name     TEXT NOT NULL,
    region   TEXT NOT NULL,
    industry TEXT NOT NULL
  ) WITHOUT ROWID;
  -- Region scopes are ranges of division codes (region-scope.ts).
  CREATE INDEX IF NOT EXISTS ${p}units_by_region ON ${p}units (region, unit_id);

  CREATE TABLE IF NOT EXISTS ${p}person_years (
    person_id       TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    unit_id         TEXT    NOT NULL,
    field           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'confirmed', 'finalized', 'voided')),
    compliant       INTEGER NOT NULL CHECK (compliant IN (0, 1)),
    finalized       INTEGER NOT NULL CHECK (finalized IN (0, 1)),
    promotion_delay INTEGER NOT NULL CHECK (promotion_delay IN (0, 1)),
    confirmed_at    TEXT,
    delay_due_after TEXT,
    revision        INTEGER NOT NULL,
    PRIMARY KEY (person_id, year)
  ) WITHOUT ROWID;
  -- Reports by unit, and by region through units_by_region.
  CREATE INDEX IF NOT EXISTS ${p}person_years_by_unit ON ${p}person_years (unit_id, year);
  -- The authority inbox, in its order; only confirmed years are indexed.
  CREATE INDEX IF NOT EXISTS ${p}person_years_awaiting_finalization
    ON ${p}person_years (confirmed_at, person_id, year) WHERE status = 'confirmed';
  -- The promotion-delay sweep (Art. 13): years whose make-up period may end short.
  CREATE INDEX IF NOT EXISTS ${p}person_years_delay_due
    ON ${p}person_years (delay_due_after, person_id, year) WHERE delay_due_after IS NOT NULL;

  CREATE TABLE IF NOT EXISTS ${p}pending_activities (
    person_id   TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    activity_id TEXT    NOT NULL,
    unit_id     TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    declared_at TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (person_id, year, activity_id)
  ) WITHOUT ROWID;
  -- The unit inbox, in its order.
  CREATE INDEX IF NOT EXISTS ${p}pending_by_unit ON ${p}pending_activities (unit_id, declared_at, position);

  CREATE TABLE IF NOT EXISTS ${p}institution_registrations (
    person_id      TEXT    NOT NULL,
    year           INTEGER NOT NULL,
    activity_id    TEXT    NOT NULL,
    institution_id TEXT    NOT NULL,
    content_key    TEXT,
    PRIMARY KEY (person_id, year, activity_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS ${p}registrations_by_institution
    ON ${p}institution_registrations (institution_id, year, content_key, person_id);
`;

/**
 * v6 fences out the processes of the code before v4, which do not know to keep what v4 and v5 keep
 * beside the rows (the compliance counts, each person-year's region): the copies' state, which
 * every transaction of theirs reads first, gets another name (theirs now fail, loudly, on every
 * page and read until they are restarted with this code), and holds the schema version, which this
 * code checks in every transaction (ReadModelsMigratedError), so that later versions fence it out
 * in turn. Idempotent: a build between v4 and v6 may have renamed it already.
 */
function fence(db: Database.Database): void {
  const renamed = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rebuild_state'").get() === undefined;
  if (!renamed) db.exec('ALTER TABLE rebuild_state RENAME TO read_model_state');
  const columns = db.prepare<[], { name: string }>('SELECT name FROM pragma_table_info(\'read_model_state\')').all();
  if (!columns.some((c) => c.name === 'schema_version')) db.exec('ALTER TABLE read_model_state ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 0');
}

/**
 * v4, in each copy: the compliance report's counts per (unit, year, field) (compliance-counts.ts),
 * kept by the writer as person-year rows change, so that a report adds up a row per unit instead
 * of scanning every person-year of its scope. Filled from the person-years already stored; a key
 * whose count falls to 0 has no row.
 */
const countsTableSql = (p: string): string => `
  CREATE TABLE IF NOT EXISTS ${p}compliance_counts (
    unit_id          TEXT    NOT NULL,
    year             INTEGER NOT NULL,
    field            TEXT    NOT NULL,
    -- Never below 0, always adding up: a write that would break either is a defect, and fails loudly.
    person_years     INTEGER NOT NULL CHECK (person_years >= 0),
    compliant        INTEGER NOT NULL CHECK (compliant >= 0),
    non_compliant    INTEGER NOT NULL CHECK (non_compliant >= 0),
    voided           INTEGER NOT NULL CHECK (voided >= 0),
    finalized        INTEGER NOT NULL CHECK (finalized >= 0),
    promotion_delays INTEGER NOT NULL CHECK (promotion_delays >= 0),
    -- Each person-year counts once in compliant, nonCompliant or voided, and finalised or delayed at most once.
    CHECK (compliant + non_compliant + voided = person_years AND finalized <= person_years AND promotion_delays <= person_years),
    PRIMARY KEY (unit_id, year, field)
  ) WITHOUT ROWID;
  INSERT INTO ${p}compliance_counts
    (unit_id, year, field, person_years, compliant, non_compliant, voided, finalized, promotion_delays)
  SELECT unit_id, year, field, COUNT(*),
    SUM(status <> 'voided' AND compliant = 1), SUM(status <> 'voided' AND compliant = 0), SUM(status = 'voided'),
    SUM(status = 'finalized'), SUM(promotion_delay)
  FROM ${p}person_years GROUP BY unit_id, year, field;
`;

/**
 * v5, in each copy: a person-year's region (its unit's current region, null while the unit was
 * never put), kept by the writer as units move, and the authority inbox's indexes by scope: a
 * county's inbox (a whole region code) or a city's (its codes' first four digits) reads its own
 * rows in order instead of filtering every confirmed year of the province, and an industry
 * authority's reads its field's.
 */
const regionSql = (p: string): string => `
  ALTER TABLE ${p}person_years ADD COLUMN region TEXT;
  UPDATE ${p}person_years SET region = (SELECT u.region FROM ${p}units u WHERE u.unit_id = ${p}person_years.unit_id);
  CREATE INDEX IF NOT EXISTS ${p}person_years_awaiting_in_region
    ON ${p}person_years (region, confirmed_at, person_id, year) WHERE status = 'confirmed';
  CREATE INDEX IF NOT EXISTS ${p}person_years_awaiting_in_region_field
    ON ${p}person_years (region, field, confirmed_at, person_id, year) WHERE status = 'confirmed';
  CREATE INDEX IF NOT EXISTS ${p}person_years_awaiting_in_field
    ON ${p}person_years (field, confirmed_at, person_id, year) WHERE status = 'confirmed';
  CREATE INDEX IF NOT EXISTS ${p}person_years_awaiting_in_city
    ON ${p}person_years (substr(region, 1, 4), confirmed_at, person_id, year) WHERE status = 'confirmed';
  CREATE INDEX IF NOT EXISTS ${p}person_years_awaiting_in_city_field
    ON ${p}person_years (substr(region, 1, 4), field, confirmed_at, person_id, year) WHERE status = 'confirmed';
`;

/**
 * v7, in each copy: the global position of each institution registration's event, so that an
 * institution flag's candidates are the registrations held when it was posted (its job then
 * counts the same total however often it is taken over). Rows indexed before have none (NULL)
 * until their person-year is written again or the read models are rebuilt.
 */
const registrationPositionSql = (p: string): string => `
  ALTER TABLE ${p}institution_registrations ADD COLUMN position INTEGER;
`;

/**
 * v8, in each copy: the event each checkpoint was last moved to (ReadModelBatch.lastEvent), which
 * the runner finds in the event store again before following on from it. Checkpoints written
 * before have none (NULL) until their next batch. Fences out the code before it, which would move
 * a checkpoint and leave the event of an older one beside it.
 */
const checkpointEventSql = (p: string): string => `
  ALTER TABLE ${p}checkpoints ADD COLUMN event_id TEXT;
  ALTER TABLE ${p}checkpoints ADD COLUMN stream_id TEXT;
  ALTER TABLE ${p}checkpoints ADD COLUMN stream_revision INTEGER;
`;

/**
 * v9, in each copy: the rule sets the copy was derived under from its first page
 * (ReadModelBatch.ruleSets). Checkpoints written before were derived under the rule sets shipped
 * then — the only ones a deployment could have before RULE_SETS_FILE.
 */
const checkpointRuleSetsSql = (p: string): string => `
  ALTER TABLE ${p}checkpoints ADD COLUMN rule_sets TEXT;
  UPDATE ${p}checkpoints SET rule_sets = '${SHIPPED_RULES_FINGERPRINT}';
`;

const PREFIX: Record<ReadModelCopy, string> = { a: '', b: 'b_' };
/** A table's name in one copy. */
export const copyTable = (copy: ReadModelCopy, table: ReadModelTable): string => `${PREFIX[copy]}${table}`;

/**
 * v2: the rebuild state (not a read model itself): the token and start of a rebuild under way, and
 * how many rebuilds ever began.
 */
const SCHEMA_V2 = `
  CREATE TABLE IF NOT EXISTS rebuild_state (
    singleton  INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    token      TEXT,
    started_at TEXT,
    generation INTEGER NOT NULL
  );
`;

/**
 * v3: the second copy of the read models and which copy is in use. A rebuild builds the copy not in
 * use while readers and live projections go on with the other, then puts it in use at once.
 */
const SCHEMA_V3 = `
  ALTER TABLE rebuild_state ADD COLUMN in_use TEXT NOT NULL DEFAULT 'a' CHECK (in_use IN ('a', 'b'));
  INSERT OR IGNORE INTO rebuild_state (singleton, token, started_at, generation) VALUES (1, NULL, NULL, 0);
  ${copyTablesSql(PREFIX.b)}
`;

/** Creates the schema idempotently, under the write lock so that two processes cannot race on it. */
export function migrateReadModels(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > READ_MODEL_SCHEMA_VERSION) {
      throw new Error(`read-model schema version ${version} is newer than this code (${READ_MODEL_SCHEMA_VERSION})`);
    }
    if (version < 1) db.exec(copyTablesSql(PREFIX.a));
    if (version < 2) db.exec(SCHEMA_V2);
    if (version < 3) db.exec(SCHEMA_V3);
    if (version < 4) db.exec(countsTableSql(PREFIX.a) + countsTableSql(PREFIX.b));
    if (version < 5) db.exec(regionSql(PREFIX.a) + regionSql(PREFIX.b));
    if (version < 6) fence(db);
    if (version < 7) db.exec(registrationPositionSql(PREFIX.a) + registrationPositionSql(PREFIX.b));
    if (version < 8) db.exec(checkpointEventSql(PREFIX.a) + checkpointEventSql(PREFIX.b));
    if (version < 9) db.exec(checkpointRuleSetsSql(PREFIX.a) + checkpointRuleSetsSql(PREFIX.b));
    if (version < READ_MODEL_SCHEMA_VERSION) {
      db.prepare('UPDATE read_model_state SET schema_version = ?').run(READ_MODEL_SCHEMA_VERSION);
      db.pragma(`user_version = ${READ_MODEL_SCHEMA_VERSION}`);
    }
  }).immediate();
}
