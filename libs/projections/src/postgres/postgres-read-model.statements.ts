/**
 * Every statement of the PostgreSQL read models, with the schema's tables qualified once here.
 * Each mirrors its SQLite counterpart (sqlite-read-model.statements.ts): same filters, same order.
 * Writes take whole columns as arrays (unnest), so a page costs the same few round trips however
 * many person-years it touches.
 */

import { READ_MODEL_TABLES } from '../sqlite/sqlite-read-model.schema';

/** The compliance report adds up the counts kept per (unit, year, field) (compliance-counts.ts). */
const COUNTS = ['person_years', 'compliant', 'non_compliant', 'voided', 'finalized', 'promotion_delays']
  .map((column) => `coalesce(sum(c.${column}), 0)::int AS ${column}`)
  .join(', ');

/**
 * The copies' state, in the read models' own schema `s` (quoted): which copy is in use, the
 * rebuild under way and the schema's version (checked by every transaction). Readers and writers of either copy hold an advisory lock on it shared until
 * they commit; beginning or ending a rebuild holds it exclusively. Advisory locks queue in order
 * (row locks do not: a stream of FOR SHARE readers could starve a FOR UPDATE) and need no table
 * privilege, so once a rebuild's begin or end waits, later readers and writers wait behind it —
 * and none of them ever reads or writes a copy just put out of use or being emptied. `key` is the
 * lock's (int8, as text: it comes from a digest, never from input).
 */
export function rebuildStateSql(s: string, key: string) {
  const read = `SELECT token, started_at, generation, in_use, schema_version FROM ${s}.read_model_state WHERE singleton = 1`;
  return {
    read,
    /** One round trip each (simple protocol, no parameters): the lock's result, then the state's. */
    shared: `SELECT pg_advisory_xact_lock_shared(${key}::int8); ${read}`,
    /** Waits at most `lock_timeout` (set by the caller): a rebuild must not hold the queue for long. */
    exclusive: `SELECT pg_advisory_xact_lock(${key}::int8); ${read}`,
    lockTimeout: (ms: number) => `SET LOCAL lock_timeout = ${Math.trunc(ms)}`,
    begin: `UPDATE ${s}.read_model_state SET token = $1, started_at = $2, generation = generation + 1 WHERE singleton = 1`,
    end: `UPDATE ${s}.read_model_state SET token = NULL, started_at = NULL, in_use = $1 WHERE singleton = 1 AND token = $2`,
    unmark: `UPDATE ${s}.read_model_state SET token = NULL, started_at = NULL WHERE singleton = 1 AND token = $1`,
  };
}

