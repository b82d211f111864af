import { escapeIdentifier } from 'pg';
import { openPostgresEventStore } from '@jx/event-store';
import { READ_MODELS_CHECKPOINT } from '../projector';
import { SHIPPED_RULES_FINGERPRINT } from '../rules-fingerprint';
import { InvalidCursorError, type PersonYearRow, type ReadModelBatch, type ReadModelChange } from '../read-model.port';
import { at } from '../testing/projection-fixtures';
import { DATABASE_URL, PostgresTestSchemas, eventually } from '../testing/postgres-test-schemas';
import { describeReadModelContract, type ReadModelDump } from '../testing/read-model.contract';
import { openPostgresReadModelStore } from './postgres-read-model.adapter';
import { POSTGRES_READ_MODEL_SCHEMA_VERSION, readModelSchemaNames } from './postgres-read-model.schema';

const pg = new PostgresTestSchemas();
beforeAll(() => pg.setUp());
afterAll(() => pg.tearDown());

describeReadModelContract('postgres', pg.factory());

const batch = (position: number, changes: ReadModelChange[]): ReadModelBatch => ({ checkpoint: READ_MODELS_CHECKPOINT, position, changes });
const unit = (unitId: string, name = unitId): ReadModelChange => ({ kind: 'unit', unit: { unitId, name, region: '360102', industry: 'general' } });

function declared(personId: string, activities: Array<{ activityId: string; title?: string; position: number }>, unitId = 'u1'): ReadModelChange {
  return {
    kind: 'personYear',
    snapshot: {
      personYear: {
        personId, year: 2024, unitId, field: 'general', status: 'open', compliant: false, finalized: false,
        promotionDelay: false, confirmedAt: null, delayDueAfter: '2025-12-31', revision: activities.length,
      },
      pending: activities.map((a) => ({ activityId: a.activityId, category: '8.1', title: a.title ?? 't', declaredAt: at(1), position: a.position })),
      registrations: [],
    },
  };
}

function withRow(change: ReadModelChange, row: Partial<PersonYearRow>): ReadModelChange {
  if (change.kind !== 'personYear') return change;
  return { ...change, snapshot: { ...change.snapshot, personYear: { ...change.snapshot.personYear, ...row } } };
}

