/** The prepared SQL of the read models, with the row shapes it returns. */
import type Database from 'better-sqlite3';
import type { YearStatus } from '@jx/rules';
import type { CountsChange, CountsKey } from '../compliance-counts';
import type { ReadModelCopy } from '../read-model.port';
import { READ_MODEL_TABLES, copyTable, type ReadModelTable } from './sqlite-read-model.schema';

import type { ConfirmedRow, PendingRow } from '../read-model-rows';

export interface CountsRow {
  person_years: number;
  compliant: number | null;
  non_compliant: number | null;
  voided: number | null;
  finalized: number | null;
  promotion_delays: number | null;
}

export interface StoredPersonYearRow {
  unit_id: string;
  field: string;
  status: YearStatus;
  compliant: number;
  finalized: number;
  promotion_delay: number;
  confirmed_at: string | null;
  delay_due_after: string | null;
  revision: number;
}

interface PersonYearParams {
  personId: string;
  year: number;
}

/** The compliance report adds up the counts kept per (unit, year, field) (compliance-counts.ts). */
const COUNTS = `
  SUM(c.person_years) AS person_years,
  SUM(c.compliant) AS compliant,
  SUM(c.non_compliant) AS non_compliant,
  SUM(c.voided) AS voided,
  SUM(c.finalized) AS finalized,
  SUM(c.promotion_delays) AS promotion_delays`;

/** The copies' state: which copy is in use, the rebuild under way (schema v2–v3) and the schema's version (v4). */
export function prepareStateStatements(db: Database.Database) {
  return {
    rebuildState: db.prepare<[], { token: string | null; started_at: string | null; generation: number; in_use: ReadModelCopy; schema_version: number }>(
      'SELECT token, started_at, generation, in_use, schema_version FROM read_model_state WHERE singleton = 1',
    ),
    beginRebuild: db.prepare<[string, string]>('UPDATE read_model_state SET token = ?, started_at = ?, generation = generation + 1 WHERE singleton = 1'),
    /** Ends the rebuild under the token and puts its copy in use. */
    endRebuild: db.prepare<[ReadModelCopy, string]>('UPDATE read_model_state SET token = NULL, started_at = NULL, in_use = ? WHERE token = ?'),
  };
}

