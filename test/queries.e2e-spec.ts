/** Statement time travel, rule-set what-ifs, history's hash chain, inboxes and the compliance report. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@jx/event-store';
import { activity, refusedFields, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';
import { undocumentedErrors } from './support/documented-errors';

let t: TestApp;
let w: World;

beforeEach(async () => {
  t = await startTestApp({ now: '2024-03-01T02:00:00.000Z' });
  w = await world(t);
});
afterEach(() => t.close());

const declare = (token: string, body: Record<string, unknown>, personId = 'p1') => t.call('POST', `${yearPath(personId)}/activities`, { token, body });

describe('statement time travel', () => {
  beforeEach(async () => {
    await declare(w.pro, activity({ completedOn: '2024-02-01' }));
    t.clock.set('2024-03-02T02:00:00.000Z');
    await t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'approve', hours: 8, reason: 'partly' } });
  });

  it('asOf gives the year as it stood at an instant (every event at or before it)', async () => {
    const then = await t.call('GET', `${yearPath()}?asOf=2024-03-01T10:00:00.000%2B08:00`, { token: w.regulator });
    expect(then.status).toBe(200);
    expect(then.body.revision).toBe(1);
    expect(then.body.activities[0].status).toBe('declared');
    // The zone's `+` written into the URL as it is (a space, as a query string decodes it): the same instant.
    const unencoded = await t.call('GET', `${yearPath()}?asOf=2024-03-01T10:00:00.000+08:00`, { token: w.regulator });
    expect([unencoded.status, unencoded.body]).toEqual([200, then.body]);
    const now = await t.call('GET', `${yearPath()}?asOf=2024-03-02T02:00:00.000Z`, { token: w.regulator });
    expect(now.body.activities[0].hours.verified).toBe(8);
  });

  it('asOf past the four-digit years once in UTC (9999-12-31T23:59:59.999-00:01) gives the latest statement, as any later instant does', async () => {
    const late = await t.call('GET', `${yearPath()}?asOf=${encodeURIComponent('9999-12-31T23:59:59.999-00:01')}`, { token: w.regulator });
    expect([late.status, late.body.revision]).toEqual([200, 2]);
  });

  it('revision gives the year after that event; past the last one is REVISION_NOT_FOUND', async () => {
    const r0 = await t.call('GET', `${yearPath()}?revision=0`, { token: w.regulator });
    expect(r0.body.activities).toEqual([]);
    expect((await t.call('GET', `${yearPath()}?revision=3`, { token: w.regulator })).body.error.code).toBe('REVISION_NOT_FOUND');
    for (const huge of ['1000000000', '2147483648', '9007199254740993', '9'.repeat(400)]) {
      expect((await t.call('GET', `${yearPath()}?revision=${huge}`, { token: w.regulator })).body.error.code).toBe('REVISION_NOT_FOUND');
    }
  });

  it('before the first event is 404; asOf with revision is 400; an unknown ruleSet is 400', async () => {
    expect((await t.call('GET', `${yearPath()}?asOf=2024-01-01T00:00:00.000Z`, { token: w.regulator })).status).toBe(404);
    expect((await t.call('GET', `${yearPath()}?asOf=2024-03-02T02:00:00.000Z&revision=1`, { token: w.regulator })).status).toBe(400);
    expect((await t.call('GET', `${yearPath()}?ruleSet=nope`, { token: w.regulator })).status).toBe(400);
    expect((await t.call('GET', `${yearPath()}?colour=red`, { token: w.regulator })).status).toBe(400);
  });

  it('ruleSet recomputes under the named rule set', async () => {
    const res = await t.call('GET', `${yearPath()}?ruleSet=jx-2023-trial`, { token: w.regulator });
    expect(res.body.ruleSet).toBe('jx-2023-trial');
  });

  it('a person-year never written to is PERSON_YEAR_NOT_FOUND', async () => {
    const res = await t.call('GET', yearPath('nobody'), { token: w.regulator });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('PERSON_YEAR_NOT_FOUND');
  });
});

describe('history', () => {
  it('lists every event with a hash chain anyone can recompute (sha256 of prevHash + JCS)', async () => {
    await declare(w.pro, activity({ completedOn: '2024-02-01' }));
    await t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'reject', reason: 'no certificate' } });
    const res = await t.call('GET', `${yearPath()}/history`, { token: w.pro });
    expect(res.body.map((e: { type: string }) => e.type)).toEqual(['PersonYearOpened', 'ActivityDeclared', 'ActivityRejectedByUnit']);
    let prev = '0'.repeat(64);
    for (const e of res.body) {
      expect(e.prevHash).toBe(prev);
      const { revision, type, at, actor, data } = e;
      expect(e.hash).toBe(createHash('sha256').update(prev + canonicalJson({ revision, type, at, actor, data }), 'utf8').digest('hex'));
      prev = e.hash;
    }
    expect(res.body[2].actor).toEqual({ id: 'unit-u1', role: 'unit' });
  });

  it('takes no query parameters: any is an unknown field (400), as on every other query', async () => {
    await declare(w.pro, activity({ completedOn: '2024-02-01' }));
    const res = await t.call('GET', `${yearPath()}/history?asOf=2024-06-01T00:00:00.000Z`, { token: w.pro });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('asOf: unknown field');
  });
});

describe('inboxes and the report (projections)', () => {
  it('the unit inbox lists declarations awaiting verification, oldest first, with a cursor', async () => {
    for (let i = 1; i <= 3; i++) {
      t.clock.set(`2024-03-0${i}T02:00:00.000Z`);
      await declare(w.pro, activity({ activityId: `a${i}`, completedOn: '2024-02-01' }));
    }
    await t.projected();
    const first = await t.call('GET', '/api/units/u1/pending?limit=2', { token: w.unit });
    expect(first.body.items.map((i: { activityId: string }) => i.activityId)).toEqual(['a1', 'a2']);
    expect(first.body.items[0]).toEqual({ personId: 'p1', year: 2024, activityId: 'a1', category: '8.1', title: 'Public course', declaredAt: '2024-03-01T02:00:00.000Z' });
    const second = await t.call('GET', `/api/units/u1/pending?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: w.unit });
    expect(second.body).toEqual({ items: [expect.objectContaining({ activityId: 'a3' })], nextCursor: null });
    expect((await t.call('GET', '/api/units/u1/pending?limit=0', { token: w.unit })).status).toBe(400);
    expect((await t.call('GET', '/api/units/u1/pending?limit=1001', { token: w.unit })).status).toBe(400);
  });

  it('the authority inbox lists confirmed years in scope; the report counts them', async () => {
    await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, completedOn: '2024-02-01', measure: { hours: 30 } }), 'p1');
    await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, completedOn: '2024-02-01' }), 'p2');
    await t.call('POST', `${yearPath('p1')}/unit-confirmation`, { token: w.unit, body: {} });
    await t.call('POST', `${yearPath('p2')}/fraud-flags`, { token: w.hr, body: { reason: 'forged' } });
    await t.projected();
    const city = await t.token({ role: 'authority', region: '360100' });
    const inbox = await t.call('GET', '/api/authorities/pending', { token: city });
    expect(inbox.body).toEqual({ items: [{ personId: 'p1', year: 2024, unitId: 'u1', confirmedAt: '2024-03-01T02:00:00.000Z' }], nextCursor: null });
    const elsewhere = await t.token({ role: 'authority', region: '360400' });
    expect((await t.call('GET', '/api/authorities/pending', { token: elsewhere })).body.items).toEqual([]);
    const report = await t.call('GET', '/api/reports/compliance?year=2024&region=360100', { token: w.regulator });
    expect(report.body).toEqual({ year: 2024, scope: { region: '360100' }, personYears: 2, compliant: 0, nonCompliant: 1, voided: 1, finalized: 0, promotionDelays: 0 });
    const byUnit = await t.call('GET', '/api/reports/compliance?year=2024&unitId=u1', { token: city });
    expect(byUnit.body.scope).toEqual({ unitId: 'u1' });
    expect(byUnit.body.personYears).toBe(2);
  });
});

it('a cursor that no page handed out is 400 INVALID_CURSOR', async () => {
  const res = await t.call('GET', '/api/units/u1/pending?cursor=bogus', { token: w.unit });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('INVALID_CURSOR');
  // 400 comes before 404 (API.md): a bad cursor on an unregistered unit's inbox is still INVALID_CURSOR.
  const stranger = await t.token({ role: 'unit', unitId: 'u-unregistered' });
  expect((await t.call('GET', '/api/units/u-unregistered/pending?cursor=bogus', { token: stranger })).body.error.code).toBe('INVALID_CURSOR');
  expect((await t.call('GET', '/api/units/u-unregistered/pending', { token: stranger })).body.error.code).toBe('UNIT_NOT_FOUND');
  // Well-formed but made up (a time no event has, a position below 1): refused too, not an empty page.
  const madeUp = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
  for (const cursor of [madeUp(['unit-pending', 'not-a-date', 1]), madeUp(['unit-pending', '2024-06-01T00:00:00.000Z', -1])]) {
    expect((await t.call('GET', `/api/units/u1/pending?cursor=${cursor}`, { token: w.unit })).body.error.code).toBe('INVALID_CURSOR');
  }
  expect((await t.call('GET', `/api/authorities/pending?cursor=${madeUp(['authority-pending', '2024-06-01T00:00:00.000Z', 'p 1', 2024])}`, { token: w.regulator })).body.error.code).toBe('INVALID_CURSOR');
});

it('an industry authority asking the report by unit sees only its own field', async () => {
  await declare(w.pro, activity({ completedOn: '2024-02-01' }));
  await t.projected();
  const health = await t.token({ role: 'authority', region: '360000', industry: 'health' });
  const byUnit = await t.call('GET', '/api/reports/compliance?year=2024&unitId=u1', { token: health });
  expect(byUnit.body.personYears).toBe(0);
  const hr = await t.call('GET', '/api/reports/compliance?year=2024&unitId=u1', { token: w.hr });
  expect(hr.body.personYears).toBe(1);
});

it('a required parameter or field left out is named as required, not in the schema library\'s words', async () => {
  const report = await t.call('GET', '/api/reports/compliance', { token: w.regulator });
  expect([report.status, report.body.error.code, refusedFields(report.body)]).toEqual([400, 'VALIDATION_FAILED', [{ field: 'year', reason: 'is required' }]]);
  expect(report.body.error.message).toBe('year: is required');
  const { title: _title, ...untitled } = activity();
  const declared = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: untitled });
  expect([declared.status, refusedFields(declared.body)]).toEqual([400, [{ field: 'title', reason: 'is required' }]]);
  // A value of the wrong type is still said as such.
  const wrong = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: { ...untitled, title: 7 } });
  expect(refusedFields(wrong.body)).toEqual([{ field: 'title', reason: expect.not.stringContaining('required') }]);
});

it('the inbox of a unit never registered is UNIT_NOT_FOUND', async () => {
  const ghost = await t.token({ role: 'unit', unitId: 'ghost' });
  const res = await t.call('GET', '/api/units/ghost/pending', { token: ghost });
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('UNIT_NOT_FOUND');
});

it('documents in /api/docs every error it answered here (API.md: what it does not name, document there)', async () => {
  expect(t.errorAnswers.length).toBeGreaterThan(0);
  expect(await undocumentedErrors(t)).toEqual([]);
});