describe('PostgresReadModelStore schema', () => {
  it('migrates a new schema once when several processes open it at the same moment', async () => {
    const schema = pg.schema();
    const [a, ...others] = await Promise.all([1, 2, 3, 4].map(() => pg.open({ schema })));
    await a!.apply(batch(1, [unit('u1')]));
    for (const store of others) expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(1);
    const { rows } = await pg.sql(`SELECT version FROM ${pg.table(schema, 'read_model_migrations')}`);
    // Each version applied once, in order, up to this code's.
    expect(rows).toEqual(Array.from({ length: POSTGRES_READ_MODEL_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
  });

  it('waits, migrating to version 4, for the older code\'s writes in flight, and fences that code out after', async () => {
    const schema = pg.schema();
    const first = await pg.open({ schema });
    await first.apply(batch(1, [unit('u1'), declared('p1', [])]));
    await first.close();
    // Back to v3, and a v3 writer mid-page: it holds the copies' lock shared and has written a row.
    for (const copy of [schema, `${schema}_b`]) {
      await pg.sql(`ALTER TABLE ${pg.table(copy, 'checkpoints')} DROP COLUMN rule_sets, DROP COLUMN event_id, DROP COLUMN stream_id, DROP COLUMN stream_revision`);
      await pg.sql(`ALTER TABLE ${pg.table(copy, 'institution_registrations')} DROP COLUMN position`);
      await pg.sql(`ALTER TABLE ${pg.table(copy, 'person_years')} DROP COLUMN region`);
      await pg.sql(`DROP INDEX ${pg.table(copy, 'person_years_awaiting_in_field')}`);
      await pg.sql(`DROP TABLE ${pg.table(copy, 'compliance_counts')}`);
    }
    await pg.sql(`ALTER TABLE ${pg.table(schema, 'read_model_state')} DROP COLUMN schema_version`);
    await pg.sql(`ALTER TABLE ${pg.table(schema, 'read_model_state')} RENAME TO rebuild_state`);
    await pg.sql(`DELETE FROM ${pg.table(schema, 'read_model_migrations')} WHERE version > 3`);
    const older = await pg.session();
    const names = readModelSchemaNames(schema);
    try {
      await older.query('BEGIN');
      await older.query(`SELECT pg_advisory_xact_lock_shared(${names.copiesLockKey}::int8)`);
      await older.query(
        `INSERT INTO ${pg.table(schema, 'person_years')} (person_id, year, unit_id, field, status, compliant, finalized, promotion_delay, confirmed_at, delay_due_after, revision)
         VALUES ('p2', 2024, 'u1', 'general', 'open', false, false, false, NULL, NULL, 0)`,
      );
      let opened = false;
      // Each try waits 100 ms for the writer, then gives way (the sessions queued behind it go on): heard at the call.
      let gaveWay!: () => void;
      const firstGiveWay = new Promise<void>((resolve) => (gaveWay = resolve));
      const warned = jest.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => {
        if (String(warning).includes('migration step 4 waited 100 ms for a lock')) gaveWay();
      });
      const opening = pg.open({ schema, migrationLockWaitMs: 100 }).then((store) => ((opened = true), store));
      const olderPid = (await older.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const blocked = async () => (await pg.sql<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [olderPid])).rows[0]!.n > 0;
      await eventually(blocked, 'the migration to wait for the older writer');
      await firstGiveWay;
      warned.mockRestore();
      expect(opened).toBe(false);
      await older.query('COMMIT');
      const again = await opening;
      // The row the older writer committed is counted (the backfill ran after it)...
      expect(await again.complianceReport(2024, { unitId: 'u1' })).toMatchObject({ personYears: 2, nonCompliant: 2 });
      // ...and the older code's next transaction fails at its first statement instead of writing beside the counts.
      await expect(older.query(`SELECT token, started_at, generation, in_use FROM ${pg.table(schema, 'rebuild_state')} WHERE singleton = 1`)).rejects.toThrow(/does not exist/);
      await again.close();
    } finally {
      await older.query('ROLLBACK').catch(() => undefined);
    }
  }, 20_000);

  it('refuses every read and write once newer code has migrated the read models past its version', async () => {
    const schema = pg.schema();
    const store = await pg.open({ schema });
    await store.apply(batch(1, [unit('u1')]));
    await pg.sql(`UPDATE ${pg.table(schema, 'read_model_state')} SET schema_version = schema_version + 1`);
    const migrated = { name: 'ReadModelsMigratedError', stored: POSTGRES_READ_MODEL_SCHEMA_VERSION + 1, own: POSTGRES_READ_MODEL_SCHEMA_VERSION };
    await expect(store.apply(batch(2, [unit('u2')]))).rejects.toMatchObject(migrated);
    await expect(store.complianceReport(2024, { region: '360000' })).rejects.toMatchObject(migrated);
    await expect(store.authorityPending({ region: '360000' }, { limit: 10 })).rejects.toMatchObject(migrated);
    // Health reports the read models down (API.md, Health: they are reported beside the stores).
    await expect(store.ping()).rejects.toMatchObject(migrated);
    expect((await pg.sql(`SELECT unit_id FROM ${pg.table(schema, 'units')}`)).rows).toEqual([{ unit_id: 'u1' }]);
  });

  it('stops the projection, loudly, at counts that no longer add up, instead of dropping them', async () => {
    const schema = pg.schema();
    const store = await pg.open({ schema });
    await store.apply(batch(1, [unit('u1'), declared('p1', [])]));
    // A row written beside the counts (what an older process would have done).
    await pg.sql(
      `INSERT INTO ${pg.table(schema, 'person_years')} (person_id, year, unit_id, field, status, compliant, finalized, promotion_delay, confirmed_at, delay_due_after, revision)
       VALUES ('p2', 2024, 'u1', 'general', 'open', false, false, false, NULL, NULL, 0)`,
    );
    // p1 voided and p2 moved to another field: the key's count of person-years falls to 0, its others do not.
    const page = batch(2, [withRow(declared('p1', []), { status: 'voided' }), withRow(declared('p2', []), { field: 'health' })]);
    await expect(store.apply(page)).rejects.toMatchObject({ code: '23514' }); // check_violation
    expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(1);
    // Nor can counts be stored that do not add up, none below 0 (a defect in what a change adds, or a hand).
    for (const wrong of ['compliant = 1', 'finalized = 2', 'promotion_delays = 2', 'person_years = 2']) {
      await expect(pg.sql(`UPDATE ${pg.table(schema, 'compliance_counts')} SET ${wrong} WHERE unit_id = 'u1'`)).rejects.toMatchObject({ code: '23514' });
    }
  });

  it('reopens an existing schema without touching its rows', async () => {
    const schema = pg.schema();
    const first = await pg.open({ schema });
    await first.apply(batch(3, [unit('u1'), declared('p1', [{ activityId: 'a1', position: 2 }])]));
    const dump = await first.dump();
    await first.close();
    const again = await pg.open({ schema });
    expect(await again.dump()).toEqual(dump);
  });

  it.each([
    ['a version-2 schema that was never rebuilt (no state row)', 2, null, false],
    ['a version-2 schema that was rebuilt four times', 2, 4, false],
    ['a version-3 schema in the middle of a rebuild', 3, 0, false],
    ['a version-4 schema in the middle of a rebuild', 4, 0, false],
    ['a version-5 schema in the middle of a rebuild', 5, 0, false],
    ['a version-5 schema as a build between v4 and v6 left it (the copies\' state renamed already)', 5, 0, true],
    ['a version-6 schema in the middle of a rebuild', 6, 0, true],
    ['a version-7 schema in the middle of a rebuild', 7, 0, true],
    ['a version-8 schema in the middle of a rebuild', 8, 0, true],
  ])('migrates %s in place: its rows stay in use, its compliance counts are added up from them, its person-years take their units\' regions, and a rebuild then builds the second copy', async (_, version, generation, fencedBuild) => {
    const schema = pg.schema();
    const first = await pg.open({ schema });
    await first.apply({
      ...batch(3, [
        unit('u1'), declared('p1', [{ activityId: 'a1', position: 2 }]),
        withRow(declared('p2', []), { status: 'finalized', compliant: true, finalized: true }),
        withRow(declared('p3', []), { status: 'voided', promotionDelay: true }),
      ]),
      lastEvent: { eventId: 'e3', streamId: 'creditYear-p3+2024', revision: 0 },
    });
    const report = await first.complianceReport(2024, { unitId: 'u1' });
    expect(report).toEqual({ personYears: 3, compliant: 1, nonCompliant: 1, voided: 1, finalized: 1, promotionDelays: 1 });
    const { compliance_counts: counts, person_years: personYears } = await first.dump();
    expect(personYears).toEqual([1, 2, 3].map(() => expect.objectContaining({ region: '360102' })));
    let outOfUse: ReadModelDump | undefined;
    if (version >= 3) {
      // Mid-rebuild: the other copy holds rows of its own, its unit in another region.
      await first.beginRebuild('r0');
      const moved: ReadModelChange = { kind: 'unit', unit: { unitId: 'u1', name: 'u1', region: '360402', industry: 'general' } };
      await first.apply({ ...batch(3, [moved, withRow(declared('q1', []), { status: 'voided' }), declared('q2', [])]), rebuildToken: 'r0' });
      outOfUse = await first.dump('out-of-use');
      expect(outOfUse.compliance_counts).toEqual([expect.objectContaining({ person_years: 2, voided: 1, non_compliant: 1 })]);
      expect(outOfUse.person_years).toEqual([1, 2].map(() => expect.objectContaining({ region: '360402' })));
    }
    await first.close();
    // Back to v5: the copies' state under its old name, without the schema version; back to v4:
    // no person-year regions (the indexes on them go with the column) nor the inbox's index by
    // field; back to v3: no compliance counts.
    for (const copy of [schema, `${schema}_b`]) {
      // Back to v8: checkpoints without the rule sets their copy was derived under.
      await pg.sql(`ALTER TABLE ${pg.table(copy, 'checkpoints')} DROP COLUMN rule_sets`);
      // Back to v7: checkpoints without their event.
      if (version < 8) await pg.sql(`ALTER TABLE ${pg.table(copy, 'checkpoints')} DROP COLUMN event_id, DROP COLUMN stream_id, DROP COLUMN stream_revision`);
      // Back to v6: registrations without their position.
      if (version < 7) await pg.sql(`ALTER TABLE ${pg.table(copy, 'institution_registrations')} DROP COLUMN position`);
      if (version < 5) {
        await pg.sql(`ALTER TABLE ${pg.table(copy, 'person_years')} DROP COLUMN region`);
        await pg.sql(`DROP INDEX ${pg.table(copy, 'person_years_awaiting_in_field')}`);
      }
      if (version < 4) await pg.sql(`DROP TABLE ${pg.table(copy, 'compliance_counts')}`);
    }
    if (fencedBuild) await pg.sql(`UPDATE ${pg.table(schema, 'read_model_state')} SET schema_version = $1`, [version]);
    else {
      await pg.sql(`ALTER TABLE ${pg.table(schema, 'read_model_state')} DROP COLUMN schema_version`);
      await pg.sql(`ALTER TABLE ${pg.table(schema, 'read_model_state')} RENAME TO rebuild_state`);
    }
    await pg.sql(`DELETE FROM ${pg.table(schema, 'read_model_migrations')} WHERE version > $1`, [version]);
    if (version === 2) {
      // Back to v2: one copy, and the rebuild state without `in_use` (its row made by the first rebuild).
      await pg.sql(`DROP SCHEMA ${escapeIdentifier(`${schema}_b`)} CASCADE`);
      await pg.sql(`ALTER TABLE ${pg.table(schema, 'rebuild_state')} DROP COLUMN in_use`);
      if (generation === null) await pg.sql(`DELETE FROM ${pg.table(schema, 'rebuild_state')}`);
      else await pg.sql(`UPDATE ${pg.table(schema, 'rebuild_state')} SET generation = $1`, [generation]);
    }

    const again = await pg.open({ schema });
    expect(await again.checkpoint(READ_MODELS_CHECKPOINT)).toBe(3);
    // A checkpoint moved before v8 keeps no event (nothing to check it against) until its next batch.
    const e3 = { position: 3, eventId: 'e3', streamId: 'creditYear-p3+2024', revision: 0 };
    expect(await again.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual(version < 8 ? null : e3);
    // One moved before v9 was derived under the rule sets shipped then, the only ones there were.
    expect(await again.checkpointRuleSets(READ_MODELS_CHECKPOINT)).toBe(SHIPPED_RULES_FINGERPRINT);
    expect(await again.rebuildState()).toEqual(version >= 3 ? { generation: 1, rebuildingSince: expect.any(String) } : { generation: generation ?? 0, rebuildingSince: null });
    if (outOfUse !== undefined) expect(await again.dump('out-of-use')).toEqual({ ...outOfUse, checkpoints: outOfUse.checkpoints.map((row) => ({ ...(row as object), rule_sets: SHIPPED_RULES_FINGERPRINT })) });
    expect((await again.dump()).units).toEqual([expect.objectContaining({ unit_id: 'u1' })]);
    expect((await again.dump()).compliance_counts).toEqual(counts);
    expect((await again.dump()).person_years).toEqual(personYears);
    expect(await again.complianceReport(2024, { unitId: 'u1' })).toEqual(report);
    await again.beginRebuild('t');
    const live = { eventId: 'e4', streamId: 'unit-u-live', revision: 0 };
    await expect(again.apply({ ...batch(4, [unit('u-live')]), lastEvent: live })).resolves.toBe(true);
    expect(await again.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual({ position: 4, ...live });
    await again.apply({ ...batch(4, [unit('u-rebuilt')]), rebuildToken: 't' });
    await again.endRebuild('t');
    expect((await again.dump()).units).toEqual([expect.objectContaining({ unit_id: 'u-rebuilt' })]);
  });

  it('a live page and the end of a rebuild never cross: the page waits for the rebuilt copy to be put in use, or it to catch up', async () => {
    const store = await pg.open();
    await store.apply(batch(1, [unit('u1')]));
    await store.beginRebuild('t');
    await store.apply({ ...batch(1, [unit('u1')]), rebuildToken: 't' });
    // Another session holds the rebuild state as endRebuild does while it compares.
    const other = await pg.session();
    const holder = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await other.query('BEGIN');
    try {
      await other.query(`SELECT pg_advisory_xact_lock(${store.names.copiesLockKey}::int8)`);
      let applied = false;
      const live = store.apply(batch(2, [unit('u-live')])).then((r) => (applied = r));
      const blocked = async () => (await pg.sql<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [holder])).rows[0]!.n > 0;
      await eventually(blocked, 'the live page to wait for the rebuild state');
      expect(applied).toBe(false);
      await other.query('COMMIT');
      await live;
      expect(applied).toBe(true);
    } finally {
      await other.query('ROLLBACK');
    }
    // Now ahead of the rebuild: it must catch up before its copy is put in use.
    await expect(store.endRebuild('t')).rejects.toMatchObject({ name: 'ReadModelsBehindError', position: 2 });
  }, 20_000);

  it('a rebuild waits for a reader in flight (it cannot swap or empty a copy under it) and is not starved by readers that come after it', async () => {
    // Its try lasts the whole test, so the later read is seen queueing behind it, not slipping in a gap.
    const store = await pg.open({ rebuildLockWaitMs: 60_000 });
    await store.apply(batch(2, [unit('u1'), declared('p1', [{ activityId: 'a1', position: 2 }])]));
    await store.beginRebuild('t1');
    await store.apply({ ...batch(2, [unit('u1'), declared('p1', [{ activityId: 'a1', position: 2 }])]), rebuildToken: 't1' });
    await store.endRebuild('t1'); // copy b in use; copy a, out of use, still holds its rows
    // A reader in flight (another session holding the state shared, as a read does).
    const reader = await pg.session();
    const readerPid = (await reader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await reader.query(`BEGIN; SELECT pg_advisory_xact_lock_shared(${store.names.copiesLockKey}::int8)`);
    try {
      const begun = store.beginRebuild('t2'); // empties copy a: must wait for the reader
      const waiting = async () => (await pg.sql<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [readerPid])).rows[0]!.n > 0;
      await eventually(waiting, 'the rebuild to wait for the reader');
      // A later read queues behind the waiting rebuild instead of overtaking it.
      let readDone = false;
      const later = store.unitPending('u1', { limit: 10 }).then((page) => ((readDone = true), page));
      const queued = async () =>
        (await pg.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position($1 IN query) > 0`, [store.names.copiesLockKey])).rows[0]!.n >= 2;
      await eventually(queued, 'the later read to queue behind the rebuild');
      expect(readDone).toBe(false);
      await reader.query('COMMIT');
      await begun;
      expect((await later).items.map((i) => i.activityId)).toEqual(['a1']);
    } finally {
      await reader.query('ROLLBACK');
    }
  }, 20_000);

  it('empties the copy a rebuild put out of use at its end, MVCC-safe: a snapshot taken before (a pg_dump) still sees the rows, and holds nothing up', async () => {
    const store = await pg.open();
    await store.apply(batch(1, [unit('u1'), declared('p1', [{ activityId: 'a1', position: 1 }])]));
    await store.beginRebuild('t');
    await store.apply({ ...batch(1, [unit('u1'), declared('p1', [{ activityId: 'a1', position: 1 }])]), rebuildToken: 't' });
    const copyA = escapeIdentifier(store.names.schema);
    // A dump under way: its snapshot predates the switch, and it has read the copy in use so far.
    const dump = await pg.session();
    await dump.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      expect((await dump.query(`SELECT unit_id FROM ${copyA}.units`)).rows).toEqual([{ unit_id: 'u1' }]);
      await store.endRebuild('t');
      expect(await store.dump('out-of-use')).toEqual({ checkpoints: [], units: [], person_years: [], pending_activities: [], institution_registrations: [], compliance_counts: [] });
      expect((await store.unitPending('u1', { limit: 10 })).items.map((i) => i.activityId)).toEqual(['a1']);
      // Still the rows as they were when the dump began, beside the state it read then.
      expect((await dump.query(`SELECT unit_id FROM ${copyA}.units`)).rows).toEqual([{ unit_id: 'u1' }]);
      expect((await dump.query(`SELECT activity_id FROM ${copyA}.pending_activities`)).rows).toEqual([{ activity_id: 'a1' }]);
    } finally {
      await dump.query('ROLLBACK');
    }
    // The next rebuild begins on an empty copy at once.
    await store.beginRebuild('t2');
    expect(await store.dump('out-of-use')).toEqual({ checkpoints: [], units: [], person_years: [], pending_activities: [], institution_registrations: [], compliance_counts: [] });
  }, 20_000);

  /**
   * A store whose rebuild 't' has projected unit u1 and is ready to end, with another session
   * holding the lock CREATE INDEX takes (DELETE waits for it) on the units of the copy in use,
   * the one the end puts out of use.
   */
  async function rebuildAgainstOutsideLock(rebuildLockWaitMs: number) {
    const store = await pg.open({ rebuildLockWaitMs });
    await store.apply(batch(1, [unit('u1')]));
    await store.beginRebuild('t');
    await store.apply({ ...batch(1, [unit('u1')]), rebuildToken: 't' });
    const outside = await pg.session();
    await outside.query(`BEGIN; LOCK TABLE ${escapeIdentifier(store.names.schema)}.units IN SHARE MODE`);
    return { store, outside };
  }

  it('a lock held outside on the copy put out of use neither holds up the end nor fails it: the rest is for the next begin', async () => {
    const { store, outside } = await rebuildAgainstOutsideLock(50);
    try {
      await store.endRebuild('t');
      expect((await store.rebuildState()).rebuildingSince).toBeNull();
      expect((await store.dump('out-of-use')).units).toEqual([expect.objectContaining({ unit_id: 'u1' })]);
    } finally {
      await outside.query('ROLLBACK');
    }
    await store.beginRebuild('t2');
    expect(await store.dump('out-of-use')).toEqual({ checkpoints: [], units: [], person_years: [], pending_activities: [], institution_registrations: [], compliance_counts: [] });
  }, 20_000);

  it('a begin that cannot empty the copy (a lock held outside all along) fails without leaving the rebuild looking under way', async () => {
    const { store, outside } = await rebuildAgainstOutsideLock(5);
    try {
      await store.endRebuild('t');
      await expect(store.beginRebuild('t2')).rejects.toMatchObject({ code: '55P03' });
      expect((await store.rebuildState()).rebuildingSince).toBeNull();
      // Readers were never held up.
      expect((await store.complianceReport(2024, { unitId: 'u1' })).personYears).toBe(0);
    } finally {
      await outside.query('ROLLBACK');
    }
  }, 20_000);

  it('a rebuild’s begin empties, in batches, what an end cut short left in the copy out of use', async () => {
    const store = await pg.open();
    await store.apply(batch(1, [unit('u1')]));
    await store.beginRebuild('t');
    await store.apply({ ...batch(1, Array.from({ length: 4500 }, (_, i) => unit(`u${i}`))), rebuildToken: 't' });
    await store.endRebuild('t');
    // What an end cut short (a crash) leaves: rows in the copy out of use, more than one batch.
    const copyA = escapeIdentifier(store.names.schema);
    await pg.sql(`INSERT INTO ${copyA}.units (unit_id, name, region, industry) SELECT 'x' || i, 'N', '360102', 'general' FROM generate_series(1, 4500) AS i`);
    await store.beginRebuild('t2');
    expect((await store.dump('out-of-use')).units).toEqual([]);
    expect((await store.dump('in-use')).units).toHaveLength(4500);
  }, 20_000);

  it('shares a schema with the PostgreSQL event store: each keeps its own version table', async () => {
    const schema = pg.schema();
    const events = await openPostgresEventStore({ connectionString: DATABASE_URL, schema });
    try {
      const readModels = await pg.open({ schema });
      await events.append('unit-u1', [{ type: 'UnitPut', data: {}, metadata: { actor: { id: 'a', role: 'authority' }, correlationId: 'c', causationId: null, ruleSetId: 'r', at: at(0) } }], 'any');
      await expect(readModels.apply(batch(1, [unit('u1')]))).resolves.toBe(true);
      expect(await events.headPosition()).toBe(1);
    } finally {
      await events.close();
    }
  });

  it('refuses a schema written by newer code', async () => {
    const schema = pg.schema();
    await (await pg.open({ schema })).close();
    await pg.sql(`INSERT INTO ${pg.table(schema, 'read_model_migrations')} (version) VALUES ($1)`, [POSTGRES_READ_MODEL_SCHEMA_VERSION + 1]);
    await expect(openPostgresReadModelStore({ connectionString: DATABASE_URL, schema })).rejects.toThrow(/newer than this code/);
  });

  it('refuses, naming it, a second-copy schema left with tables by an install whose own schema was dropped, and changes nothing', async () => {
    const schema = pg.schema();
    await (await pg.open({ schema })).close();
    await pg.sql(`DROP SCHEMA ${escapeIdentifier(schema)} CASCADE`); // the copy, ${schema}_b, left behind
    const tables = async (name: string) => Number((await pg.sql(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = $1`, [name])).rows[0].n);
    const left = await tables(`${schema}_b`);
    expect(left).toBeGreaterThan(0);
    await expect(openPostgresReadModelStore({ connectionString: DATABASE_URL, schema })).rejects.toThrow(
      new RegExp(`schema ${schema}_b, where the read models' second copy goes, already holds tables.*drop schema ${schema}_b as well`),
    );
    expect(await tables(`${schema}_b`)).toBe(left);
    expect((await pg.sql(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).rowCount).toBe(0);
  });

  it('refuses a rebuild lock wait that is not a whole number of ms ≥ 1 (0 would be no limit at all)', async () => {
    for (const rebuildLockWaitMs of [0, -5, 1.5, Number.NaN]) {
      await expect(openPostgresReadModelStore({ connectionString: DATABASE_URL, schema: pg.schema(), rebuildLockWaitMs })).rejects.toThrow(RangeError);
    }
  });

  it('accepts only plain lower-case schema names (the name reaches SQL)', async () => {
    await expect(openPostgresReadModelStore({ connectionString: DATABASE_URL, schema: 'x"; DROP TABLE units; --' })).rejects.toThrow(RangeError);
  });

  it('names the database it could not reach', async () => {
    // Port 1 on localhost: refused at once, so this fails fast rather than waiting for a timeout.
    const attempt = openPostgresReadModelStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: pg.schema() });
    await expect(attempt).rejects.toThrow(/cannot open the PostgreSQL read models/);
  });
});

describe('PostgresReadModelStore values', () => {
  it('keeps positions beyond 32 bits as exact numbers, in the checkpoint and in cursors', async () => {
    const store = await pg.open();
    const big = 2 ** 40;
    await store.apply(batch(big + 5, [declared('p1', [{ activityId: 'a1', position: big + 1 }, { activityId: 'a2', position: big + 2 }])]));
    expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(big + 5);
    const first = await store.unitPending('u1', { limit: 1 });
    const second = await store.unitPending('u1', { limit: 1, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((i) => i.activityId)).toEqual(['a1', 'a2']);
    expect(second.nextCursor).toBeNull();
  });

  it('stores U+0000, which PostgreSQL text cannot hold, as U+FFFD instead of stopping the projection', async () => {
    const store = await pg.open();
    const odd = 'u\u0000x';
    await expect(store.apply(batch(1, [unit(odd, 'N\u0000'), declared('p1', [{ activityId: 'a1', title: 'T\u0000', position: 1 }], odd)]))).resolves.toBe(true);
    // Queried the way it was written: the unit is found under the id it was put with.
    expect((await store.unitPending(odd, { limit: 5 })).items.map((i) => i.title)).toEqual(['T\uFFFD']);
    expect(await store.complianceReport(2024, { unitId: odd })).toMatchObject({ personYears: 1 });
    expect((await store.dump()).units).toEqual([{ unit_id: 'u\uFFFDx', name: 'N\uFFFD', region: '360102', industry: 'general' }]);
  });

  it('refuses a cursor whose numbers no page handed out (a fraction, beyond 2^53)', async () => {
    const store = await pg.open();
    for (const position of [1.5, 2 ** 60]) {
      const cursor = Buffer.from(JSON.stringify(['unit-pending', at(1), position])).toString('base64url');
      await expect(store.unitPending('u1', { limit: 1, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
    const cursor = Buffer.from(JSON.stringify(['authority-pending', at(1), 'p1', 2024.5])).toString('base64url');
    await expect(store.authorityPending({ region: '360000' }, { limit: 1, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('answers nothing for a year no row can hold, as SQLite does, instead of failing to bind it', async () => {
    const store = await pg.open();
    await store.apply(batch(1, [unit('u1'), declared('p1', [])]));
    expect(await store.complianceReport(2024.5, { region: '360000' })).toMatchObject({ personYears: 0 });
    expect(await store.complianceReport(2 ** 40, { unitId: 'u1' })).toMatchObject({ personYears: 0 });
    expect(await store.institutionHolders('inst-1', 2024.5, null)).toEqual([]);
    expect(await store.complianceReport(2024, { unitId: 'u1' })).toMatchObject({ personYears: 1 });
  });
});
