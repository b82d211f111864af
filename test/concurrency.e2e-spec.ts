/** API.md: commands on one person-year are safe in parallel — distinct ones all succeed, none is lost. */
import { activity, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startTestApp({ now: '2024-06-01T02:00:00.000Z' });
  w = await world(t);
});
afterAll(() => t.close());

it('50 distinct declarations sent at once all succeed with distinct revisions, and all are in the stream', async () => {
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) => t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: `c${i}` }) })),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(50).fill(201));
  const revisions = new Set(answers.map((a) => a.body.revision));
  expect(revisions.size).toBe(50);
  const statement = await t.call('GET', yearPath(), { token: w.pro });
  expect(statement.body.activities).toHaveLength(50);
});

/** A person-year of its own for a test (unit u1), with `activityIds` declared one after another. */
async function declaredYear(personId: string, activityIds: readonly string[]): Promise<{ path: string; pro: string }> {
  const pro = await t.token({ role: 'professional', personId, unitId: 'u1' });
  for (const activityId of activityIds) {
    expect((await t.call('POST', `${yearPath(personId)}/activities`, { token: pro, body: activity({ activityId }) })).status).toBe(201);
  }
  return { path: yearPath(personId), pro };
}

it('parallel verifications and a declaration on one year all land', async () => {
  const { path, pro } = await declaredYear('pv', ['c0', 'c1', 'c2']);
  const verify = (id: string) => t.call('POST', `${path}/activities/${id}/verification`, { token: w.unit, body: { decision: 'approve' } });
  const answers = await Promise.all([verify('c0'), verify('c1'), verify('c2'), t.call('POST', `${path}/activities`, { token: pro, body: activity({ activityId: 'late' }) })]);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 201]);
  const statement = await t.call('GET', path, { token: pro });
  expect(statement.body.activities.filter((a: { status: string }) => a.status === 'verified')).toHaveLength(3);
  expect(statement.body.activities).toHaveLength(4);
});

it('the same verification sent twice at once: one succeeds, the other is ACTIVITY_NOT_DECLARED', async () => {
  const { path } = await declaredYear('pt', ['c9']);
  const verify = () => t.call('POST', `${path}/activities/c9/verification`, { token: w.unit, body: { decision: 'approve' } });
  const answers = await Promise.all([verify(), verify()]);
  expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
});
