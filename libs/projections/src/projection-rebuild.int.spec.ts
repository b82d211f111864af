import fc from 'fast-check';
import { PersonYearWriter, at, projectionHarness, putUnit, type ProjectionHarness } from './testing/projection-fixtures';
import { writeSampleHistory } from './testing/sample-history';

/** ARCHITECTURE.md: a projection can be rebuilt from zero and must reach the same result. */
describe('rebuilding the read models from zero', () => {
  let h: ProjectionHarness;
  afterEach(() => h.close());

  it('reaches exactly the rows the live runner built page by page while events arrived', async () => {
    h = await projectionHarness({ pageSize: 3 });
    await h.runner.start();
    await writeSampleHistory(h.events, () => h.caughtUp());
    await h.caughtUp();
    const live = h.readModels.dump();
    for (const rows of Object.values(live)) expect(rows.length).toBeGreaterThan(0);

    const rebuilt = h.secondary('rebuilt.sqlite', { pageSize: 7 });
    const progress: Array<[number, number]> = [];
    await rebuilt.runner.rebuild((done, total) => progress.push([done, total]));

    expect(rebuilt.readModels.dump()).toEqual(live);
    const head = await h.events.headPosition();
    expect(progress[0]).toEqual([0, head]);
    expect(progress[progress.length - 1]).toEqual([head, head]);
    expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done)].sort((a, b) => a - b));
  });

  it('rebuilds in place to the same rows, then resumes following new events', async () => {
    h = await projectionHarness({ pageSize: 4 });
    await h.runner.start();
    await writeSampleHistory(h.events, () => h.caughtUp());
    await h.caughtUp();
    const before = h.readModels.dump();

    await h.runner.rebuild();
    expect(h.readModels.dump()).toEqual(before);
    expect(h.runner.running).toBe(true);

    const late = new PersonYearWriter(h.events, 'p-late', 2024);
    await late.open('u-a', at(30));
    await late.declare('l1', at(31));
    await h.caughtUp();
    expect((await h.readModels.unitPending('u-a', { limit: 10 })).items.map((i) => i.activityId)).toContain('l1');
  });

  it('gives the same rows for any history and any paging (property)', async () => {
    const op = fc.record({
      person: fc.constantFrom('p1', 'p2', 'p3'),
      kind: fc.constantFrom('declare', 'register', 'verify', 'reject', 'withdraw', 'confirm', 'reopen', 'finalize', 'flag', 'rescind', 'moveUnit', 'sync'),
      n: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), async (ops, livePage, rebuildPage) => {
        h = await projectionHarness({ pageSize: livePage });
        try {
          await h.runner.start();
          await putUnit(h.events, { unitId: 'u-a', name: 'A', region: '360102', industry: 'general' }, at(0));
          const writers = new Map<string, PersonYearWriter>();
          let minute = 1;
          for (const { person, kind, n } of ops) {
            const when = at(minute++);
            let w = writers.get(person);
            if (!w) {
              w = new PersonYearWriter(h.events, person, 2024);
              writers.set(person, w);
              await w.open('u-a', when);
            }
            const id = `a${n}`;
            if (kind === 'declare') await w.declare(id, when);
            else if (kind === 'register') await w.register(`r${n}`, when, { hours: 40, contentKey: `course-${n}` });
            else if (kind === 'verify') await w.verify(id, 1, when);
            else if (kind === 'reject') await w.reject(id, when);
            else if (kind === 'withdraw') await w.withdraw(id, when);
            else if (kind === 'confirm') await w.confirm(when);
            else if (kind === 'reopen') await w.reopen(id, when);
            else if (kind === 'finalize') await w.finalize(when);
            else if (kind === 'flag') await w.flag(`f${n}`, when);
            else if (kind === 'rescind') await w.rescind(`f${n}`, when);
            else if (kind === 'moveUnit') await putUnit(h.events, { unitId: 'u-a', name: 'A', region: `36010${n}`, industry: 'general' }, when);
            else await h.caughtUp();
          }
          await h.caughtUp();
          const rebuilt = h.secondary('rebuilt.sqlite', { pageSize: rebuildPage });
          await rebuilt.runner.rebuild();
          expect(rebuilt.readModels.dump()).toEqual(h.readModels.dump());
        } finally {
          await h.close();
        }
      }),
      { numRuns: 25 },
    );
    // afterEach closes again: harmless, close is idempotent.
  });
});
