import { defaultRegistry } from '@jx/rules';
import { ProjectionRunner } from '../../projection-runner';
import { Projector, READ_MODELS_CHECKPOINT } from '../../projector';
import { PersonYearWriter, at } from '../projection-fixtures';
import { readModelHarness, type ReadModelHarness } from '../read-model-harness';
import { writeSampleHistory } from '../sample-history';
import type { ReadModelFactory } from './read-model-fixture';

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
    });
  });
}
