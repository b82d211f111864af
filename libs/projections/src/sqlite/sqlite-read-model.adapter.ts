/**
 * The embedded read models: better-sqlite3 in WAL mode, in a database file of their own (beside,
 * never inside, the event store's). It holds two copies of the tables: readers and live projections
 * use one while a rebuild builds the other, which is then put in use in one transaction.
 */
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { makePrivateFolder, openSqliteFile } from '@jx/sqlite';
import { decodeCursor, encodeCursor } from '../cursor';
import type {
  AuthorityPendingItem,
  CheckpointEvent,
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
import { ReadModelsBehindError, checkpointEventOf, otherCopy, refuseUnlessRebuildAllows, refuseUnlessSchemaIs, type ReadModelCopy } from '../read-model.port';
import { PROVINCE } from '@jx/domain';
import { cityOf, regionRange } from '../region-scope';
import { PRIMARY_KEYS, READ_MODEL_SCHEMA_VERSION, READ_MODEL_TABLES, copyTable, migrateReadModels, type ReadModelTable } from './sqlite-read-model.schema';
import { prepareCopyStatements, prepareStateStatements, type CopyStatements, type StateStatements } from './sqlite-read-model.statements';
import { writePersonYear } from './sqlite-person-year.writer';

export interface SqliteReadModelOptions {
  /** e.g. `${DATA_DIR}/readmodels.sqlite`; `:memory:` for a throw-away store. */
  file: string;
  /** How long a write waits for another connection's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

const UNIT_PENDING = 'unit-pending';
const AUTHORITY_PENDING = 'authority-pending';

export class SqliteReadModelStore implements ReadModelStore {
  private readonly db: Database.Database;
  private readonly state: StateStatements;
  /** The two copies of the read models (schema v3): one in use, the other a rebuild's. */
  private readonly copies: Record<ReadModelCopy, CopyStatements>;
  private readonly applyTx;
  private readonly beginRebuildTx;
  private readonly endRebuildTx;
  /** A read transaction: in WAL mode its statements all see one snapshot of the file. */
  private readonly snapshotTx;

  constructor(options: SqliteReadModelOptions) {
    // NORMAL is enough: a lost last commit loses rows and checkpoint together, and is re-projected.
    this.db = openSqliteFile(options.file, { synchronous: 'NORMAL', ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }) });
    migrateReadModels(this.db);
    this.state = prepareStateStatements(this.db);
    this.copies = { a: prepareCopyStatements(this.db, 'a'), b: prepareCopyStatements(this.db, 'b') };
    this.applyTx = this.db.transaction((batch: ReadModelBatch): boolean => {
      const state = this.stateRow();
      let copy = state.in_use;
      if (batch.rebuildToken !== undefined) {
        refuseUnlessRebuildAllows(state.token, batch.rebuildToken);
        copy = otherCopy(copy);
      }
      const stmt = this.copies[copy];
      if (batch.position <= (stmt.checkpoint.get(batch.checkpoint) ?? 0)) return false;
      for (const change of batch.changes) {
        if (change.kind === 'unit') {
          stmt.upsertUnit.run(change.unit);
          stmt.moveUnitPersonYears.run(change.unit);
        }
        else writePersonYear(stmt, change.snapshot, change.previous);
      }
      const last = batch.lastEvent;
      stmt.setCheckpoint.run(batch.checkpoint, batch.position, last?.eventId ?? null, last?.streamId ?? null, last?.revision ?? null, batch.ruleSets ?? null);
      return true;
    });
    this.snapshotTx = this.db.transaction((query: (copy: CopyStatements, inUse: ReadModelCopy) => unknown) => {
      const inUse = this.stateRow().in_use;
      return query(this.copies[inUse], inUse);
    });
    this.beginRebuildTx = this.db.transaction((token: string) => {
      const state = this.stateRow();
      this.state.beginRebuild.run(token, new Date().toISOString());
      for (const emptyTable of this.copies[otherCopy(state.in_use)].empty) emptyTable.run();
    });
    this.endRebuildTx = this.db.transaction((token: string) => {
      const state = this.stateRow();
      refuseUnlessRebuildAllows(state.token, token);
      const built = otherCopy(state.in_use);
      for (const { name, position } of this.copies[state.in_use].checkpoints.all()) {
        if ((this.copies[built].checkpoint.get(name) ?? 0) < position) throw new ReadModelsBehindError(name, position);
      }
      this.state.endRebuild.run(built, token);
      // The copy just put out of use is emptied at once (readers in flight keep their snapshot).
      for (const emptyTable of this.copies[state.in_use].empty) emptyTable.run();
    });
  }

  /**
   * The copies' state, its one row (schema v3 inserts it), read first in every transaction: it
   * refuses read models that newer code migrated since this process opened them.
   */
  private stateRow() {
    const row = this.state.rebuildState.get()!;
    refuseUnlessSchemaIs(row.schema_version, READ_MODEL_SCHEMA_VERSION);
    return row;
  }

  /**
   * Runs a read on the copy in use within one snapshot: another process's rebuild can neither put
   * that copy out of use nor empty it between choosing it and reading it.
   */
  private read<T>(query: (copy: CopyStatements, inUse: ReadModelCopy) => T): T {
    return this.snapshotTx(query) as T;
  }

  async apply(batch: ReadModelBatch): Promise<boolean> {
    // IMMEDIATE: take the write lock before reading the copy in use and its checkpoint, so the
    // checks and the writes see the same state even with another process writing.
    return this.applyTx.immediate(batch);
  }

  async checkpoint(name: string): Promise<number> {
    return this.read((copy) => copy.checkpoint.get(name)) ?? 0;
  }

  async checkpointEvent(name: string): Promise<(CheckpointEvent & { position: number }) | null> {
    const row = this.read((copy) => copy.checkpointEvent.get(name));
    return checkpointEventOf(row);
  }

  async checkpointRuleSets(name: string): Promise<string | null> {
    return this.read((copy) => copy.checkpointRuleSets.get(name)) ?? null;
  }

  async beginRebuild(token: string): Promise<void> {
    this.beginRebuildTx.immediate(token);
  }

  async endRebuild(token: string): Promise<void> {
    this.endRebuildTx.immediate(token);
  }

  async rebuildState(): Promise<RebuildState> {
    const row = this.stateRow();
    return { generation: row.generation, rebuildingSince: row.started_at };
  }

  async unitPending(unitId: string, page: PageRequest): Promise<Page<UnitPendingItem>> {
    // '' sorts before every timestamp: no cursor means from the start.
    const [afterAt, afterPosition] = (page.cursor ? decodeCursor(UNIT_PENDING, page.cursor, ['instant', 'position']) : ['', 0]) as [string, number];
    const rows = this.read((copy) => copy.unitPending.all({ unitId, afterAt, afterPosition, limit: page.limit + 1 }));
    return paginate(rows, page.limit, (r) => encodeCursor(UNIT_PENDING, [r.declared_at, r.position]), (r) => ({
      personId: r.person_id,
      year: r.year,
      activityId: r.activity_id,
      category: r.category,
      title: r.title,
      declaredAt: r.declared_at,
    }));
  }

  async authorityPending(scope: RegionScope, page: PageRequest): Promise<Page<AuthorityPendingItem>> {
    const [afterAt, afterPerson, afterYear] = (page.cursor
      ? decodeCursor(AUTHORITY_PENDING, page.cursor, ['instant', 'id', 'year'])
      : ['', '', 0]) as [string, string, number];
    const after = { afterAt, afterPerson, afterYear, limit: page.limit + 1 };
    const { from, to } = regionRange(scope.region);
    const city = cityOf(scope.region);
    const { industry } = scope;
    const rows = this.read(({ authorityPending: by }) => {
      if (from === to) return industry === undefined ? by.county.all({ region: from, ...after }) : by.countyField.all({ region: from, industry, ...after });
      if (city !== null) return industry === undefined ? by.city.all({ city, ...after }) : by.cityField.all({ city, industry, ...after });
      if (scope.region !== PROVINCE) return industry === undefined ? by.rangeByRegion.all({ from, to, ...after }) : by.rangeByRegionField.all({ from, to, industry, ...after });
      return industry === undefined ? by.range.all({ from, to, ...after }) : by.rangeField.all({ from, to, industry, ...after });
    });
    return paginate(rows, page.limit, (r) => encodeCursor(AUTHORITY_PENDING, [r.confirmed_at, r.person_id, r.year]), (r) => ({
      personId: r.person_id,
      year: r.year,
      unitId: r.unit_id,
      confirmedAt: r.confirmed_at,
    }));
  }

  async complianceReport(year: number, scope: ReportScope): Promise<ComplianceCounts> {
    const row = this.read((copy) =>
      'unitId' in scope
        ? copy.reportByUnit.get({ year, unitId: scope.unitId, industry: scope.industry ?? null })
        : copy.reportByRegion.get({ year, ...regionRange(scope.region), industry: scope.industry ?? null }),
    );
    // An aggregate always answers one row; SUM over nothing is NULL.
    return {
      personYears: row?.person_years ?? 0,
      compliant: row?.compliant ?? 0,
      nonCompliant: row?.non_compliant ?? 0,
      voided: row?.voided ?? 0,
      finalized: row?.finalized ?? 0,
      promotionDelays: row?.promotion_delays ?? 0,
    };
  }

  async institutionHolders(institutionId: string, year: number, courses: readonly string[] | null, upTo: number | null = null): Promise<PersonYearRef[]> {
    const rows = this.read((copy) => copy.institutionHolders.all({ institutionId, year, courses: courses === null ? null : JSON.stringify(courses), upTo }));
    return rows.map((r) => ({ personId: r.person_id, year: r.year }));
  }

  async promotionDelayCandidates(today: string, limit: number, after: PromotionDelayCandidate | null = null): Promise<PromotionDelayCandidate[]> {
    const rows = this.read((copy) =>
      after === null
        ? copy.promotionDelayCandidates.all({ today, limit })
        : copy.promotionDelayCandidatesAfter.all({ today, limit, due: after.delayDueAfter, personId: after.personId, year: after.year }),
    );
    return rows.map((r) => ({ personId: r.person_id, year: r.year, delayDueAfter: r.delay_due_after }));
  }

  /** Every row of every table of the copy in use, in key order: what a rebuild must reproduce exactly (tests, diagnosis). */
  /** Every row of the copy in use (or of the other copy), for tests and parity checks. */
  dump(which: 'in-use' | 'out-of-use' = 'in-use'): Record<ReadModelTable, unknown[]> {
    return this.read((_, inUse) => {
      const copy = which === 'in-use' ? inUse : otherCopy(inUse);
      const dump = {} as Record<ReadModelTable, unknown[]>;
      for (const table of READ_MODEL_TABLES) dump[table] = this.db.prepare(`SELECT * FROM ${copyTable(copy, table)} ORDER BY ${PRIMARY_KEYS[table]}`).all();
      return dump;
    });
  }

  /** Answers, and holds the schema this process opened (health: read models migrated by newer code are down). */
  async ping(): Promise<void> {
    this.stateRow();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function paginate<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string, toItem: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(toItem), nextCursor: more && last !== undefined ? cursorOf(last) : null };
}

/** Opens (creating its directory and schema if needed) the embedded read-model store. */
export function openSqliteReadModelStore(options: SqliteReadModelOptions): SqliteReadModelStore {
  if (options.file !== ':memory:') makePrivateFolder(dirname(options.file));
  return new SqliteReadModelStore(options);
}
