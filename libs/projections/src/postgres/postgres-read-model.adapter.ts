/**
 * The read models in PostgreSQL: the same tables and answers as the SQLite adapter, for
 * deployments whose API and worker processes share one database server. Any number of runners
 * may feed one schema: a page's rows and its checkpoint commit together, under the checkpoint
 * row's lock, so a slower runner can never write older rows over newer ones. Two copies of the
 * tables (the schema and the schema + `_b`): one in use, the other built by a rebuild.
 */
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { queryTimeouts, withMigrationConnection } from '@jx/postgres';
import type {
  CheckpointEvent,
  AuthorityPendingItem,
  ComplianceCounts,
  Page,
  PageRequest,
  PersonYearRef,
  PromotionDelayCandidate,
  ReadModelBatch,
  ReadModelStore,
  RebuildState,
  RegionScope,
  ReportScope,
  UnitPendingItem,
} from '../read-model.port';
import { ReadModelsBehindError, checkpointEventOf, otherCopy, refuseUnlessRebuildAllows, type ReadModelCopy } from '../read-model.port';
import { cityOf, regionRange } from '../region-scope';
import { READ_MODEL_TABLES, type ReadModelTable } from '../sqlite/sqlite-read-model.schema';
import { batchColumns, pgText, pgTextOrNull } from './postgres-read-model.columns';
import { authorityCursor, decodeAuthorityCursor, decodeUnitCursor, paginate, unitCursor } from './postgres-read-model.pages';
import { migrateReadModelSchema, readModelSchemaNames, type ReadModelSchemaNames } from './postgres-read-model.schema';
import { DEFAULT_LOCK_WAIT_MS, ReadModelCopies, type CopiesState } from './postgres-read-model.copies';
import { readModelSql, type CountsRow, type PersonYearKeyRow, type ReadModelSql } from './postgres-read-model.statements';
import type { ConfirmedRow, PendingRow } from '../read-model-rows';
import { readModelPoolTypes } from './postgres-read-model.types';
import { inTransaction } from './postgres-transaction';

export interface PostgresReadModelOptions {
  connectionString: string;
  /** Schema holding the tables, created if absent (default `read_models`); lower-case identifier. */
  schema?: string;
  /** Passed to pg's Pool (its type parsers excepted: the adapter sets those). */
  pool?: Omit<PoolConfig, 'connectionString'>;
  /** How long a statement may take (default 30 s; see queryTimeouts in @jx/postgres). */
  queryTimeoutMs?: number;
  /**
   * How long a rebuild's begin or end waits, per try, for the readers and writers in flight (the
   * ones asking meanwhile wait behind it); it gives way and tries again after that. Default 500 ms.
   */
  rebuildLockWaitMs?: number;
  /** How long a migration step waits for a lock per try (see MigrationOptions in @jx/postgres; default 2 s). */
  migrationLockWaitMs?: number;
}

/** Each table's primary key: the order of a dump, as in SQLite's. */
const PRIMARY_KEYS: Record<ReadModelTable, string> = {
  checkpoints: 'name',
  units: 'unit_id',
  person_years: 'person_id, year',
  pending_activities: 'person_id, year, activity_id',
  institution_registrations: 'person_id, year, activity_id',
  compliance_counts: 'unit_id, year, field',
};

/** Rows deleted per table and transaction when a copy out of use is emptied. */
const EMPTY_BATCH_ROWS = 2000;

const NO_COUNTS: ComplianceCounts = { personYears: 0, compliant: 0, nonCompliant: 0, voided: 0, finalized: 0, promotionDelays: 0 };

