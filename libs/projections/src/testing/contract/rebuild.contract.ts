import { defaultRegistry } from '@jx/rules';
import { ProjectionRunner } from '../../projection-runner';
import { Projector, READ_MODELS_CHECKPOINT } from '../../projector';
import { PersonYearWriter, at } from '../projection-fixtures';
import { readModelHarness, type ReadModelHarness } from '../read-model-harness';
import { writeSampleHistory } from '../sample-history';
import type { ReadModelBatch, ReadModelStore } from '../../read-model.port';
import type { ReadModelFactory } from './read-model-fixture';

/** Polls a condition set by code running concurrently (no fixed sleep: it resolves as soon as it holds). */
async function waitUntil(condition: () => boolean, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * ARCHITECTURE.md: a projection can be rebuilt from zero and must reach the same result. Through
 * the real Projector and ProjectionRunner, with a real event store as the source.
 */
export function rebuildContract(factory: ReadModelFactory): void {
  describe('rebuilding the read models from zero', () => {
    let h: ReadModelHarness;
    afterEach(() => h.close());

    it('reaches exactly the rows the live runner built in small pages while events arrived', async () => {
      h = await readModelHarness(factory, { pageSize: 3 });
      await h.runner.start();
      await writeSampleHistory(h.events, () => h.caughtUp());
      await h.caughtUp();
      const live = await h.dump();
      for (const rows of Object.values(live)) expect(rows.length).toBeGreaterThan(0);

      const rebuilt = await h.secondary({ pageSize: 7 });
      const progress: Array<[number, number]> = [];
      await rebuilt.runner.rebuild((done, total) => progress.push([done, total]));

      expect(await rebuilt.dump()).toEqual(live);
      const head = await h.events.headPosition();
      expect(progress[0]).toEqual([0, head]);
      expect(progress[progress.length - 1]).toEqual([head, head]);
      expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done)].sort((a, b) => a - b));
    });

    it('rebuilds in place to the same rows, then resumes following new events', async () => {
      h = await readModelHarness(factory, { pageSize: 4 });
      await h.runner.start();
      await writeSampleHistory(h.events, () => h.caughtUp());
      await h.caughtUp();
      const before = await h.dump();

      await h.runner.rebuild();
      expect(await h.dump()).toEqual(before);
      expect(h.runner.running).toBe(true);

      const late = new PersonYearWriter(h.events, 'p-late', 2024);
      await late.open('u-a', at(30));
      await late.declare('l1', at(31));
      await h.caughtUp();
      expect((await h.readModels.unitPending('u-a', { limit: 10 })).items.map((i) => i.activityId)).toContain('l1');
    });

    it('a runner left following during a rebuild goes on projecting into the copy in use (no list is ever partial); the rebuild catches up with it before its copy is put in use', async () => {
      const failed: unknown[] = [];
      h = await readModelHarness(factory, { pageSize: 3, onError: (error) => failed.push(error) });
      await h.runner.start();
      await writeSampleHistory(h.events, () => h.caughtUp());
      await h.caughtUp();
      const pendingBefore = (await h.readModels.unitPending('u-a', { limit: 1000 })).items;
      // Another process rebuilds the same read models; it is held after its first page while
      // events arrive and the live runner projects them.
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      let heldOnce = false;
      const held: ReadModelStore = Object.assign(Object.create(h.readModels) as ReadModelStore, {
        apply: async (batch: ReadModelBatch) => {
          const applied = await h.readModels.apply(batch);
          if (!heldOnce) {
            heldOnce = true;
            await released;
          }
          return applied;
        },
      });
      const rebuilder = new ProjectionRunner(h.events, held, new Projector(h.events, held, defaultRegistry()), { pageSize: 2 });
      const totals: number[] = [];
      const rebuilding = rebuilder.rebuild((_, total) => totals.push(total));
      await waitUntil(() => heldOnce);
      expect((await h.readModels.unitPending('u-a', { limit: 1000 })).items).toEqual(pendingBefore);
      const late = new PersonYearWriter(h.events, 'p-late', 2024);
      await late.open('u-a', at(30));
      await late.declare('l1', at(31));
      await h.caughtUp();
      // Readers see the copy in use, whole and current, while the rebuild is under way.
      expect((await h.readModels.unitPending('u-a', { limit: 1000 })).items.map((i) => i.activityId)).toEqual([...pendingBefore.map((i) => i.activityId), 'l1']);
      release();
      const endedAt = await rebuilding;

      expect(failed).toEqual([]);
      expect(endedAt).toBe(await h.events.headPosition());
      expect(totals[totals.length - 1]).toBe(await h.events.headPosition());
      const fresh = await h.secondary();
      await fresh.runner.rebuild();
      expect(await h.dump()).toEqual(await fresh.dump());
      expect((await h.readModels.unitPending('u-a', { limit: 1000 })).items.map((i) => i.activityId)).toContain('l1');
    });

    it('refuses to put a rebuilt copy in use when the copy in use is ahead of the event store (restored from an older backup?), leaving it as it was', async () => {
      h = await readModelHarness(factory, { pageSize: 4 });
      await writeSampleHistory(h.events);
      const head = await h.events.headPosition();
      await h.readModels.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: head + 100, changes: [] });
      const before = await h.dump();
      await expect(h.runner.rebuild()).rejects.toThrow(/ahead of the event store/);
      expect(await h.dump()).toEqual(before);
      expect(await h.readModels.checkpoint(READ_MODELS_CHECKPOINT)).toBe(head + 100);
    });

    it('resumes after the stored checkpoint when a new runner starts on the same store', async () => {
      h = await readModelHarness(factory, { pageSize: 2 });
      await writeSampleHistory(h.events);
      await h.runner.start();
      await h.caughtUp();
      await h.runner.stop();
      const stoppedAt = await h.readModels.checkpoint(READ_MODELS_CHECKPOINT);
      expect(stoppedAt).toBe(await h.events.headPosition());

      await new PersonYearWriter(h.events, 'p1', 2024).declare('after-stop', at(40));
      const restarted = new ProjectionRunner(h.events, h.readModels, new Projector(h.events, h.readModels, defaultRegistry()));
      try {
        await restarted.start();
        expect(restarted.checkpoint).toBe(stoppedAt);
        await restarted.waitFor(await h.events.headPosition());
        expect(await h.readModels.checkpoint(READ_MODELS_CHECKPOINT)).toBe(await h.events.headPosition());
        const rebuilt = await h.secondary();
        await rebuilt.runner.rebuild();
        expect(await h.dump()).toEqual(await rebuilt.dump());
      } finally {
        await restarted.stop();
      }
      // And on the copy a rebuild put in use: its checkpoint's event is the store's last, found there.
      await restarted.rebuild();
      const [last] = (await h.events.readAll((await h.events.headPosition()) - 1, 1)).slice(-1);
      expect(await h.readModels.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual({ position: last!.position, eventId: last!.id, streamId: last!.streamId, revision: last!.revision });
      const afterRebuild = new ProjectionRunner(h.events, h.readModels, new Projector(h.events, h.readModels, defaultRegistry()));
      await afterRebuild.start();
      try {
        expect(afterRebuild.checkpoint).toBe(last!.position);
      } finally {
        await afterRebuild.stop();
      }
    });
  });
}