/** The statements on one copy of the read models; `s` is the copy's schema, already quoted. */
export function readModelSql(s: string) {
  return {
    /** Makes sure the row exists, so that the next statement has something to lock. */
    ensureCheckpoint: `INSERT INTO ${s}.checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`,
    /**
     * Locks the checkpoint until commit: a second writer of the same checkpoint waits here, then
     * reads the position the first one committed (READ COMMITTED re-reads a row it waited for).
     */
    lockCheckpoint: `SELECT position FROM ${s}.checkpoints WHERE name = $1 FOR UPDATE`,
    // The rule sets are the first page's (ReadModelBatch.ruleSets): later pages never replace them.
    setCheckpoint: `UPDATE ${s}.checkpoints SET position = $2, event_id = $3, stream_id = $4, stream_revision = $5, rule_sets = coalesce(rule_sets, $6) WHERE name = $1`,
    checkpointRuleSets: `SELECT rule_sets FROM ${s}.checkpoints WHERE name = $1`,
    checkpoint: `SELECT position FROM ${s}.checkpoints WHERE name = $1`,
    checkpointEvent: `SELECT position, event_id, stream_id, stream_revision FROM ${s}.checkpoints WHERE name = $1`,
    upsertUnits: `
      INSERT INTO ${s}.units (unit_id, name, region, industry)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
      ON CONFLICT (unit_id) DO UPDATE SET name = excluded.name, region = excluded.region, industry = excluded.industry`,
    /** Units put again ($1 ids, $2 regions): their person-years follow them to their current regions (scope is judged on it, API.md). */
    moveUnitsPersonYears: `
      UPDATE ${s}.person_years p SET region = u.region
      FROM unnest($1::text[], $2::text[]) AS u (unit_id, region)
      WHERE p.unit_id = u.unit_id AND p.region IS DISTINCT FROM u.region`,
    /**
     * Upserts the person-years and applies what they change in the compliance counts, in one
     * statement: the rows' previous values (locked) count −1 in their key, the new ones +1 in
     * theirs (compliance-counts.ts); a key whose count falls to 0 loses its row, as a rebuild from
     * zero would leave it. Every part sees the counts as they were before the statement. Writers of a copy are serialised by its checkpoint's lock (apply), so no
     * other writer changes these rows or counts meanwhile.
     */
    upsertPersonYears: `
      WITH incoming AS (
        SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::boolean[],
                             $8::boolean[], $9::text[], $10::text[], $11::int[])
          AS i (person_id, year, unit_id, field, status, compliant, finalized, promotion_delay, confirmed_at, delay_due_after, revision)
      ), previous AS (
        SELECT p.unit_id, p.year, p.field, p.status, p.compliant, p.promotion_delay
        FROM ${s}.person_years p JOIN incoming i ON i.person_id = p.person_id AND i.year = p.year
        FOR UPDATE OF p
      ), written AS (
        INSERT INTO ${s}.person_years
          (person_id, year, unit_id, field, status, compliant, finalized, promotion_delay, confirmed_at, delay_due_after, revision, region)
        SELECT i.*, (SELECT u.region FROM ${s}.units u WHERE u.unit_id = i.unit_id) FROM incoming i
        ON CONFLICT (person_id, year) DO UPDATE SET
          unit_id = excluded.unit_id, field = excluded.field, status = excluded.status, compliant = excluded.compliant,
          finalized = excluded.finalized, promotion_delay = excluded.promotion_delay,
          confirmed_at = excluded.confirmed_at, delay_due_after = excluded.delay_due_after, revision = excluded.revision,
          region = excluded.region
      ), changes AS (
        SELECT * FROM (
          SELECT unit_id, year, field,
            sum(n)::int AS person_years,
            coalesce(sum(n) FILTER (WHERE status <> 'voided' AND compliant), 0)::int AS compliant,
            coalesce(sum(n) FILTER (WHERE status <> 'voided' AND NOT compliant), 0)::int AS non_compliant,
            coalesce(sum(n) FILTER (WHERE status = 'voided'), 0)::int AS voided,
            coalesce(sum(n) FILTER (WHERE status = 'finalized'), 0)::int AS finalized,
            coalesce(sum(n) FILTER (WHERE promotion_delay), 0)::int AS promotion_delays
          FROM (
            SELECT -1 AS n, unit_id, year, field, status, compliant, promotion_delay FROM previous
            UNION ALL
            SELECT 1, unit_id, year, field, status, compliant, promotion_delay FROM incoming
          ) rows
          GROUP BY unit_id, year, field
        ) net
        WHERE (person_years, compliant, non_compliant, voided, finalized, promotion_delays) <> (0, 0, 0, 0, 0, 0)
      ), next AS (
        -- Each key's change beside its stored counts (one change per key); whether it leaves nobody.
        SELECT c.*, (t.person_years + c.person_years, t.compliant + c.compliant, t.non_compliant + c.non_compliant,
                     t.voided + c.voided, t.finalized + c.finalized, t.promotion_delays + c.promotion_delays) = (0, 0, 0, 0, 0, 0) AS empty
        FROM changes c JOIN ${s}.compliance_counts t ON t.unit_id = c.unit_id AND t.year = c.year AND t.field = c.field
      ), updated AS (
        -- Counts that would no longer add up fail the table's checks: the projection stops, loudly.
        UPDATE ${s}.compliance_counts t SET
          person_years = t.person_years + n.person_years, compliant = t.compliant + n.compliant,
          non_compliant = t.non_compliant + n.non_compliant, voided = t.voided + n.voided,
          finalized = t.finalized + n.finalized, promotion_delays = t.promotion_delays + n.promotion_delays
        FROM next n
        WHERE t.unit_id = n.unit_id AND t.year = n.year AND t.field = n.field AND NOT n.empty
      ), emptied AS (
        DELETE FROM ${s}.compliance_counts t USING next n
        WHERE t.unit_id = n.unit_id AND t.year = n.year AND t.field = n.field AND n.empty
      )
      -- Not an upsert: the row an upsert proposes is checked before its conflict is, and a change
      -- may be negative; a key without a row only ever gains.
      INSERT INTO ${s}.compliance_counts
        (unit_id, year, field, person_years, compliant, non_compliant, voided, finalized, promotion_delays)
      SELECT c.* FROM changes c
      WHERE NOT EXISTS (SELECT 1 FROM ${s}.compliance_counts e WHERE e.unit_id = c.unit_id AND e.year = c.year AND e.field = c.field)`,
    // A replaced person-year's rows are diffed, not rewritten: rows it no longer has go, new or
    // changed rows are upserted, unchanged ones are left alone (a rewrite per event made a stream
    // of declarations quadratic). $1, $2: the replaced person-years; $3–$5: the keys they keep.
    deleteStalePending: `
      DELETE FROM ${s}.pending_activities
      WHERE (person_id, year) IN (SELECT * FROM unnest($1::text[], $2::int[]))
        AND (person_id, year, activity_id) NOT IN (SELECT * FROM unnest($3::text[], $4::int[], $5::text[]))`,
    upsertPending: `
      INSERT INTO ${s}.pending_activities AS t (person_id, year, activity_id, unit_id, category, title, declared_at, position)
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int8[])
      ON CONFLICT (person_id, year, activity_id) DO UPDATE SET
        unit_id = excluded.unit_id, category = excluded.category, title = excluded.title,
        declared_at = excluded.declared_at, position = excluded.position
      WHERE (t.unit_id, t.category, t.title, t.declared_at, t.position)
        IS DISTINCT FROM (excluded.unit_id, excluded.category, excluded.title, excluded.declared_at, excluded.position)`,
    deleteStaleRegistrations: `
      DELETE FROM ${s}.institution_registrations
      WHERE (person_id, year) IN (SELECT * FROM unnest($1::text[], $2::int[]))
        AND (person_id, year, activity_id) NOT IN (SELECT * FROM unnest($3::text[], $4::int[], $5::text[]))`,
    upsertRegistrations: `
      INSERT INTO ${s}.institution_registrations AS t (person_id, year, activity_id, institution_id, content_key, position)
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int8[])
      ON CONFLICT (person_id, year, activity_id) DO UPDATE SET
        institution_id = excluded.institution_id, content_key = excluded.content_key, position = excluded.position
      WHERE (t.institution_id, t.content_key, t.position) IS DISTINCT FROM (excluded.institution_id, excluded.content_key, excluded.position)`,
    /**
     * Empties this copy a batch ($1 rows) per table at a time, once it is out of use. DELETE, not
     * TRUNCATE: a DELETE is MVCC-safe (a pg_dump whose snapshot predates it still dumps the rows,
     * where a TRUNCATE would hand it an empty table beside a state saying the copy is in use), and
     * it takes no ACCESS EXCLUSIVE lock, which would wait behind autovacuum (cleaning after these
     * very deletes) and behind any session reading the copy.
     */
    emptyBatch: READ_MODEL_TABLES.map((t) => `DELETE FROM ${s}.${t} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${s}.${t} LIMIT $1))`),
    checkpoints: `SELECT name, position FROM ${s}.checkpoints`,

    // Keyset pagination: rows strictly after the cursor's sort key, in index order.
    unitPending: `
      SELECT person_id, year, activity_id, category, title, declared_at, position
      FROM ${s}.pending_activities
      WHERE unit_id = $1 AND (declared_at, position) > ($2::text, $3::int8)
      ORDER BY declared_at, position
      LIMIT $4`,
    /**
     * The authority inbox, one statement per kind of scope, as SQLite's (a county's or a city's
     * rows read in order from its own index, an industry authority's from its field's). Years bound as int8: a
     * year beyond int4 then compares (equal to nothing) instead of failing to bind.
     */
    authorityPending: {
      county: authorityPending(s, 'p.region = $1::text', 2),
      countyField: authorityPending(s, 'p.region = $1::text AND p.field = $2::text', 3),
      city: authorityPending(s, 'substr(p.region, 1, 4) = $1::text', 2),
      cityField: authorityPending(s, 'substr(p.region, 1, 4) = $1::text AND p.field = $2::text', 3),
      range: authorityPending(s, 'p.region BETWEEN $1::text AND $2::text', 3),
      rangeField: authorityPending(s, 'p.field = $3::text AND p.region BETWEEN $1::text AND $2::text', 4),
    },
    reportByRegion: `
      SELECT ${COUNTS}
      FROM ${s}.units u JOIN ${s}.compliance_counts c ON c.unit_id = u.unit_id AND c.year = $1::int8
      WHERE u.region BETWEEN $2::text AND $3::text AND ($4::text IS NULL OR c.field = $4::text)`,
    reportByUnit: `
      SELECT ${COUNTS} FROM ${s}.compliance_counts c
      WHERE c.unit_id = $1 AND c.year = $2::int8 AND ($3::text IS NULL OR c.field = $3::text)`,
    // LIMIT NULL is no limit: what SQLite does with a negative one (see the adapter).
    promotionDelayCandidates: `
      SELECT person_id, year, delay_due_after FROM ${s}.person_years
      WHERE delay_due_after IS NOT NULL AND delay_due_after < $1::text
      ORDER BY delay_due_after, person_id, year
      LIMIT $2`,
    // The next page: a statement of its own, so that the index seeks to the key (no OR around it).
    promotionDelayCandidatesAfter: `
      SELECT person_id, year, delay_due_after FROM ${s}.person_years
      WHERE delay_due_after IS NOT NULL AND delay_due_after < $1::text
        AND (delay_due_after, person_id, year) > ($3::text, $4::text, $5::int8)
      ORDER BY delay_due_after, person_id, year
      LIMIT $2`,
    institutionHolders: `
      SELECT DISTINCT person_id, year
      FROM ${s}.institution_registrations
      WHERE institution_id = $1 AND year = $2::int8
        AND ($3::text[] IS NULL OR content_key = ANY ($3::text[]))
        AND ($4::int8 IS NULL OR position IS NULL OR position <= $4::int8)
      ORDER BY person_id`,
    ping: 'SELECT 1',
  };
}

/** Keyset pagination: rows strictly after the cursor's sort key, in index order; the cursor's values from `$next` on. */
function authorityPending(s: string, inScope: string, next: number): string {
  const [at, person, year, limit] = [next, next + 1, next + 2, next + 3].map((n) => `$${n}`);
  return `
    SELECT p.person_id, p.year, p.unit_id, p.confirmed_at
    FROM ${s}.person_years p
    WHERE p.status = 'confirmed' AND ${inScope}
      AND (p.confirmed_at, p.person_id, p.year) > (${at}::text, ${person}::text, ${year}::int8)
    ORDER BY p.confirmed_at, p.person_id, p.year
    LIMIT ${limit}`;
}

export type ReadModelSql = ReturnType<typeof readModelSql>;

export interface CountsRow {
  person_years: number;
  compliant: number;
  non_compliant: number;
  voided: number;
  finalized: number;
  promotion_delays: number;
}

export interface PersonYearKeyRow {
  person_id: string;
  year: number;
}
