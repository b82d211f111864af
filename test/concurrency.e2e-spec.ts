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

it('parallel verifications and a declaration on one year all land', async () => {
  const verify = (id: string) => t.call('POST', `${yearPath()}/activities/${id}/verification`, { token: w.unit, body: { decision: 'approve' } });
  const answers = await Promise.all([verify('c0'), verify('c1'), verify('c2'), t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'late' }) })]);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 201]);
  const statement = await t.call('GET', yearPath(), { token: w.pro });
  expect(statement.body.activities.filter((a: { status: string }) => a.status === 'verified')).toHaveLength(3);
});

it('the same verification sent twice at once: one succeeds, the other is ACTIVITY_NOT_DECLARED', async () => {
  const verify = () => t.call('POST', `${yearPath()}/activities/c9/verification`, { token: w.unit, body: { decision: 'approve' } });
  const answers = await Promise.all([verify(), verify()]);
  expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
});
