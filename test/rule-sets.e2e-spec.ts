/** Art. 15 through the API: a field's own rule set, chosen by SetField, recorded on every event. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAPPING, jx2023Trial, RuleSetRegistry } from '@jx/rules';
import { healthTestRegistry, jx2023TrialHealthTest, JX_2023_TRIAL_HEALTH_TEST_ID } from '../libs/rules/src/testing';
import { activity, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';
import { undocumentedErrors } from './support/documented-errors';

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

it('Art. 15: history replays under the rules of its day — asOf / revision use the rule set recorded then, after the configuration changed', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jx-rules-of-the-day-'));
  try {
    // Before: the shipped configuration (jx-2023-trial for every field).
    const before = await startTestApp({ now: '2024-06-01T02:00:00.000Z', env: { DATA_DIR: dataDir } });
    const cast = await world(before);
    const declared = await before.call('POST', `${yearPath()}/activities`, { token: cast.pro, body: activity() });
    expect(declared.status).toBe(201);
    await before.close();
    // After: a new rule set configured for (general, 2024) from now on.
    const reconfigured = new RuleSetRegistry([jx2023Trial, jx2023TrialHealthTest], [...DEFAULT_MAPPING, { field: 'general', fromYear: 2024, ruleSet: JX_2023_TRIAL_HEALTH_TEST_ID }]);
    const after = await startTestApp({ now: '2024-07-01T02:00:00.000Z', env: { DATA_DIR: dataDir }, rules: reconfigured });
    try {
      const regulator = await after.token({ role: 'regulator', region: '360000' });
      const now = await after.call('GET', yearPath(), { token: regulator });
      expect([now.body.ruleSet, now.body.requirement.professional]).toEqual([JX_2023_TRIAL_HEALTH_TEST_ID, 70]);
      const then = await after.call('GET', `${yearPath()}?revision=${declared.body.revision}`, { token: regulator });
      expect([then.body.ruleSet, then.body.requirement.professional]).toEqual(['jx-2023-trial', 60]);
      const asOf = await after.call('GET', `${yearPath()}?asOf=2024-06-30T00:00:00.000Z`, { token: regulator });
      expect(asOf.body.ruleSet).toBe('jx-2023-trial');
      // A what-if still names its rule set explicitly.
      const whatIf = await after.call('GET', `${yearPath()}?revision=${declared.body.revision}&ruleSet=${JX_2023_TRIAL_HEALTH_TEST_ID}`, { token: regulator });
      expect(whatIf.body.ruleSet).toBe(JX_2023_TRIAL_HEALTH_TEST_ID);
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('GET /api/rule-sets: any role sees the rule sets loaded and the (field, year) mapping; no token is 401', async () => {
  const industryAuthority = await t.token({ role: 'authority', region: '360100', industry: 'health' });
  for (const token of [w.pro, w.institution, w.unit, w.hr, industryAuthority, w.regulator]) {
    const res = await t.call('GET', '/api/rule-sets', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ruleSets: [
        { id: 'jx-2023-trial', version: '1', title: jx2023Trial.title, source: '赣人社规〔2023〕2号', effectiveFrom: '2023-07-01', lineage: ['jx-2023-trial'] },
        { id: JX_2023_TRIAL_HEALTH_TEST_ID, version: '1', title: jx2023TrialHealthTest.title, source: null, effectiveFrom: '2023-07-01', lineage: [JX_2023_TRIAL_HEALTH_TEST_ID, 'jx-2023-trial'] },
      ],
      mapping: [
        { field: '*', fromYear: 2023, toYear: null, ruleSet: 'jx-2023-trial' },
        { field: 'health', fromYear: 2023, toYear: null, ruleSet: JX_2023_TRIAL_HEALTH_TEST_ID },
      ],
    });
  }
  expect((await t.call('GET', '/api/rule-sets')).status).toBe(401);
  expect((await t.call('GET', `/api/rule-sets/${JX_2023_TRIAL_HEALTH_TEST_ID}`)).status).toBe(401);
});

it('GET /api/rule-sets/{id}: the rule set a statement names, `extends` resolved — what a field changes, and what Art. 15 keeps', async () => {
  await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity() });
  const named = (await t.call('PUT', `${yearPath()}/field`, { token: w.unit, body: { field: 'health' } })).body.ruleSet;
  const res = await t.call('GET', `/api/rule-sets/${named}`, { token: w.regulator });
  expect(res.status).toBe(200);
  const trial = (await t.call('GET', '/api/rule-sets/jx-2023-trial', { token: w.pro })).body;
  expect(res.body).toMatchObject({ id: JX_2023_TRIAL_HEALTH_TEST_ID, lineage: [JX_2023_TRIAL_HEALTH_TEST_ID, 'jx-2023-trial'], requirement: { public: 30, professional: 70, total: 100 } });
  expect(res.body.items['9.1']).toEqual({ ...trial.items['9.1'], cap: 40 });
  expect(res.body.items['8.8']).toEqual(trial.items['8.8']);
  expect(res.body.art7).toEqual({ minutesPerHour: 45, hoursPerDay: 8, partDayBelowMinutes: 360 });
  expect(trial.items['8.5']).toEqual({ article: '8(5)', name: '学术会议、学术讲座', subject: { rule: 'fixed', subject: 'professional' }, measure: { kind: 'duration', forms: ['minutes', 'days'], multiplier: 1 }, cap: 10 });
  expect(Object.keys(trial.items).sort()).toEqual(['10', '8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7', '8.8', '9.1', '9.2', '9.3', '9.4', '9.5']);
});

it.each([
  ['an id not loaded', '/api/rule-sets/jx-2019', 404, 'RULE_SET_NOT_FOUND'],
  ['an id that is no rule-set id (capitals)', '/api/rule-sets/JX-2023-TRIAL', 400, 'VALIDATION_FAILED'],
  ['an id too long', `/api/rule-sets/${'a'.repeat(65)}`, 400, 'VALIDATION_FAILED'],
  ['an empty id', '/api/rule-sets/', 400, 'VALIDATION_FAILED'],
  ['a query parameter on the list', '/api/rule-sets?field=health', 400, 'VALIDATION_FAILED'],
  ['a query parameter on one', '/api/rule-sets/jx-2023-trial?year=2024', 400, 'VALIDATION_FAILED'],
])('GET rule sets: %s is %d %s', async (_what, path, status, code) => {
  const res = await t.call('GET', path, { token: w.regulator });
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  // An id out of format, empty or not, is told the format of a rule-set id (not API.md's other ids').
  if (path.startsWith('/api/rule-sets/') && status === 400 && !path.includes('?')) expect(res.body.error.message).toBe('ruleSetId: lowercase letters, digits and "-", 1–64');
});

it('documents in /api/docs every error it answered here (API.md: what it does not name, document there)', async () => {
  expect(t.errorAnswers.length).toBeGreaterThan(0);
  expect(await undocumentedErrors(t)).toEqual([]);
});
