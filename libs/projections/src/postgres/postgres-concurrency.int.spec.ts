import { READ_MODELS_CHECKPOINT } from '../projector';
import type { ReadModelBatch } from '../read-model.port';
import { PersonYearWriter, at, putUnit } from '../testing/projection-fixtures';
import { PostgresTestSchemas, eventually } from '../testing/postgres-test-schemas';
import { readModelHarness, type ReadModelHarness } from '../testing/read-model-harness';
import { PostgresReadModelStore } from './postgres-read-model.adapter';

/**
 * Several runners (processes) may feed one schema. Each page commits its rows with the checkpoint
 * under the checkpoint row's lock, so whichever commits last, the rows are the newest page's.
 */
const pg = new PostgresTestSchemas();
beforeAll(() => pg.setUp());
afterAll(() => pg.tearDown());

/** A page at `position` whose rows all say which page wrote them. */
function page(position: number): ReadModelBatch {
  return {
    checkpoint: READ_MODELS_CHECKPOINT,
    position,
    changes: [
      { kind: 'unit', unit: { unitId: 'u1', name: `written at ${position}`, region: '360102', industry: 'general' } },
      {
        kind: 'personYear',
        snapshot: {
          personYear: {
            personId: 'p1', year: 2024, unitId: 'u1', field: 'general', status: 'open', compliant: false, finalized: false,
            promotionDelay: false, confirmedAt: null, delayDueAfter: null, revision: position,
          },
          pending: [{ activityId: `a${position}`, category: '8.1', title: 't', declaredAt: at(1), position }],
          registrations: [{ activityId: `r${position}`, institutionId: 'inst-1', contentKey: null, position }],
        },
      },
    ],
  };
}

/** Backends of this schema waiting for a lock (another session's row or table lock). */
async function waitingOn(schema: string): Promise<number> {
  const { rows } = await pg.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock' AND position($1 in query) > 0`,
    [schema],
  );
  return rows[0]?.n ?? 0;
}

describe('PostgreSQL read models fed by several runners', () => {
  it('a page that waited for the checkpoint re-reads it, and is skipped once a newer page committed meanwhile', async () => {
    const schema = pg.schema();
    const store = await pg.open({ schema });
    await store.apply(page(1));
    // Another runner, mid-page: it holds the checkpoint row.
    const other = await pg.session();
    await other.query('BEGIN');
    await other.query(`SELECT position FROM ${pg.table(schema, 'checkpoints')} WHERE name = $1 FOR UPDATE`, [READ_MODELS_CHECKPOINT]);
    const slower = store.apply(page(5));
    await eventually(async () => (await waitingOn(schema)) === 1, 'the slower page to wait for the checkpoint row');

    // It commits a newer page before letting go.
    await other.query(`UPDATE ${pg.table(schema, 'person_years')} SET revision = 9`);
    await other.query(`UPDATE ${pg.table(schema, 'checkpoints')} SET position = 9 WHERE name = $1`, [READ_MODELS_CHECKPOINT]);
    await other.query('COMMIT');

    await expect(slower).resolves.toBe(false);
    expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(9);
    const dump = await store.dump();
    expect(dump.person_years).toEqual([expect.objectContaining({ revision: 9 })]);
    expect(dump.pending_activities).toEqual([expect.objectContaining({ activity_id: 'a1' })]);
  });

  it('two stores racing over the same pages end with the newest page rows and checkpoint, whatever the interleaving', async () => {
    const schema = pg.schema();
    const [a, b] = await Promise.all([pg.open({ schema }), pg.open({ schema })]);
    const positions = Array.from({ length: 60 }, (_, i) => i + 1);
    // Scrambled (x -> 37x mod 61 is one-to-one), so that both pools hold pages in flight at once
    // and older pages often arrive after newer ones.
    const order = [...positions].sort((x, y) => ((x * 37) % 61) - ((y * 37) % 61));
    const results = await Promise.all(order.map((p, i) => (i % 2 === 0 ? a : b)!.apply(page(p))));
    expect(results[order.indexOf(60)]).toBe(true);
    expect(await a!.checkpoint(READ_MODELS_CHECKPOINT)).toBe(60);
    const dump = await b!.dump();
    expect(dump.units).toEqual([expect.objectContaining({ name: 'written at 60' })]);
    expect(dump.person_years).toEqual([expect.objectContaining({ revision: 60 })]);
    expect(dump.pending_activities).toEqual([expect.objectContaining({ activity_id: 'a60' })]);
    expect(dump.institution_registrations).toEqual([expect.objectContaining({ activity_id: 'r60' })]);
  });
});

describe('ProjectionRunner on PostgreSQL read models, and failures', () => {
  let h: ReadModelHarness;
  afterEach(() => h.close());

  it('leaves rows and checkpoint untouched while a page cannot commit, then catches up on retry', async () => {
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const errors: unknown[] = [];
    // A short lock_timeout turns "another session holds the checkpoint" into a failed page.
    const factory = pg.factory({ pool: { lock_timeout: 50 } });
    h = await readModelHarness(factory, { onError: (e) => (errors.push(e), failed()) });
    await putUnit(h.events, { unitId: 'u-a', name: 'A', region: '360102', industry: 'general' }, at(0));
    await h.runner.start();
    await h.caughtUp();
    const before = await h.dump();
    const checkpoint = await h.readModels.checkpoint(READ_MODELS_CHECKPOINT);

    const blocker = await pg.session();
    await blocker.query('BEGIN');
    if (!(h.readModels instanceof PostgresReadModelStore)) throw new Error('the factory opened another adapter');
    const { schema } = h.readModels.names;
    await blocker.query(`SELECT position FROM ${pg.table(schema, 'checkpoints')} WHERE name = $1 FOR UPDATE`, [READ_MODELS_CHECKPOINT]);
    const p1 = new PersonYearWriter(h.events, 'p1', 2024);
    await p1.open('u-a', at(1));
    await p1.declare('a1', at(2));
    await firstFailure;
    expect(String(errors[0])).toMatch(/lock timeout/i);
    expect(await h.dump()).toEqual(before);
    expect(await h.readModels.checkpoint(READ_MODELS_CHECKPOINT)).toBe(checkpoint);
    expect(h.runner.checkpoint).toBe(checkpoint);

    await blocker.query('ROLLBACK');
    await h.caughtUp();
    expect((await h.readModels.unitPending('u-a', { limit: 10 })).items.map((i) => i.activityId)).toEqual(['a1']);
  });
});
