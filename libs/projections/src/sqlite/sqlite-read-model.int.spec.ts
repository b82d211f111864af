import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { READ_MODELS_CHECKPOINT } from '../projector';
import { SHIPPED_RULES_FINGERPRINT } from '../rules-fingerprint';
import { describeReadModelContract } from '../testing/read-model.contract';
import { sqliteReadModels } from '../testing/sqlite-read-model.factory';
import type { InstitutionRegistrationRow, PersonYearRow, PersonYearSnapshot } from '../read-model.port';
import { openSqliteReadModelStore, type SqliteReadModelStore } from './sqlite-read-model.adapter';
import { READ_MODEL_SCHEMA_VERSION, READ_MODEL_TABLES, copyTable } from './sqlite-read-model.schema';

describeReadModelContract('sqlite', sqliteReadModels());

describe('SqliteReadModelStore schema', () => {
  const unitChange = (unitId: string) => [{ kind: 'unit' as const, unit: { unitId, name: 'U', region: '360102', industry: 'general' } }];

  /** A fresh store in a folder of its own, closed and removed after `test`. */
  async function withStore(test: (store: SqliteReadModelStore, file: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'jx-read-models-'));
    const file = join(dir, 'readmodels.sqlite');
    const store = openSqliteReadModelStore({ file });
    try {
      await test(store, file);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('empties the copy a rebuild puts out of use as it puts the rebuilt one in use', async () => {
    await withStore(async (store) => {
    await store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 1, changes: unitChange('u1') });
    await store.beginRebuild('t');
    await store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 1, changes: unitChange('u1'), rebuildToken: 't' });
    await store.endRebuild('t');
    expect(store.dump().units).toEqual([expect.objectContaining({ unit_id: 'u1' })]);
    expect(store.dump('out-of-use')).toEqual({ checkpoints: [], units: [], person_years: [], pending_activities: [], institution_registrations: [], compliance_counts: [] });
    });
  });

  const personYearChange = (personId: string, row: Partial<PersonYearRow>, registrations: InstitutionRegistrationRow[] = []) => ({
    kind: 'personYear' as const,
    snapshot: {
      personYear: {
        personId, year: 2024, unitId: 'u1', field: 'general', status: 'open' as const, compliant: false, finalized: false,
        promotionDelay: false, confirmedAt: null, delayDueAfter: null, revision: 0, ...row,
      },
      pending: [],
      registrations,
    },
  });

  it.each([
    [1, false], [2, false], [3, false], [4, false], [5, false],
    [5, true], // as a build between v4 and v6 left it: the copies' state already renamed
    [6, true],
    [7, true],
    [8, true],
  ])('migrates a version-%i file in place (fenced: %s; from 3 on, in the middle of a rebuild): its rows stay in use, its compliance counts are added up from them, its person-years take their units\' regions, and a rebuild then builds the second copy', async (version, fencedBuild) => {
    const dir = await mkdtemp(join(tmpdir(), 'jx-read-models-'));
    const file = join(dir, 'readmodels.sqlite');
    try {
      const first = openSqliteReadModelStore({ file });
      await first.apply({
        checkpoint: READ_MODELS_CHECKPOINT, position: 3, lastEvent: { eventId: 'e3', streamId: 'creditYear-p3+2024', revision: 0 }, changes: [
          ...unitChange('u1'), personYearChange('p1', {}, [{ activityId: 'r1', institutionId: 'inst-1', contentKey: null, position: 2 }]),
          personYearChange('p2', { status: 'finalized', compliant: true, finalized: true }),
          personYearChange('p3', { status: 'voided', promotionDelay: true }),
        ],
      });
      const report = await first.complianceReport(2024, { unitId: 'u1' });
      expect(report).toEqual({ personYears: 3, compliant: 1, nonCompliant: 1, voided: 1, finalized: 1, promotionDelays: 1 });
      const { compliance_counts: counts, person_years: personYears } = first.dump();
      expect(personYears).toEqual([1, 2, 3].map(() => expect.objectContaining({ region: '360102' })));
      let outOfUse: ReturnType<SqliteReadModelStore['dump']> | undefined;
      if (version >= 3) {
        // Mid-rebuild: the other copy holds rows of its own, its unit in another region.
        await first.beginRebuild('r0');
        await first.apply({
          checkpoint: READ_MODELS_CHECKPOINT, position: 3, rebuildToken: 'r0',
          changes: [
            { kind: 'unit', unit: { unitId: 'u1', name: 'U', region: '360402', industry: 'general' } },
            personYearChange('q1', { status: 'voided' }), personYearChange('q2', {}),
          ],
        });
        outOfUse = first.dump('out-of-use');
        expect(outOfUse.compliance_counts).toEqual([expect.objectContaining({ person_years: 2, voided: 1, non_compliant: 1 })]);
        expect(outOfUse.person_years).toEqual([1, 2].map(() => expect.objectContaining({ region: '360402' })));
      }
      await first.close();
      // Back to the older shape: the copies' state under its old name, without the schema version
      // (v5); no person-year regions (v4); no compliance counts (v3); one copy (v1), plus the
      // rebuild state without `in_use` (v2).
      const raw = new Database(file);
      for (const copy of ['a', 'b'] as const) {
        // Back to v8: checkpoints without the rule sets their copy was derived under.
        raw.exec(`ALTER TABLE ${copyTable(copy, 'checkpoints')} DROP COLUMN rule_sets`);
        // Back to v7: checkpoints without their event.
        if (version < 8) for (const column of ['event_id', 'stream_id', 'stream_revision']) raw.exec(`ALTER TABLE ${copyTable(copy, 'checkpoints')} DROP COLUMN ${column}`);
        // Back to v6: registrations without their position.
        if (version < 7) raw.exec(`ALTER TABLE ${copyTable(copy, 'institution_registrations')} DROP COLUMN position`);
        const table = copyTable(copy, 'person_years');
        if (version < 5) {
          for (const index of ['awaiting_in_region', 'awaiting_in_region_field', 'awaiting_in_field', 'awaiting_in_city', 'awaiting_in_city_field']) raw.exec(`DROP INDEX ${table}_${index}`);
          raw.exec(`ALTER TABLE ${table} DROP COLUMN region`);
        }
        if (version < 4) raw.exec(`DROP TABLE ${copyTable(copy, 'compliance_counts')}`);
      }
      if (fencedBuild) raw.exec(`UPDATE read_model_state SET schema_version = ${version}`);
      else {
        raw.exec('ALTER TABLE read_model_state DROP COLUMN schema_version');
        raw.exec('ALTER TABLE read_model_state RENAME TO rebuild_state');
      }
      if (version < 3) {
        raw.exec('DROP TABLE rebuild_state');
        for (const table of READ_MODEL_TABLES) if (table !== 'compliance_counts') raw.exec(`DROP TABLE ${copyTable('b', table)}`);
      }
      if (version === 2) {
        raw.exec('CREATE TABLE rebuild_state (singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1), token TEXT, started_at TEXT, generation INTEGER NOT NULL)');
        raw.exec('INSERT INTO rebuild_state VALUES (1, NULL, NULL, 4)');
      }
      raw.pragma(`user_version = ${version}`);
      raw.close();

      const again = openSqliteReadModelStore({ file });
      expect(await again.checkpoint(READ_MODELS_CHECKPOINT)).toBe(3);
      // A checkpoint moved before v8 keeps no event (nothing to check it against) until its next batch.
      const e3 = { position: 3, eventId: 'e3', streamId: 'creditYear-p3+2024', revision: 0 };
      expect(await again.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual(version < 8 ? null : e3);
      // One moved before v9 was derived under the rule sets shipped then, the only ones there were.
      expect(await again.checkpointRuleSets(READ_MODELS_CHECKPOINT)).toBe(SHIPPED_RULES_FINGERPRINT);
      expect(again.dump().units).toEqual([expect.objectContaining({ unit_id: 'u1' })]);
      expect(again.dump().compliance_counts).toEqual(counts);
      expect(again.dump().person_years).toEqual(personYears);
      expect(await again.complianceReport(2024, { unitId: 'u1' })).toEqual(report);
      // A registration indexed before v7 has no position: a candidate of every institution flag.
      const position = version < 7 ? null : 2;
      expect(again.dump().institution_registrations).toEqual([expect.objectContaining({ activity_id: 'r1', position })]);
      expect(await again.institutionHolders('inst-1', 2024, null, 1)).toEqual(position === null ? [{ personId: 'p1', year: 2024 }] : []);
      expect(await again.rebuildState()).toEqual(version >= 3 ? { generation: 1, rebuildingSince: expect.any(String) } : { generation: version === 2 ? 4 : 0, rebuildingSince: null });
      if (outOfUse !== undefined) expect(again.dump('out-of-use')).toEqual({ ...outOfUse, checkpoints: outOfUse.checkpoints.map((row) => ({ ...(row as object), rule_sets: SHIPPED_RULES_FINGERPRINT })) });
      await again.beginRebuild('t');
      const live = { eventId: 'e4', streamId: 'unit-u-live', revision: 0 };
      await expect(again.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 4, lastEvent: live, changes: unitChange('u-live') })).resolves.toBe(true);
      expect(await again.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual({ position: 4, ...live });
      await again.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 4, changes: unitChange('u-rebuilt'), rebuildToken: 't' });
      await again.endRebuild('t');
      expect(again.dump().units).toEqual([expect.objectContaining({ unit_id: 'u-rebuilt' })]);
      await again.close();
      const check = new Database(file, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(READ_MODEL_SCHEMA_VERSION);
      check.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fences out the code before version 4 (its copies\' state is gone) and refuses reads and writes once newer code has migrated past its own', async () => {
    await withStore(async (store, file) => {
    await store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 1, changes: unitChange('u1') });
    const raw = new Database(file);
    // What every transaction of the code before version 4 reads first.
    let refused: unknown;
    try {
      raw.prepare('SELECT token, started_at, generation, in_use FROM rebuild_state WHERE singleton = 1');
    } catch (error: unknown) {
      refused = error;
    }
    expect(refused).toMatchObject({ message: expect.stringMatching(/no such table/) });
    raw.exec('UPDATE read_model_state SET schema_version = schema_version + 1');
    raw.close();
    const migrated = { name: 'ReadModelsMigratedError', stored: READ_MODEL_SCHEMA_VERSION + 1, own: READ_MODEL_SCHEMA_VERSION };
    await expect(store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 2, changes: unitChange('u2') })).rejects.toMatchObject(migrated);
    await expect(store.complianceReport(2024, { region: '360000' })).rejects.toMatchObject(migrated);
    await expect(store.unitPending('u1', { limit: 10 })).rejects.toMatchObject(migrated);
    // Health reports the read models down (API.md, Health: they are reported beside the stores).
    await expect(store.ping()).rejects.toMatchObject(migrated);
    });
  });

  it('stops the projection, loudly, at counts that no longer add up', async () => {
    await withStore(async (store, file) => {
    await store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 1, changes: [...unitChange('u1'), personYearChange('p1', {})] });
    const raw = new Database(file);
    // A row written beside the counts (what an older process would have done).
    raw.exec(`INSERT INTO person_years (person_id, year, unit_id, field, status, compliant, finalized, promotion_delay, revision, region)
              VALUES ('p2', 2024, 'u1', 'general', 'open', 0, 0, 0, 0, '360102')`);
    raw.close();
    const page = [personYearChange('p1', { status: 'voided', revision: 1 }), personYearChange('p2', { field: 'health', revision: 1 })];
    // (Matched by code: the driver's error may come from another realm than the test's Error.)
    await expect(store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 2, changes: page })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_CHECK' });
    expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(1);

    // Nor can counts be stored that do not add up, none below 0 (a defect in what a change adds, or a hand).
    const byHand = new Database(file);
    try {
      for (const wrong of ['compliant = 1', 'finalized = 2', 'promotion_delays = 2', 'person_years = 2']) {
        let refused: unknown;
        try {
          byHand.exec(`UPDATE compliance_counts SET ${wrong} WHERE unit_id = 'u1'`);
        } catch (error: unknown) {
          refused = error;
        }
        expect([wrong, refused]).toEqual([wrong, expect.objectContaining({ code: 'SQLITE_CONSTRAINT_CHECK' })]);
      }
    } finally {
      byHand.close();
    }
    });
  });
});

