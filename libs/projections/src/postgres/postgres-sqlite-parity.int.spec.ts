import fc from 'fast-check';
import type { Field } from '@jx/domain';
import { PersonYearWriter, at, putUnit } from '../testing/projection-fixtures';
import { PostgresTestSchemas } from '../testing/postgres-test-schemas';
import { readModelAnswers } from '../testing/read-model-answers';
import { readModelHarness, type ProjectedReadModels, type ReadModelHarness } from '../testing/read-model-harness';
import { writeSampleHistory } from '../testing/sample-history';
import { sqliteReadModels } from '../testing/sqlite-read-model.factory';

/**
 * The PostgreSQL adapter answers exactly as the SQLite one (the reference) for the same events:
 * both follow one event store live, each cutting its own pages; then their rows and their answers
 * to every query over a grid of arguments must be equal.
 */
const pg = new PostgresTestSchemas();
beforeAll(() => pg.setUp());
afterAll(() => pg.tearDown());

const UNITS = ['u-a', 'u-b'];
const INSTITUTIONS = ['inst-A', 'inst-B', 'inst-1'];

interface BothFollowing {
  h: ReadModelHarness;
  sqlite: ProjectedReadModels;
  caughtUp(): Promise<void>;
}

async function bothFollowing(pgPage: number, sqlitePage: number): Promise<BothFollowing> {
  const h = await readModelHarness(pg.factory(), { pageSize: pgPage });
  const sqlite = await h.secondary({ pageSize: sqlitePage }, sqliteReadModels());
  await h.runner.start();
  await sqlite.runner.start();
  const caughtUp = async () => {
    const head = await h.events.headPosition();
    await Promise.all([h.runner.waitFor(head), sqlite.runner.waitFor(head)]);
  };
  return { h, sqlite, caughtUp };
}

async function expectSameAnswers({ h, sqlite, caughtUp }: BothFollowing): Promise<void> {
  await caughtUp();
  expect(await h.dump()).toEqual(await sqlite.dump());
  expect(await readModelAnswers(h.readModels, UNITS, INSTITUTIONS)).toEqual(await readModelAnswers(sqlite.readModels, UNITS, INSTITUTIONS));
}

const op = fc.record({
  // Few person-years, so that transitions pile up on each (10 sorts before 2 by bytes, not by number).
  person: fc.constantFrom('p1', 'p2', 'p10'),
  year: fc.constantFrom(2023, 2024),
  kind: fc.constantFrom(
    'declare', 'register', 'enough', 'verify', 'reject', 'withdraw', 'confirm', 'reopen', 'finalize',
    'flag', 'rescind', 'moveUnit', 'setField', 'delay', 'excuse', 'sync',
  ),
  n: fc.integer({ min: 0, max: 2 }),
});
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Writes one op; instants advance by half a minute, so declarations and confirmations tie often. */
async function write(both: BothFollowing, writers: Map<string, PersonYearWriter>, { person, year, kind, n }: Op, step: number): Promise<void> {
  const { h } = both;
  const when = at(Math.floor(step / 2));
  const key = `${person}+${year}`;
  let w = writers.get(key);
  if (!w) {
    w = new PersonYearWriter(h.events, person, year);
    writers.set(key, w);
    const fields: Field[] = ['general', 'health', 'accounting'];
    await w.open(UNITS[n % 2]!, when, fields[n]);
  }
  const course = `course-${n}`;
  if (kind === 'declare') await w.declare(`a${n}`, when, { contentKey: n === 2 ? null : course });
  else if (kind === 'register') await w.register(`r${n}`, when, { hours: 40, subject: n === 0 ? 'public' : 'professional', contentKey: course, institutionId: INSTITUTIONS[n] ?? null });
  else if (kind === 'enough') await w.registerEnough(when, INSTITUTIONS[n]);
  else if (kind === 'verify') await w.verify(`a${n}`, 20, when, n === 1 ? 'course-2' : null);
  else if (kind === 'reject') await w.reject(`a${n}`, when);
  else if (kind === 'withdraw') await w.withdraw(`a${n}`, when);
  else if (kind === 'confirm') await w.confirm(when);
  else if (kind === 'reopen') await w.reopen(`a${n}`, when);
  else if (kind === 'finalize') await w.finalize(when, n === 2 ? [{ activityId: 'r0', hours: 10, contentKey: 'course-1' }] : []);
  else if (kind === 'flag') await w.flag(`f${n}`, when);
  else if (kind === 'rescind') await w.rescind(`f${n}`, when);
  else if (kind === 'moveUnit') await putUnit(h.events, { unitId: UNITS[n % 2]!, name: `moved ${step}`, region: n === 2 ? '360403' : `36010${n}`, industry: 'general' }, when);
  else if (kind === 'setField') await w.setField(n === 0 ? 'accounting' : 'health', when);
  else if (kind === 'delay') await w.recordPromotionDelay(when);
  else if (kind === 'excuse') await w.grantMakeUp('illness', n === 0 ? null : `${year + 2}-06-30`, when);
  else await both.caughtUp();
}

describe('PostgreSQL and SQLite read models, fed the same events', () => {
  it('hold the same rows and answer every query alike for the sample history', async () => {
    const both = await bothFollowing(3, 5);
    try {
      await writeSampleHistory(both.h.events, () => both.caughtUp());
      await expectSameAnswers(both);

      // The cursors are interchangeable too: a page handed out by one adapter continues on the other.
      const late = new PersonYearWriter(both.h.events, 'p-late', 2024);
      await late.open('u-a', at(30));
      for (const id of ['l1', 'l2', 'l3']) await late.declare(id, at(31));
      await both.caughtUp();
      const fromSqlite = await both.sqlite.readModels.unitPending('u-a', { limit: 1 });
      expect(fromSqlite.nextCursor).not.toBeNull();
      expect(await both.h.readModels.unitPending('u-a', { limit: 5, cursor: fromSqlite.nextCursor }))
        .toEqual(await both.sqlite.readModels.unitPending('u-a', { limit: 5, cursor: fromSqlite.nextCursor }));
    } finally {
      await both.h.close();
    }
  });

  it('hold the same rows and answer every query alike for any history and any paging (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 50, size: 'medium' }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), async (ops, pgPage, sqlitePage) => {
        const both = await bothFollowing(pgPage, sqlitePage);
        try {
          await putUnit(both.h.events, { unitId: 'u-a', name: 'A', region: '360102', industry: 'general' }, at(0));
          await putUnit(both.h.events, { unitId: 'u-b', name: 'B', region: '360402', industry: 'health' }, at(0));
          const writers = new Map<string, PersonYearWriter>();
          for (const [step, o] of ops.entries()) await write(both, writers, o, step + 2);
          await expectSameAnswers(both);
        } finally {
          await both.h.close();
        }
      }),
      { numRuns: 30 },
    );
    // A guard against a hang, not a speed check: alone it takes ≈ 35 s, and twice that beside the
    // other suites on two cores.
  }, 180_000);
});
