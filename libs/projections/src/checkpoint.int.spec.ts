import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteEventStore } from '@jx/event-store';
import { defaultRegistry } from '@jx/rules';
import { Projector, READ_MODELS_CHECKPOINT } from './projector';
import { ProjectionRunner } from './projection-runner';
import type { ReadModelBatch } from './read-model.port';
import { openSqliteReadModelStore, type SqliteReadModelStore } from './sqlite/sqlite-read-model.adapter';
import { PersonYearWriter, at, projectionHarness, putUnit, type ProjectionHarness } from './testing/projection-fixtures';

const unit = (unitId: string) => ({ kind: 'unit' as const, unit: { unitId, name: unitId, region: '360102', industry: 'general' } });

// The adapter-neutral behaviour (atomicity, stale batches, reset) is in the contract
// (testing/read-model.contract.ts); here, what only a file-backed SQLite store has.
describe('the SQLite read-model file', () => {
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

  it('refuses to start on read models ahead of the event store (restored from an older backup): following on would skip the positions the store hands out again', async () => {
    h = await projectionHarness();
    for (const [n, unitId] of ['u-a', 'u-b', 'u-c'].entries()) await putUnit(h.events, { unitId, name: unitId, region: '360102', industry: 'general' }, at(n));
    await h.runner.start();
    await h.caughtUp();
    await h.runner.stop();
    // The store as an older backup holds it: its first event only.
    const restored = openSqliteEventStore({ file: join(h.dir, 'restored.sqlite'), pollIntervalMs: 10 });
    try {
      await putUnit(restored, { unitId: 'u-a', name: 'u-a', region: '360102', industry: 'general' }, at(0));
      const runner = new ProjectionRunner(restored, h.readModels, new Projector(restored, h.readModels, defaultRegistry()));
      await expect(runner.start()).rejects.toMatchObject({ name: 'ReadModelsAheadError', position: 3, head: 1, message: expect.stringContaining('remove the read models') });
      expect(runner.running).toBe(false);
    } finally {
      await restored.close();
    }
  });

  it('refuses to start on read models projected from other events than the store holds (an older backup restored and written to since, or another store): the position alone does not tell', async () => {
    h = await projectionHarness();
    for (const [n, unitId] of ['u-a', 'u-b', 'u-c'].entries()) await putUnit(h.events, { unitId, name: unitId, region: '360102', industry: 'general' }, at(n));
    await h.runner.start();
    await h.caughtUp();
    await h.runner.stop();
    const [lastProjected] = await h.events.readStream('unit-u-c');
    expect(await h.readModels.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual({ position: 3, eventId: lastProjected!.id, streamId: 'unit-u-c', revision: 0 });
    // The same store, written to while the projection was stopped: it follows on.
    await putUnit(h.events, { unitId: 'u-d', name: 'u-d', region: '360102', industry: 'general' }, at(3));
    await h.runner.start();
    await h.caughtUp();
    expect(await h.readModels.checkpoint(READ_MODELS_CHECKPOINT)).toBe(4);
    await h.runner.stop();
    // Another store, as far on: the events at those positions are not the ones projected.
    const restored = openSqliteEventStore({ file: join(h.dir, 'restored.sqlite'), pollIntervalMs: 10 });
    try {
      for (const [n, unitId] of ['u-a', 'u-b', 'u-c', 'u-d', 'u-e'].entries()) await putUnit(restored, { unitId, name: unitId, region: '360102', industry: 'general' }, at(n));
      const [other] = await restored.readStream('unit-u-d');
      const runner = new ProjectionRunner(restored, h.readModels, new Projector(restored, h.readModels, defaultRegistry()));
      await expect(runner.start()).rejects.toMatchObject({
        name: 'ReadModelsDivergedError',
        expected: { position: 4, streamId: 'unit-u-d', revision: 0 },
        found: { eventId: other!.id, position: 4 },
        message: expect.stringContaining('remove the read models'),
      });
      expect(runner.running).toBe(false);
      // Nor where the stream is not in that store at all.
      const empty = openSqliteEventStore({ file: join(h.dir, 'other.sqlite'), pollIntervalMs: 10 });
      try {
        for (const [n, unitId] of ['u-x', 'u-y', 'u-z', 'u-w'].entries()) await putUnit(empty, { unitId, name: unitId, region: '360102', industry: 'general' }, at(n));
        const elsewhere = new ProjectionRunner(empty, h.readModels, new Projector(empty, h.readModels, defaultRegistry()));
        await expect(elsewhere.start()).rejects.toMatchObject({ name: 'ReadModelsDivergedError', found: null, message: expect.stringContaining('holds no such event') });
      } finally {
        await empty.close();
      }
    } finally {
      await restored.close();
    }
  });

  it('refuses to start, as damaged, on a store missing an event before the one the checkpoint ended with (the store is to repair, not the read models); and as diverged where the same event has another position', async () => {
    h = await projectionHarness();
    for (const [n, unitId] of ['u-a', 'u-b', 'u-a'].entries()) await putUnit(h.events, { unitId, name: `${unitId}-${n}`, region: '360102', industry: 'general' }, at(n));
    await h.runner.start();
    await h.caughtUp();
    await h.runner.stop();
    expect(await h.readModels.checkpointEvent(READ_MODELS_CHECKPOINT)).toMatchObject({ position: 3, streamId: 'unit-u-a', revision: 1 });
    const raw = new Database(join(h.dir, 'events.sqlite'));
    /** A runner of a process started afresh on the store as it is now (no stream kept from before). */
    const startAfresh = async () => {
      const events = openSqliteEventStore({ file: join(h.dir, 'events.sqlite'), pollIntervalMs: 10 });
      const runner = new ProjectionRunner(events, h.readModels, new Projector(events, h.readModels, defaultRegistry()));
      try {
        await runner.start();
        await runner.stop();
      } finally {
        await events.close();
      }
    };
    try {
      raw.prepare("DELETE FROM events WHERE stream_id = 'unit-u-a' AND revision = 0").run();
      await expect(startAfresh()).rejects.toMatchObject({ name: 'DamagedStreamError', message: expect.stringContaining('npm run verify-chain') });
      // The same events, numbered otherwise (a store copied event by event into another): not the positions projected.
      raw.prepare("UPDATE events SET position = position + 10 WHERE stream_id = 'unit-u-a'").run();
      await expect(startAfresh()).rejects.toMatchObject({ name: 'ReadModelsDivergedError', found: { position: 13 } });
    } finally {
      raw.close();
    }
  });

  it('waitFor answers at once for a position already projected, and false after its timeout otherwise', async () => {
    h = await projectionHarness();
    await putUnit(h.events, { unitId: 'u-a', name: 'A', region: '360102', industry: 'general' }, at(0));
    await h.runner.start();
    await h.caughtUp();
    await expect(h.runner.waitFor(1)).resolves.toBe(true);
    // Still running, the position out of reach: the timeout answers (a stopped runner answers at once, below).
    await expect(h.runner.waitFor(1_000_000, { timeoutMs: 20 })).resolves.toBe(false);
  });

  it('stop answers false at once to whoever waits for a position not reached (a shutdown is not held for the timeout)', async () => {
    h = await projectionHarness();
    await h.runner.start();
    const waiting = h.runner.waitFor(1_000_000, { timeoutMs: 60_000 });
    const untimed = h.runner.waitFor(1_000_000);
    await h.runner.stop();
    await expect(Promise.all([waiting, untimed])).resolves.toEqual([false, false]);
    // Asked after the stop, too: nothing will reach it until the runner starts again.
    await expect(h.runner.waitFor(1_000_000)).resolves.toBe(false);
  });
});