describe('SqliteReadModelStore writing a person-year against the snapshot the projector remembers', () => {
  const snapshot = (revision: number, pending: string[], extra: Partial<PersonYearRow> = {}, registrations: InstitutionRegistrationRow[] = []): PersonYearSnapshot => ({
    personYear: {
      personId: 'p1', year: 2024, unitId: 'u1', field: 'general', status: 'open', compliant: false, finalized: false,
      promotionDelay: false, confirmedAt: null, delayDueAfter: '2025-12-31', revision, ...extra,
    },
    pending: pending.map((activityId, i) => ({ activityId, category: '8.1', title: `t-${activityId}`, declaredAt: `2024-05-0${i + 1}T08:00:00.000Z`, position: i + 1 })),
    registrations,
  });
  let position = 0;
  const write = (store: SqliteReadModelStore, snap: PersonYearSnapshot, previous?: PersonYearSnapshot) =>
    store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: ++position, changes: [{ kind: 'personYear', snapshot: snap, ...(previous ? { previous } : {}) }] });
  /** The rows a store holds after writing `snap` alone, from nothing. */
  const rowsOf = async (snap: PersonYearSnapshot) => {
    const [store, done] = await temp();
    await write(store, snap);
    const { person_years, pending_activities, institution_registrations } = store.dump();
    await done();
    return { person_years, pending_activities, institution_registrations };
  };
  const temp = async (): Promise<[SqliteReadModelStore, () => Promise<void>]> => {
    const dir = await mkdtemp(join(tmpdir(), 'jx-read-models-'));
    const store = openSqliteReadModelStore({ file: join(dir, 'readmodels.sqlite') });
    return [store, async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }];
  };
  const held = (store: SqliteReadModelStore) => {
    const { person_years, pending_activities, institution_registrations } = store.dump();
    return { person_years, pending_activities, institution_registrations };
  };

  it('diffs against the remembered snapshot when the copy holds its revision', async () => {
    const [store, done] = await temp();
    try {
      const registration = { activityId: 'a2', institutionId: 'i1', contentKey: 'c1', position: 7 };
      const s1 = snapshot(1, ['a1', 'a2'], {}, [registration]);
      const s2 = snapshot(2, ['a2', 'a3'], { status: 'open' }, [{ ...registration, contentKey: 'c2' }]);
      const s3 = snapshot(3, ['a2', 'a3'], { status: 'confirmed', confirmedAt: '2024-06-01T00:00:00.000Z' });
      await write(store, s1);
      await write(store, s2, s1);
      expect(held(store)).toEqual(await rowsOf(s2));
      await write(store, s3, s2);
      expect(held(store)).toEqual(await rowsOf(s3));
    } finally {
      await done();
    }
  });

  it('reads the rows back when the copy holds another revision than the remembered snapshot', async () => {
    const [store, done] = await temp();
    try {
      // Another writer (or a rebuild) moved the copy on past what this projector remembers.
      const remembered = snapshot(1, ['a1']);
      await write(store, snapshot(2, ['a1', 'a2'], {}, [{ activityId: 'a2', institutionId: 'i1', contentKey: null, position: 7 }]));
      const s3 = snapshot(3, ['a3']);
      await write(store, s3, remembered);
      expect(held(store)).toEqual(await rowsOf(s3));
    } finally {
      await done();
    }
  });
});
