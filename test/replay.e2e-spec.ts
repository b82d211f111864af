/**
 * An auditor's replay (API.md, Statement `asOf`/`revision`/`ruleSet`, History; RULES.md Art. 15):
 * "what did this year look like then, under which rules, and who changed it?" — the past answered
 * is exactly what was answered live then, and the history's chain checks by a hand of its own.
 */
import { createHash } from 'node:crypto';
import { healthTestRegistry, JX_2023_TRIAL_HEALTH_TEST_ID } from '../libs/rules/src/testing';
import { activity, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let w: World;

beforeEach(async () => {
  t = await startTestApp({ now: '2024-03-01T02:00:00.000Z', rules: healthTestRegistry() });
  w = await world(t);
});
afterEach(() => t.close());

interface HistoryEntry {
  revision: number;
  type: string;
  at: string;
  actor: { id: string; role: string };
  data: unknown;
  hash: string;
  prevHash: string;
}

/** RFC 8785 (JCS) written apart from the product's: sorted keys, ECMAScript number and string forms. */
function jcs(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).filter((key) => object[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${jcs(object[key])}`).join(',')}}`;
}

function expectChain(history: HistoryEntry[]): void {
  let prevHash = '0'.repeat(64);
  for (const { revision, type, at, actor, data, hash, prevHash: linked } of history) {
    expect({ revision, prevHash: linked }).toEqual({ revision, prevHash });
    const expected = createHash('sha256').update(prevHash + jcs({ revision, type, at, actor, data }), 'utf8').digest('hex');
    expect({ revision, hash }).toEqual({ revision, hash: expected });
    prevHash = hash;
  }
}

const statement = (query: string) => t.call('GET', `${yearPath()}${query}`, { token: w.regulator });
const dated = (overrides: Record<string, unknown> = {}) => activity({ completedOn: '2024-02-01', ...overrides });

it('asOf takes in an event recorded at that very instant, written in any offset, and not one recorded a millisecond later', async () => {
  await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: dated() });
  t.clock.set('2024-03-01T02:00:00.500Z');
  await t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'approve' } });
  const state = async (asOf: string) => (await statement(`?asOf=${encodeURIComponent(asOf)}`)).body.activities[0].status;
  expect(await state('2024-03-01T02:00:00.500Z')).toBe('verified');
  expect(await state('2024-03-01T10:00:00.500+08:00')).toBe('verified');
  expect(await state('2024-03-01T02:00:00.499Z')).toBe('declared');
});

it('every statement answered live is answered again for its revision and for the instant of that revision, through field change, fraud flag, rescission and final review', async () => {
  const live: Array<{ revision: number }> = [];
  const step = async (at: string, request: () => Promise<{ status: number; body: any }>) => {
    t.clock.set(at);
    const answer = await request();
    expect([at, answer.status < 300]).toEqual([at, true]);
    live.push((await statement('')).body);
    return answer.body;
  };
  const send = (method: string, path: string, token: string, body: unknown) => () => t.call(method, `${yearPath()}${path}`, { token, body });
  await step('2024-03-01T02:00:00.000Z', send('POST', '/activities', w.pro, dated({ activityId: 'a1', subject: 'professional', measure: { hours: 40 } })));
  await step('2024-03-02T02:00:00.000Z', send('POST', '/activities', w.institution, dated({ activityId: 'a2', unitId: 'u1', evidence: undefined, measure: { hours: 30 } })));
  await step('2024-03-03T02:00:00.000Z', send('POST', '/activities/a1/verification', w.unit, { decision: 'approve', hours: 35, reason: 'partly' }));
  await step('2024-03-04T02:00:00.000Z', send('PUT', '/field', w.unit, { field: 'health' }));
  const flag = await step('2024-03-05T02:00:00.000Z', send('POST', '/fraud-flags', w.hr, { reason: 'forged certificate' }));
  const rescinded = await step('2024-03-06T02:00:00.000Z', () => t.call('POST', `${yearPath()}/fraud-flags/${flag.flagId}/rescission`, { token: w.hr, body: { reason: 'a mistake' } }));
  await step('2024-03-07T02:00:00.000Z', send('POST', '/unit-confirmation', w.unit, {}));
  await step('2024-03-08T02:00:00.000Z', send('POST', '/finalization', w.hr, { decision: 'approve', adjustments: [{ activityId: 'a1', hours: 20, reason: 'cut' }] }));

  const history = (await statement('/history')).body as HistoryEntry[];
  expectChain(history);
  for (const seen of live) {
    const { revision } = seen;
    expect({ revision, body: (await statement(`?revision=${revision}`)).body }).toEqual({ revision, body: seen });
    expect({ revision, body: (await statement(`?asOf=${encodeURIComponent(history[revision]!.at)}`)).body }).toEqual({ revision, body: seen });
  }

  // Under which rules: the field's rule set of the day, on either side of the change.
  const fieldSet = history.find((entry) => entry.type === 'FieldSet')!;
  expect((await statement(`?revision=${fieldSet.revision - 1}`)).body).toMatchObject({ field: 'general', ruleSet: 'jx-2023-trial' });
  expect((await statement(`?revision=${fieldSet.revision}`)).body).toMatchObject({ field: 'health', ruleSet: JX_2023_TRIAL_HEALTH_TEST_ID });
  // A rescinded flag leaves the year as it was before it, but for the revision and the flag's entry.
  const flagged = history.find((entry) => entry.type === 'FraudFlagged')!;
  expect((await statement(`?revision=${flagged.revision}`)).body.status).toBe('voided');
  const beforeFlag = (await statement(`?revision=${flagged.revision - 1}`)).body;
  expect({ ...rescinded, revision: 0, flags: [] }).toEqual({ ...beforeFlag, revision: 0, flags: [] });
  // A what-if at a past revision: that state, judged under the other rules, its field unchanged.
  const whatIf = (await statement(`?revision=${fieldSet.revision - 1}&ruleSet=${JX_2023_TRIAL_HEALTH_TEST_ID}`)).body;
  expect(whatIf).toMatchObject({ field: 'general', ruleSet: JX_2023_TRIAL_HEALTH_TEST_ID, requirement: { professional: 70, total: 100 } });
  // Who changed it: each step's actor.
  expect(history.map((entry) => entry.actor.role)).toEqual(['professional', 'professional', 'institution', 'unit', 'unit', 'authority', 'authority', 'unit', 'authority']);
});
