/** Art. 15 through the API: a field's own rule set, chosen by SetField, recorded on every event. */
import { healthTestRegistry, JX_2023_TRIAL_HEALTH_TEST_ID } from '../libs/rules/src/testing';
import { activity, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let w: World;

beforeEach(async () => {
  t = await startTestApp({ now: '2024-06-01T02:00:00.000Z', rules: healthTestRegistry() });
  w = await world(t);
});
afterEach(() => t.close());

it('SetField to health applies the health rule set (professional ≥ 70) and records it on later events', async () => {
  await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity() });
  const res = await t.call('PUT', `${yearPath()}/field`, { token: w.unit, body: { field: 'health' } });
  expect(res.status).toBe(200);
  expect(res.body.field).toBe('health');
  expect(res.body.ruleSet).toBe(JX_2023_TRIAL_HEALTH_TEST_ID);
  expect(res.body.requirement).toEqual({ public: 30, professional: 70, total: 100 });
  expect(res.body.shortfall.professional).toBe(70);
  const events = await t.store.readStream('creditYear-p1+2024');
  expect(events.map((e) => e.metadata.ruleSetId)).toEqual(['jx-2023-trial', 'jx-2023-trial', JX_2023_TRIAL_HEALTH_TEST_ID]);
});

it('a regulator asks what the year gives under another rule set (ruleSet what-if)', async () => {
  await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity() });
  const res = await t.call('GET', `${yearPath()}?ruleSet=${JX_2023_TRIAL_HEALTH_TEST_ID}`, { token: w.regulator });
  expect(res.body.ruleSet).toBe(JX_2023_TRIAL_HEALTH_TEST_ID);
  expect(res.body.requirement.professional).toBe(70);
  expect(res.body.field).toBe('general');
});

it('an unknown field is 400; a confirmed year is YEAR_NOT_OPEN', async () => {
  await t.call('POST', `${yearPath()}/activities`, { token: w.institution, body: activity({ unitId: 'u1', evidence: undefined }) });
  expect((await t.call('PUT', `${yearPath()}/field`, { token: w.unit, body: { field: 'mining' } })).status).toBe(400);
  await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
  const res = await t.call('PUT', `${yearPath()}/field`, { token: w.unit, body: { field: 'health' } });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('YEAR_NOT_OPEN');
});