/** The statements on one copy of the read models (see copyTable). */
export function prepareCopyStatements(db: Database.Database, copy: ReadModelCopy) {
  const t = Object.fromEntries(READ_MODEL_TABLES.map((table) => [table, copyTable(copy, table)])) as Record<ReadModelTable, string>;
  return {
    checkpoint: db.prepare<[string], number>(`SELECT position FROM ${t.checkpoints} WHERE name = ?`).pluck(),
    checkpoints: db.prepare<[], { name: string; position: number }>(`SELECT name, position FROM ${t.checkpoints}`),
    /** Emptied by a rebuild that begins in this copy (statements, not exec: prepared once). */
    empty: READ_MODEL_TABLES.map((table) => db.prepare(`DELETE FROM ${t[table]}`)),
    checkpointEvent: db.prepare<[string], { position: number; event_id: string | null; stream_id: string | null; stream_revision: number | null }>(
      `SELECT position, event_id, stream_id, stream_revision FROM ${t.checkpoints} WHERE name = ?`,
    ),
    checkpointRuleSets: db.prepare<[string], string | null>(`SELECT rule_sets FROM ${t.checkpoints} WHERE name = ?`).pluck(),
    // The rule sets are the first page's (ReadModelBatch.ruleSets): later pages never replace them.
    setCheckpoint: db.prepare<[string, number, string | null, string | null, number | null, string | null]>(
      `INSERT INTO ${t.checkpoints} (name, position, event_id, stream_id, stream_revision, rule_sets) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, event_id = excluded.event_id,
         stream_id = excluded.stream_id, stream_revision = excluded.stream_revision, rule_sets = coalesce(rule_sets, excluded.rule_sets)`,
    ),
    upsertUnit: db.prepare<[{ unitId: string; name: string; region: string; industry: string }]>(
      `INSERT INTO ${t.units} (unit_id, name, region, industry) VALUES (@unitId, @name, @region, @industry)
       ON CONFLICT (unit_id) DO UPDATE SET name = excluded.name, region = excluded.region, industry = excluded.industry`,
    ),
    upsertPersonYear: db.prepare<[PersonYearParams & {
      unitId: string; field: string; status: string; compliant: number; finalized: number;
      promotionDelay: number; confirmedAt: string | null; delayDueAfter: string | null; revision: number;
    }]>(
      `INSERT INTO ${t.person_years} (person_id, year, unit_id, field, status, compliant, finalized, promotion_delay, confirmed_at, delay_due_after, revision, region)
       VALUES (@personId, @year, @unitId, @field, @status, @compliant, @finalized, @promotionDelay, @confirmedAt, @delayDueAfter, @revision,
               (SELECT u.region FROM ${t.units} u WHERE u.unit_id = @unitId))
       ON CONFLICT (person_id, year) DO UPDATE SET
         unit_id = excluded.unit_id, field = excluded.field, status = excluded.status, compliant = excluded.compliant,
         finalized = excluded.finalized, promotion_delay = excluded.promotion_delay,
         confirmed_at = excluded.confirmed_at, delay_due_after = excluded.delay_due_after, revision = excluded.revision,
         region = excluded.region`,
    ),
    personYear: db.prepare<[PersonYearParams], StoredPersonYearRow>(
      `SELECT unit_id, field, status, compliant, finalized, promotion_delay, confirmed_at, delay_due_after, revision
       FROM ${t.person_years} WHERE person_id = @personId AND year = @year`,
    ),
    /** A unit put again: its person-years follow it to its current region (scope is judged on it, API.md). */
    moveUnitPersonYears: db.prepare<[{ unitId: string; region: string }]>(
      `UPDATE ${t.person_years} SET region = @region WHERE unit_id = @unitId AND region IS NOT @region`,
    ),
    personYearRevision: db.prepare<[PersonYearParams], number>(`SELECT revision FROM ${t.person_years} WHERE person_id = @personId AND year = @year`).pluck(),
    /** When nothing but the revision changed: no index of the table is touched. */
    setPersonYearRevision: db.prepare<[PersonYearParams & { revision: number }]>(
      `UPDATE ${t.person_years} SET revision = @revision WHERE person_id = @personId AND year = @year`,
    ),
    pendingOf: db.prepare<[PersonYearParams], Omit<PendingRow, 'person_id' | 'year'> & { unit_id: string }>(
      `SELECT activity_id, unit_id, category, title, declared_at, position FROM ${t.pending_activities} WHERE person_id = @personId AND year = @year`,
    ),
    deletePendingOne: db.prepare<[PersonYearParams & { activityId: string }]>(
      `DELETE FROM ${t.pending_activities} WHERE person_id = @personId AND year = @year AND activity_id = @activityId`,
    ),
    insertPending: db.prepare<[PersonYearParams & {
      activityId: string; unitId: string; category: string; title: string; declaredAt: string; position: number;
    }]>(
      `INSERT INTO ${t.pending_activities} (person_id, year, activity_id, unit_id, category, title, declared_at, position)
       VALUES (@personId, @year, @activityId, @unitId, @category, @title, @declaredAt, @position)`,
    ),
    registrations: db.prepare<[PersonYearParams], { activity_id: string; institution_id: string; content_key: string | null; position: number | null }>(
      `SELECT activity_id, institution_id, content_key, position FROM ${t.institution_registrations} WHERE person_id = @personId AND year = @year`,
    ),
    deleteRegistrationOne: db.prepare<[PersonYearParams & { activityId: string }]>(
      `DELETE FROM ${t.institution_registrations} WHERE person_id = @personId AND year = @year AND activity_id = @activityId`,
    ),
    insertRegistration: db.prepare<[PersonYearParams & { activityId: string; institutionId: string; contentKey: string | null; position: number | null }]>(
      `INSERT INTO ${t.institution_registrations} (person_id, year, activity_id, institution_id, content_key, position)
       VALUES (@personId, @year, @activityId, @institutionId, @contentKey, @position)`,
    ),
    // Keyset pagination: rows strictly after the cursor's sort key, in index order.
    unitPending: db.prepare<[{ unitId: string; afterAt: string; afterPosition: number; limit: number }], PendingRow>(
      `SELECT person_id, year, activity_id, category, title, declared_at, position
       FROM ${t.pending_activities}
       WHERE unit_id = @unitId AND (declared_at, position) > (@afterAt, @afterPosition)
       ORDER BY declared_at, position
       LIMIT @limit`,
    ),
    /**
     * The authority inbox, one statement per kind of scope, each on the index that reads its rows
     * in the inbox's order (named: the planner cannot tell a county's bounds from the province's
     * when it prepares one statement for both). A province walks every confirmed year, or every
     * one of the field, in order and keeps its own.
     */
    authorityPending: {
      county: authorityPending<{ region: string }>(db, t.person_years, `${t.person_years}_awaiting_in_region`, 'p.region = @region'),
      countyField: authorityPending<{ region: string; industry: string }>(db, t.person_years, `${t.person_years}_awaiting_in_region_field`, 'p.region = @region AND p.field = @industry'),
      city: authorityPending<{ city: string }>(db, t.person_years, `${t.person_years}_awaiting_in_city`, 'substr(p.region, 1, 4) = @city'),
      cityField: authorityPending<{ city: string; industry: string }>(db, t.person_years, `${t.person_years}_awaiting_in_city_field`, 'substr(p.region, 1, 4) = @city AND p.field = @industry'),
      range: authorityPending<{ from: string; to: string }>(db, t.person_years, `${t.person_years}_awaiting_finalization`, 'p.region BETWEEN @from AND @to'),
      rangeField: authorityPending<{ from: string; to: string; industry: string }>(db, t.person_years, `${t.person_years}_awaiting_in_field`, 'p.field = @industry AND p.region BETWEEN @from AND @to'),
      // Another province's code: its few rows, found by region and sorted, rather than a walk of
      // every confirmed year of the province in order that finds none.
      rangeByRegion: authorityPending<{ from: string; to: string }>(db, t.person_years, `${t.person_years}_awaiting_in_region`, 'p.region BETWEEN @from AND @to'),
      rangeByRegionField: authorityPending<{ from: string; to: string; industry: string }>(db, t.person_years, `${t.person_years}_awaiting_in_region_field`, 'p.region BETWEEN @from AND @to AND p.field = @industry'),
    },
    reportByRegion: db.prepare<[{ year: number; from: string; to: string; industry: string | null }], CountsRow>(
      `SELECT ${COUNTS}
       FROM ${t.units} u JOIN ${t.compliance_counts} c ON c.unit_id = u.unit_id AND c.year = @year
       WHERE u.region BETWEEN @from AND @to AND (@industry IS NULL OR c.field = @industry)`,
    ),
    reportByUnit: db.prepare<[{ year: number; unitId: string; industry: string | null }], CountsRow>(
      `SELECT ${COUNTS} FROM ${t.compliance_counts} c
       WHERE c.unit_id = @unitId AND c.year = @year AND (@industry IS NULL OR c.field = @industry)`,
    ),
    /**
     * Adds a change (compliance-counts.ts) to a key's counts, if it has a row. Not an upsert: the
     * row an upsert proposes is checked before its conflict is, and a change may be negative.
     */
    changeCounts: db.prepare<[CountsChange]>(
      `UPDATE ${t.compliance_counts} SET
         person_years = person_years + @personYears, compliant = compliant + @compliant,
         non_compliant = non_compliant + @nonCompliant, voided = voided + @voided,
         finalized = finalized + @finalized, promotion_delays = promotion_delays + @promotionDelays
       WHERE unit_id = @unitId AND year = @year AND field = @field`,
    ),
    insertCounts: db.prepare<[CountsChange]>(
      `INSERT INTO ${t.compliance_counts} (unit_id, year, field, person_years, compliant, non_compliant, voided, finalized, promotion_delays)
       VALUES (@unitId, @year, @field, @personYears, @compliant, @nonCompliant, @voided, @finalized, @promotionDelays)`,
    ),
    /** A key no person-year counts in any more has no row (what a rebuild from zero leaves). */
    dropEmptyCounts: db.prepare<[CountsKey]>(
      `DELETE FROM ${t.compliance_counts} WHERE unit_id = @unitId AND year = @year AND field = @field AND person_years = 0`,
    ),
    promotionDelayCandidates: db.prepare<[{ today: string; limit: number }], { person_id: string; year: number; delay_due_after: string }>(
      `SELECT person_id, year, delay_due_after FROM ${t.person_years}
       WHERE delay_due_after IS NOT NULL AND delay_due_after < @today
       ORDER BY delay_due_after, person_id, year LIMIT @limit`,
    ),
    // The next page: a statement of its own, so that the index seeks to the key (no OR around it).
    promotionDelayCandidatesAfter: db.prepare<[{ today: string; limit: number; due: string; personId: string; year: number }], { person_id: string; year: number; delay_due_after: string }>(
      `SELECT person_id, year, delay_due_after FROM ${t.person_years}
       WHERE delay_due_after IS NOT NULL AND delay_due_after < @today
         AND (delay_due_after, person_id, year) > (@due, @personId, @year)
       ORDER BY delay_due_after, person_id, year LIMIT @limit`,
    ),
    institutionHolders: db.prepare<[{ institutionId: string; year: number; courses: string | null; upTo: number | null }], { person_id: string; year: number }>(
      `SELECT DISTINCT person_id, year
       FROM ${t.institution_registrations}
       WHERE institution_id = @institutionId AND year = @year
         AND (@courses IS NULL OR content_key IN (SELECT value FROM json_each(@courses)))
         AND (@upTo IS NULL OR position IS NULL OR position <= @upTo)
       ORDER BY person_id`,
    ),
  };
}

type AfterCursor = { afterAt: string; afterPerson: string; afterYear: number; limit: number };

// Keyset pagination: rows strictly after the cursor's sort key, in index order.
function authorityPending<Scope>(db: Database.Database, table: string, index: string, inScope: string) {
  return db.prepare<[Scope & AfterCursor], ConfirmedRow>(
    `SELECT p.person_id, p.year, p.unit_id, p.confirmed_at
     FROM ${table} p INDEXED BY ${index}
     WHERE p.status = 'confirmed' AND ${inScope}
       AND (p.confirmed_at, p.person_id, p.year) > (@afterAt, @afterPerson, @afterYear)
     ORDER BY p.confirmed_at, p.person_id, p.year
     LIMIT @limit`,
  );
}

export type CopyStatements = ReturnType<typeof prepareCopyStatements>;
export type StateStatements = ReturnType<typeof prepareStateStatements>;