export class PostgresReadModelStore implements ReadModelStore {
  private readonly copyInUse: ReadModelCopies;
  /** The statements of each copy of the read models (schema v3): one in use, the other a rebuild's. */
  private readonly copies: Record<ReadModelCopy, ReadModelSql>;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    readonly names: ReadModelSchemaNames,
    lockWaitMs = DEFAULT_LOCK_WAIT_MS,
  ) {
    this.copyInUse = new ReadModelCopies(pool, names, lockWaitMs);
    this.copies = { a: readModelSql(names.copies.a), b: readModelSql(names.copies.b) };
  }

  async apply(batch: ReadModelBatch): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      // Shared until commit: the copy cannot be put out of use (endRebuild) while this writes.
      const state = await this.copyInUse.shared(client);
      let copy = state.in_use;
      if (batch.rebuildToken !== undefined) {
        refuseUnlessRebuildAllows(state.token, batch.rebuildToken);
        copy = otherCopy(copy);
      }
      const sql = this.copies[copy];
      await client.query(sql.ensureCheckpoint, [pgText(batch.checkpoint)]);
      const { rows } = await client.query<{ position: number }>(sql.lockCheckpoint, [pgText(batch.checkpoint)]);
      if (batch.position <= (rows[0]?.position ?? 0)) return false;
      const columns = batchColumns(batch.changes);
      if (columns.units) {
        await client.query(sql.upsertUnits, columns.units);
        await client.query(sql.moveUnitsPersonYears, [columns.units[0], columns.units[2]]);
      }
      if (columns.personYears) await client.query(sql.upsertPersonYears, columns.personYears);
      // Pending activities and registrations follow each snapshot exactly (diffed, see the SQL).
      if (columns.keys) await client.query(sql.deleteStalePending, [...columns.keys, ...keptKeys(columns.pending)]);
      if (columns.pending) await client.query(sql.upsertPending, columns.pending);
      if (columns.keys) await client.query(sql.deleteStaleRegistrations, [...columns.keys, ...keptKeys(columns.registrations)]);
      if (columns.registrations) await client.query(sql.upsertRegistrations, columns.registrations);
      const last = batch.lastEvent;
      await client.query(sql.setCheckpoint, [pgText(batch.checkpoint), batch.position, pgTextOrNull(last?.eventId ?? null), pgTextOrNull(last?.streamId ?? null), last?.revision ?? null, pgTextOrNull(batch.ruleSets ?? null)]);
      return true;
    });
  }

  async checkpoint(name: string): Promise<number> {
    const { rows } = await this.read((sql, client) => client.query<{ position: number }>(sql.checkpoint, [pgText(name)]));
    return rows[0]?.position ?? 0;
  }

  async checkpointRuleSets(name: string): Promise<string | null> {
    const { rows } = await this.read((sql, client) => client.query<{ rule_sets: string | null }>(sql.checkpointRuleSets, [pgText(name)]));
    return rows[0]?.rule_sets ?? null;
  }

  async checkpointEvent(name: string): Promise<(CheckpointEvent & { position: number }) | null> {
    const { rows } = await this.read((sql, client) =>
      client.query<{ position: number; event_id: string | null; stream_id: string | null; stream_revision: number | null }>(sql.checkpointEvent, [pgText(name)]),
    );
    return checkpointEventOf(rows[0]);
  }

  async beginRebuild(token: string): Promise<void> {
    await this.copyInUse.exclusively((client) => this.copyInUse.markBegun(client, token));
    try {
      // What the last rebuild's end left of the copy now out of use (it empties it too, unless it
      // was cut short or gave way), before this rebuild writes into it; a rebuild begun after this
      // one stops it. A lock held outside on that copy is waited out as exclusively() does.
      await this.copyInUse.givingWay(() => this.emptyOutOfUse((state) => state.token === token));
    } catch (error: unknown) {
      // A begin that failed must not leave the rebuild looking under way.
      await this.copyInUse.exclusively((client) => this.copyInUse.unmark(client, token)).catch(() => undefined);
      throw error;
    }
  }

  async endRebuild(token: string): Promise<void> {
    let built: ReadModelCopy | undefined;
    await this.copyInUse.exclusively(async (client, state) => {
      refuseUnlessRebuildAllows(state.token, token);
      built = otherCopy(state.in_use);
      const { rows: live } = await client.query<{ name: string; position: number }>(this.copies[state.in_use].checkpoints);
      const { rows: rebuilt } = await client.query<{ name: string; position: number }>(this.copies[built].checkpoints);
      for (const { name, position } of live) {
        if ((rebuilt.find((r) => r.name === name)?.position ?? 0) < position) throw new ReadModelsBehindError(name, position);
      }
      await this.copyInUse.markEnded(client, built, token);
    });
    // The copy just put out of use is emptied now rather than kept until the next rebuild; a
    // rebuild begun meanwhile stops this (its own begin empties the copy). The switch stands
    // whatever happens here, and a lock held outside on that copy is not waited out: what is left
    // is for the next begin.
    await this.emptyOutOfUse((state) => state.token === null && state.in_use === built).catch((error: unknown) => {
      process.emitWarning(`emptying the read-model copy put out of use stopped (${error instanceof Error ? error.message : String(error)}); the next rebuild empties the rest`, 'ReadModelCleanupWarning');
    });
  }

  /**
   * Empties the copy out of use in batches, each in a transaction of its own holding the copies'
   * lock shared, so that a rebuild's begin or end waits for one batch at most and readers and
   * writers of the copy in use never wait for it. No lock is waited for longer than the rebuild
   * lock wait: a session holding one on that copy (an index build) fails the batch with 55P03
   * instead of holding the copies' lock, and every begin and reader queued behind it, for as long.
   * Goes on while `still` holds for the state each batch finds, until a batch finds nothing left.
   */
  private async emptyOutOfUse(still: (state: CopiesState) => boolean): Promise<void> {
    for (let deleted = 1; deleted > 0; ) {
      deleted = 0;
      const going = await inTransaction(this.pool, async (client) => {
        await this.copyInUse.limitLockWaits(client);
        const state = await this.copyInUse.shared(client);
        if (!still(state)) return false;
        for (const statement of this.copies[otherCopy(state.in_use)].emptyBatch) deleted += (await client.query(statement, [EMPTY_BATCH_ROWS])).rowCount ?? 0;
        return true;
      });
      if (!going) return;
    }
  }

  async rebuildState(): Promise<RebuildState> {
    return this.copyInUse.rebuildState();
  }

  /** A read on the copy in use, in one transaction holding it in use (see ReadModelCopies.read). */
  private read<T>(query: (sql: ReadModelSql, client: PoolClient, copy: ReadModelCopy) => Promise<T>, settings?: string): Promise<T> {
    return this.copyInUse.read((client, state) => query(this.copies[state.in_use], client, state.in_use), settings);
  }

  async unitPending(unitId: string, page: PageRequest): Promise<Page<UnitPendingItem>> {
    // '' sorts before every timestamp: no cursor means from the start.
    const [afterAt, afterPosition] = page.cursor ? decodeUnitCursor(page.cursor) : ['', 0];
    const { rows } = await this.read((sql, client) => client.query<PendingRow>(sql.unitPending, [pgText(unitId), pgText(afterAt), afterPosition, page.limit + 1]));
    return paginate(rows, page.limit, (r) => unitCursor(r.declared_at, r.position), (r) => ({
      personId: r.person_id,
      year: r.year,
      activityId: r.activity_id,
      category: r.category,
      title: r.title,
      declaredAt: r.declared_at,
    }));
  }

  async authorityPending(scope: RegionScope, page: PageRequest): Promise<Page<AuthorityPendingItem>> {
    const [afterAt, afterPerson, afterYear] = page.cursor ? decodeAuthorityCursor(page.cursor) : ['', '', 0];
    const after = [pgText(afterAt), pgText(afterPerson), afterYear, page.limit + 1];
    const [from, to] = regionBounds(scope.region);
    const city = cityOf(scope.region);
    const industry = industryOf(scope);
    const { rows } = await this.read(({ authorityPending: by }, client) => {
      if (from === to) return industry === null ? client.query<ConfirmedRow>(by.county, [from, ...after]) : client.query<ConfirmedRow>(by.countyField, [from, industry, ...after]);
      if (city !== null) return industry === null ? client.query<ConfirmedRow>(by.city, [city, ...after]) : client.query<ConfirmedRow>(by.cityField, [city, industry, ...after]);
      // A range (the province, another province's code) is estimated well: all of it, or next to nothing.
      return industry === null ? client.query<ConfirmedRow>(by.range, [from, to, ...after]) : client.query<ConfirmedRow>(by.rangeField, [from, to, industry, ...after]);
    }, from === to || city !== null ? WALK_THE_SCOPE_INDEX : undefined);
    return paginate(rows, page.limit, (r) => authorityCursor(r.confirmed_at, r.person_id, r.year), (r) => ({
      personId: r.person_id,
      year: r.year,
      unitId: r.unit_id,
      confirmedAt: r.confirmed_at,
    }));
  }

  async complianceReport(year: number, scope: ReportScope): Promise<ComplianceCounts> {
    // Stored years are integers: any other year matches nothing (and could not be bound as one).
    if (!Number.isSafeInteger(year)) return { ...NO_COUNTS };
    const { rows } = await this.read((sql, client) =>
      'unitId' in scope
        ? client.query<CountsRow>(sql.reportByUnit, [pgText(scope.unitId), year, industryOf(scope)])
        : client.query<CountsRow>(sql.reportByRegion, [year, ...regionBounds(scope.region), industryOf(scope)]),
    );
    // An aggregate without GROUP BY always answers one row.
    const row = rows[0]!;
    return {
      personYears: row.person_years,
      compliant: row.compliant,
      nonCompliant: row.non_compliant,
      voided: row.voided,
      finalized: row.finalized,
      promotionDelays: row.promotion_delays,
    };
  }

  async institutionHolders(institutionId: string, year: number, courses: readonly string[] | null, upTo: number | null = null): Promise<PersonYearRef[]> {
    if (!Number.isSafeInteger(year)) return [];
    const values = [pgText(institutionId), year, courses === null ? null : courses.map(pgText), upTo];
    const { rows } = await this.read((sql, client) => client.query<PersonYearKeyRow>(sql.institutionHolders, values));
    return rows.map((r) => ({ personId: r.person_id, year: r.year }));
  }

  async promotionDelayCandidates(today: string, limit: number, after: PromotionDelayCandidate | null = null): Promise<PromotionDelayCandidate[]> {
    // SQLite reads a negative LIMIT as none at all; PostgreSQL refuses one, and takes NULL as none.
    const page = [pgText(today), limit < 0 ? null : limit];
    const { rows } = await this.read((sql, client) =>
      after === null
        ? client.query<PersonYearKeyRow & { delay_due_after: string }>(sql.promotionDelayCandidates, page)
        : client.query<PersonYearKeyRow & { delay_due_after: string }>(sql.promotionDelayCandidatesAfter, [...page, pgText(after.delayDueAfter), pgText(after.personId), after.year]),
    );
    return rows.map((r) => ({ personId: r.person_id, year: r.year, delayDueAfter: r.delay_due_after }));
  }

  /**
   * Every row of every table of the copy in use, in key order, as SQLite's dump shows it (booleans
   * as 0 and 1), so a rebuild can be compared with the live rows and either adapter's with the other's.
   */
  /** Every row of the copy in use (or of the other copy), for tests and parity checks. */
  async dump(which: 'in-use' | 'out-of-use' = 'in-use'): Promise<Record<ReadModelTable, unknown[]>> {
    return this.read(async (_, client, inUse) => {
      const copy = this.names.copies[which === 'in-use' ? inUse : otherCopy(inUse)];
      const dump = {} as Record<ReadModelTable, unknown[]>;
      for (const table of READ_MODEL_TABLES) {
        const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM ${copy}.${table} ORDER BY ${PRIMARY_KEYS[table]}`);
        dump[table] = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v])));
      }
      return dump;
    });
  }

  /** Answers, and holds the schema this process opened (health: read models migrated by newer code are down). */
  async ping(): Promise<void> {
    await this.copyInUse.checkSchema();
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

/** The (person_id, year, activity_id) columns of the rows a batch keeps; empty arrays for none. */
function keptKeys(rows: unknown[] | null): unknown[] {
  return rows === null ? [[], [], []] : rows.slice(0, 3);
}

/**
 * A county's or a city's inbox reads its scope's index in order (as SQLite's INDEXED BY): the
 * planner, which multiplies the selectivities of the state, the scope and the cursor's row
 * comparison as if independent, expects a few dozen rows where a city holds thousands, and would
 * fetch and sort every confirmed year of the scope for one page (≈ 3–9 ms for a city among 200,000
 * person-years, growing with it, against ≈ 0.8 ms walking the index). For this transaction only.
 */
const WALK_THE_SCOPE_INDEX = 'SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off';

function industryOf(scope: { industry?: string }): string | null {
  return scope.industry === undefined ? null : pgText(scope.industry);
}

function regionBounds(region: string): [string, string] {
  const { from, to } = regionRange(region);
  return [pgText(from), pgText(to)];
}

/**
 * Opens a pool and migrates the schema (idempotent; concurrent openers queue on an advisory lock).
 * Fails, with the pool closed, when PostgreSQL cannot be reached or the schema is newer than this code.
 */
export async function openPostgresReadModelStore(options: PostgresReadModelOptions): Promise<PostgresReadModelStore> {
  const names = readModelSchemaNames(options.schema ?? 'read_models');
  const lockWaitMs = options.rebuildLockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  // lock_timeout 0 would mean no limit: the one thing the setting is there to prevent.
  if (!Number.isSafeInteger(lockWaitMs) || lockWaitMs < 1) throw new RangeError(`rebuildLockWaitMs must be a whole number of ms ≥ 1, got ${lockWaitMs}`);
  const config: PoolConfig = {
    // A writer frozen mid-page would hold the checkpoint row: let the server end that session
    // rather than stall every other runner behind it.
    idle_in_transaction_session_timeout: 30_000,
    // A server that does not answer (a network black hole) fails a new connection after 10 s —
    // a 503 — instead of holding the request for as long as the operating system waits.
    connectionTimeoutMillis: 10_000,
    ...queryTimeouts(options.queryTimeoutMs),
    ...options.pool,
    connectionString: options.connectionString,
    types: readModelPoolTypes,
  };
  const pool = new Pool(config);
  // An idle client losing its connection is emitted on the pool; unhandled, it would crash the process.
  pool.on('error', (error) => process.emitWarning(`idle connection lost: ${error.message}`, 'ReadModelPoolError'));
  try {
    await withMigrationConnection(config, (client) => migrateReadModelSchema(client, names, options.migrationLockWaitMs === undefined ? {} : { lockWaitMs: options.migrationLockWaitMs }));
  } catch (error: unknown) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the PostgreSQL read models (schema ${names.schema}): ${reason}`, { cause: error });
  }
  return new PostgresReadModelStore(pool, names, lockWaitMs);
}
