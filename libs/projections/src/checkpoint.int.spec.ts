import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultRegistry } from '@jx/rules';
import { ProjectionRunner } from './projection-runner';
import { Projector, READ_MODELS_CHECKPOINT } from './projector';
import type { PersonYearSnapshot, ReadModelBatch } from './read-model.port';
import { openSqliteReadModelStore, type SqliteReadModelStore } from './sqlite/sqlite-read-model.adapter';
import { PersonYearWriter, at, projectionHarness, putUnit, type ProjectionHarness } from './testing/projection-fixtures';

const unit = (unitId: string) => ({ kind: 'unit' as const, unit: { unitId, name: unitId, region: '360102', industry: 'general' } });

function personYear(status: string): { kind: 'personYear'; snapshot: PersonYearSnapshot } {
  return {
    kind: 'personYear',
    snapshot: {
      personYear: {
        personId: 'p1', year: 2024, unitId: 'u1', field: 'general',
        // Deliberately outside the type, to make SQLite refuse the row mid-transaction.
        status: status as PersonYearSnapshot['personYear']['status'],
        compliant: false, finalized: false, promotionDelay: false, confirmedAt: null, delayDueAfter: null, revision: 0,
      },
      pending: [{ activityId: 'a1', category: '8.1', title: 't', declaredAt: at(1), position: 2 }],
      registrations: [],
    },
  };
}

describe('the checkpoint moves with the rows, in one transaction', () => {
  let dir: string;
  let store: SqliteReadModelStore;
  const batch = (position: number, changes: ReadModelBatch['changes']): ReadModelBatch => ({ checkpoint: READ_MODELS_CHECKPOINT, position, changes });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jx-readmodels-'));
    store = openSqliteReadModelStore({ file: join(dir, 'readmodels.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts at 0 and stores the position of the last batch applied', async () => {
    expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(0);
    await expect(store.apply(batch(5, [unit('u1')]))).resolves.toBe(true);
    expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(5);
    expect(await store.checkpoint('another')).toBe(0);
  });

  it('writes nothing, checkpoint included, when a write of the batch fails', async () => {
    await store.apply(batch(5, [unit('u1')]));
    const before = store.dump();
    // better-sqlite3's errors come from another realm than Jest's Error: compare the message.
    const failure = await store.apply(batch(9, [unit('u2'), personYear('open'), personYear('not-a-status')])).then(() => null, String);
    expect(failure).toMatch(/CHECK constraint/);
    expect(store.dump()).toEqual(before);
    expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(5);
  });

  it('skips a batch at or before the checkpoint, so a slower runner never writes older rows', async () => {
    await store.apply(batch(5, [personYear('confirmed')]));
    const before = store.dump();
    await expect(store.apply(batch(5, [personYear('open')]))).resolves.toBe(false);
    await expect(store.apply(batch(3, [personYear('open'), unit('u9')]))).resolves.toBe(false);
    expect(store.dump()).toEqual(before);
  });

  it('reset empties every table and checkpoint', async () => {
    await store.apply(batch(5, [unit('u1'), personYear('open')]));
    await store.reset();
    expect(Object.values(store.dump()).every((rows) => rows.length === 0)).toBe(true);
    expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(0);
  });

  it('opens an existing file again without losing rows (schema creation is idempotent)', async () => {
    await store.apply(batch(5, [unit('u1')]));
    const again = openSqliteReadModelStore({ file: join(dir, 'readmodels.sqlite') });
    try {
      expect(again.dump()).toEqual(store.dump());
    } finally {
      await again.close();
    }
  });
});

describe('ProjectionRunner and failures', () => {
  let h: ProjectionHarness;
  afterEach(() => h.close());

  it('leaves rows and checkpoint untouched while a page cannot commit, then catches up on retry', async () => {
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const errors: unknown[] = [];
    h = await projectionHarness({ busyTimeoutMs: 1, onError: (e) => (errors.push(e), failed()) });
    await putUnit(h.events, { unitId: 'u-a', name: 'A', region: '360102', industry: 'general' }, at(0));
    await h.runner.start();
    await h.caughtUp();
    const before = h.readModels.dump();
    const checkpoint = await h.readModels.checkpoint(READ_MODELS_CHECKPOINT);

    // Another connection holds the write lock: the page's transaction cannot begin.
    const blocker = new Database(join(h.dir, 'readmodels.sqlite'));
    blocker.exec('BEGIN IMMEDIATE');
    const p1 = new PersonYearWriter(h.events, 'p1', 2024);
    await p1.open('u-a', at(1));
    await p1.declare('a1', at(2));
    await firstFailure;
    expect(String(errors[0])).toMatch(/locked|busy/i);
    expect(h.readModels.dump()).toEqual(before);
    expect(await h.readModels.checkpoint(READ_MODELS_CHECKPOINT)).toBe(checkpoint);
    expect(h.runner.checkpoint).toBe(checkpoint);

    blocker.exec('ROLLBACK');
    blocker.close();
    await h.caughtUp();
    expect((await h.readModels.unitPending('u-a', { limit: 10 })).items.map((i) => i.activityId)).toEqual(['a1']);
  });

  it('resumes after the stored checkpoint when started again', async () => {
    h = await projectionHarness();
    await putUnit(h.events, { unitId: 'u-a', name: 'A', region: '360102', industry: 'general' }, at(0));
    const p1 = new PersonYearWriter(h.events, 'p1', 2024);
    await p1.open('u-a', at(1));
    await h.runner.start();
    await h.caughtUp();
    await h.runner.stop();
    const stoppedAt = await h.readModels.checkpoint(READ_MODELS_CHECKPOINT);

    await p1.declare('a1', at(2));
    const restarted = new ProjectionRunner(h.events, h.readModels, new Projector(h.events, h.readModels, defaultRegistry()));
    try {
      await restarted.start();
      expect(restarted.checkpoint).toBe(stoppedAt);
      await restarted.waitFor(await h.events.headPosition());
      expect(await h.readModels.checkpoint(READ_MODELS_CHECKPOINT)).toBe(await h.events.headPosition());
      const rebuilt = h.secondary('rebuilt.sqlite');
      await rebuilt.runner.rebuild();
      expect(h.readModels.dump()).toEqual(rebuilt.readModels.dump());
    } finally {
      await restarted.stop();
    }
  });

  it('waitFor answers at once for a position already projected, and false after its timeout otherwise', async () => {
    h = await projectionHarness();
    await putUnit(h.events, { unitId: 'u-a', name: 'A', region: '360102', industry: 'general' }, at(0));
    await h.runner.start();
    await h.caughtUp();
    await expect(h.runner.waitFor(1)).resolves.toBe(true);
    await h.runner.stop();
    await expect(h.runner.waitFor(1_000_000, { timeoutMs: 5 })).resolves.toBe(false);
  });
});
