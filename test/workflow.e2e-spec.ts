/**
 * The multi-level workflow of RULES.md §4 over HTTP: declare → verify → confirm → finalise,
 * registrations verified on registration, adjustments in the final tier only, idempotent repeats.
 */
import { activity, missingReasons, refusedFields, world, yearPath, type World } from './support/fixtures';
import { expectError, withoutWrite } from './support/matrix';
import { startTestApp, type TestApp } from './support/test-app';
import { undocumentedErrors } from './support/documented-errors';

let t: TestApp;
let w: World;

beforeEach(async () => {
  t = await startTestApp({ now: '2024-12-01T02:00:00.000Z' });
  w = await world(t);
});
afterEach(() => t.close());

const declare = (token: string, body: Record<string, unknown>) => t.call('POST', `${yearPath()}/activities`, { token, body });

describe('DeclareActivity', () => {
  it('Art. 7: a professional declares 3 days + 270 minutes = 30.00 hours, waiting for the unit', async () => {
    const res = await declare(w.pro, activity({ measure: { days: 3, extraMinutes: 270 } }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ activityId: 'a1', status: 'declared', hours: 30, revision: 1 });
    const statement = await t.call('GET', yearPath(), { token: w.pro });
    expect(statement.body.totals.declared).toEqual({ public: 30, professional: 0, total: 30 });
    expect(statement.body.totals.verified).toEqual({ public: 0, professional: 0, total: 0 });
    expect(statement.body.activities[0].explanation[0].text).toBe('3 天 × 8 + 270 分钟 ÷ 45 = 30.00 学时');
  });

  it('the same activityId and body from the same actor again answers 200 identically and writes nothing', async () => {
    const first = await declare(w.pro, activity());
    const head = await t.head();
    const again = await declare(w.pro, activity());
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await t.head()).toBe(head);
  });

  it('a retry of a declaration is answered as the first time even after the year was voided; a new one is YEAR_VOIDED', async () => {
    const first = await declare(w.pro, activity());
    expect((await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'forged certificate' } })).status).toBe(201);
    const head = await t.head();
    const again = await declare(w.pro, activity());
    expect([again.status, again.body]).toEqual([200, first.body]);
    expect((await declare(w.pro, activity({ activityId: 'a2' }))).body.error.code).toBe('YEAR_VOIDED');
    expect(await t.head()).toBe(head);
  });

  it('the same activityId with another body is ACTIVITY_ID_REUSED', async () => {
    await declare(w.pro, activity());
    const res = await declare(w.pro, activity({ title: 'Other' }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ACTIVITY_ID_REUSED');
  });

  it('the same activityId and body from another actor (another sub, same role) is ACTIVITY_ID_REUSED and writes nothing', async () => {
    const registration = activity({ unitId: 'u1', evidence: undefined });
    expect((await declare(await t.token({ role: 'institution', institutionId: 'inst1', sub: 'clerk-1' }), registration)).status).toBe(201);
    const head = await t.head();
    const byColleague = await declare(await t.token({ role: 'institution', institutionId: 'inst1', sub: 'clerk-2' }), registration);
    expectError(byColleague, 409, 'ACTIVITY_ID_REUSED');
    expect(await t.head()).toBe(head);
  });

  it('Art. 12 ¶1: an institution registration is verified on registration', async () => {
    const res = await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('verified');
    const statement = await t.call('GET', yearPath(), { token: w.unit });
    expect(statement.body.totals.verified.public).toBe(10);
  });

  it('a unit registers its in-house training 8(3), capped at 10', async () => {
    await declare(w.unit, activity({ activityId: 'h1', category: '8.3', subject: undefined, measure: { hours: 8 }, evidence: undefined, completedOn: '2024-03-01' }));
    await declare(w.unit, activity({ activityId: 'h2', category: '8.3', subject: undefined, measure: { hours: 8 }, evidence: undefined, completedOn: '2024-04-01' }));
    const statement = await t.call('GET', yearPath(), { token: w.unit });
    const h2 = statement.body.activities.find((a: { activityId: string }) => a.activityId === 'h2');
    expect(h2.hours.counted).toBe(2);
    expect(h2.notes).toContain('CAPPED');
    expect(statement.body.totals.verified.professional).toBe(10);
  });

  it('a professional needs evidence (EVIDENCE_REQUIRED)', async () => {
    const res = await declare(w.pro, activity({ evidence: [] }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('EVIDENCE_REQUIRED');
  });

  it('a person-year takes at most 500 activities: the 501st is 409 TOO_MANY_ACTIVITIES and writes nothing; a repeat is still answered', async () => {
    for (let batch = 0; batch < 500; batch += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => declare(w.pro, activity({ activityId: `n${batch + i}` }))));
      expect(answers.every((a) => a.status === 201)).toBe(true);
    }
    expectError(await withoutWrite(t, () => declare(w.pro, activity({ activityId: 'n500' }))), 409, 'TOO_MANY_ACTIVITIES');
    expect((await declare(w.pro, activity({ activityId: 'n7' }))).status).toBe(200);
  }, 30_000);

  it('8(8): a second active points activity is POINTS_ALREADY_DECLARED', async () => {
    await declare(w.pro, activity({ activityId: 'x1', category: '8.8', subject: undefined, measure: { points: 12345 } }));
    const res = await declare(w.pro, activity({ activityId: 'x2', category: '8.8', subject: undefined, measure: { points: 500 } }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('POINTS_ALREADY_DECLARED');
    await t.call('DELETE', `${yearPath()}/activities/x1`, { token: w.pro });
    expect((await declare(w.pro, activity({ activityId: 'x2', category: '8.8', subject: undefined, measure: { points: 500 } }))).status).toBe(201);
  });
});

describe('WithdrawActivity takes no body', () => {
  it('a body with a field is refused (400 naming it) and nothing is written; none, or {}, withdraws', async () => {
    await declare(w.pro, activity({ activityId: 'w1' }));
    await declare(w.pro, activity({ activityId: 'w2' }));
    const head = await t.head();
    const refused = await t.call('DELETE', `${yearPath()}/activities/w1`, { token: w.pro, body: { reason: 'changed my mind' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('reason: unknown field');
    expect(await t.head()).toBe(head);
    expect((await t.call('DELETE', `${yearPath()}/activities/w1`, { token: w.pro, body: {} })).status).toBe(200);
    // An empty body of another type is no body either (curl -X DELETE -d '' sends form-urlencoded).
    await declare(w.pro, activity({ activityId: 'w3' }));
    expect((await t.call('DELETE', `${yearPath()}/activities/w3`, { token: w.pro, raw: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(200);
    expect((await t.call('DELETE', `${yearPath()}/activities/w2`, { token: w.pro })).status).toBe(200);
  });
});

describe('UnitVerify, UnitConfirm, AuthorityFinalize', () => {
  it('runs the whole workflow and the final tier decides compliance', async () => {
    await declare(w.pro, activity({ activityId: 'pub', measure: { hours: 30 } }));
    await declare(w.pro, activity({ activityId: 'pro', subject: 'professional', measure: { hours: 60 } }));
    expect((await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} })).body.error.code).toBe('PENDING_VERIFICATION');
    const v1 = await t.call('POST', `${yearPath()}/activities/pub/verification`, { token: w.unit, body: { decision: 'approve' } });
    expect(v1.status).toBe(200);
    expect(v1.body.status).toBe('verified');
    const v2 = await t.call('POST', `${yearPath()}/activities/pro/verification`, { token: w.unit, body: { decision: 'approve', hours: 59, reason: 'one hour missed' } });
    expect(v2.body.hours).toMatchObject({ claimed: 60, verified: 59 });
    const confirmed = await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: { note: 'checked' } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect(confirmed.body.compliant).toBe(false);
    const authority = await t.token({ role: 'authority', region: '360100' });
    const finalized = await t.call('POST', `${yearPath()}/finalization`, {
      token: authority,
      body: { decision: 'approve', adjustments: [{ activityId: 'pub', hours: 0, reason: 'certificate not valid' }] },
    });
    expect(finalized.status).toBe(200);
    expect(finalized.body.status).toBe('finalized');
    expect(finalized.body.totals.final).toEqual({ public: 0, professional: 59, total: 59 });
    expect(finalized.body.totals.verified).toEqual({ public: 30, professional: 59, total: 89 });
    const pub = finalized.body.activities.find((a: { activityId: string }) => a.activityId === 'pub');
    expect(pub.status).toBe('rejected');
    expect(pub.hours).toEqual({ claimed: 30, verified: 30, final: 0, counted: 0 });
    expect(finalized.body.shortfall).toEqual({ public: 30, professional: 1 });
  });

  it('hours above the claimed are HOURS_ABOVE_CLAIMED; a reason is required with hours', async () => {
    await declare(w.pro, activity());
    const noReason = await t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'approve', hours: 5 } });
    expect(noReason.body.error.code).toBe('REASON_REQUIRED');
    const rejectWithHours = await t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'reject', hours: 5 } });
    expect(rejectWithHours.body.error.code).toBe('REASON_REQUIRED');
    const above = await t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'approve', hours: 11, reason: 'x' } });
    expect(above.status).toBe(422);
    expect(above.body.error.code).toBe('HOURS_ABOVE_CLAIMED');
  });

  it('an empty or blank reason is no reason: REASON_REQUIRED where one is needed, else 400 on the field; nothing written', async () => {
    await declare(w.pro, activity());
    const head = await t.head();
    const verify = (body: Record<string, unknown>) => t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body });
    for (const reason of ['', '   ', '\n\t']) {
      expect([(await verify({ decision: 'reject', reason })).body.error.code, (await verify({ decision: 'approve', hours: 5, reason })).body.error.code]).toEqual(['REASON_REQUIRED', 'REASON_REQUIRED']);
      const approve = await verify({ decision: 'approve', reason });
      expect([approve.status, approve.body.error.code, refusedFields(approve.body)]).toEqual([400, 'VALIDATION_FAILED', [{ field: 'reason', reason: 'must not be empty or blank' }]]);
    }
    const flag = await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: '  ' } });
    expect([flag.status, flag.body.error.code, missingReasons(flag.body)]).toEqual([400, 'REASON_REQUIRED', ['reason']]);
    expect(await t.head()).toBe(head);
    expect((await verify({ decision: 'reject', reason: 'not in the catalogue' })).status).toBe(200);
  });

  it('a missing, empty or blank reason is REASON_REQUIRED wherever a reason is required — a flag, a rescission, an adjustment, a make-up — and only when nothing else is wrong; nothing written', async () => {
    await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
    await declare(w.pro, activity({ activityId: 'mine' }));
    await t.call('POST', `${yearPath()}/activities/mine/verification`, { token: w.unit, body: { decision: 'approve' } });
    await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
    await declare(w.pro, activity({ activityId: 'pending' }));
    const flagged = await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'forged certificate' } });
    const head = await t.head();
    const answer = async (path: string, body: unknown, options: { token?: string; headers?: Record<string, string> } = {}) => {
      const res = await t.call('POST', path.startsWith('/api/') ? path : `${yearPath()}${path}`, { token: w.hr, body, ...options });
      const code = res.body.error?.code;
      return { status: res.status, code, article: res.body.error?.article, fields: code === 'REASON_REQUIRED' ? missingReasons(res.body) : refusedFields(res.body).map((d) => d.field) };
    };
    const adjust = (...adjustments: Array<Record<string, unknown>>) => ({ decision: 'approve', adjustments: adjustments.map((a) => ({ activityId: 'a1', hours: 5, ...a })) });
    const rescission = `/fraud-flags/${flagged.body.flagId}/rescission`;
    for (const [path, body, article, fields] of [
      ['/fraud-flags', {}, '14', ['reason']],
      ['/fraud-flags', { reason: ' ' }, '14', ['reason']],
      ['/fraud-flags', { reason: ' '.repeat(501) }, '14', ['reason']],
      [rescission, {}, '14', ['reason']],
      [rescission, { reason: '' }, '14', ['reason']],
      ['/api/institutions/inst1/fraud-flags', { year: 2024 }, '14', ['reason']],
      ['/finalization', adjust({}), '12', ['adjustments.0.reason']],
      ['/finalization', adjust({ reason: 'fewer hours' }, { activityId: 'mine', reason: '\t' }), '12', ['adjustments.1.reason']],
      ['/make-up', {}, '13', ['reason']],
      ['/make-up', { reason: '', until: '2026-12-31' }, '13', ['reason']],
    ] as const) {
      expect([path, await answer(path, body)]).toEqual([path, { status: 400, code: 'REASON_REQUIRED', article, fields }]);
    }
    // Anything else wrong beside it — in the body, in what the endpoint checks after it, in a header — or
    // a reason that is not one the endpoint takes: the answer names the faults, VALIDATION_FAILED.
    for (const [path, body, headers] of [
      ['/fraud-flags', { reason: ' ', evidence: 'none' }, {}],
      ['/fraud-flags', { reason: null }, {}],
      ['/fraud-flags', { reason: '' }, { 'idempotency-key': 'not a key!' }],
      ['/api/institutions/inst1/fraud-flags', { year: 1999 }, {}],
      ['/finalization', adjust({ hours: -1 }), {}],
      ['/finalization', adjust({}, { reason: 'twice the same activity' }), {}],
      ['/make-up', { reason: 'holiday' }, {}],
      ['/make-up', { reason: ' ', until: '2024-06-01' }, {}],
    ] as const) {
      expect([path, (await answer(path, body, { headers })).code]).toEqual([path, 'VALIDATION_FAILED']);
    }
    // Where a reason is needed only sometimes (UnitVerify, an approval at the claimed hours), a faulty
    // one given anyway is the field's fault, not a missing reason.
    for (const reason of [' '.repeat(501), '\u000b']) {
      expect((await answer('/activities/pending/verification', { decision: 'approve', reason }, { token: w.unit })).code).toBe('VALIDATION_FAILED');
    }
    expect(await t.head()).toBe(head);
  });

  it('finalising an open year is NOT_CONFIRMED; adjusting above the verified is HOURS_ABOVE_VERIFIED', async () => {
    await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
    const open = await t.call('POST', `${yearPath()}/finalization`, { token: w.hr, body: { decision: 'approve' } });
    expect(open.body.error.code).toBe('NOT_CONFIRMED');
    await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
    const above = await t.call('POST', `${yearPath()}/finalization`, { token: w.hr, body: { decision: 'approve', adjustments: [{ activityId: 'a1', hours: 11, reason: 'x' }] } });
    expect(above.status).toBe(422);
    expect(above.body.error.code).toBe('HOURS_ABOVE_VERIFIED');
  });

  it('an activity no longer declared is ACTIVITY_NOT_DECLARED: verified again, or withdrawn once verified; nothing written', async () => {
    await declare(w.pro, activity());
    expect((await t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'approve' } })).status).toBe(200);
    const again = () => t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'reject', reason: 'second look' } });
    expectError(await withoutWrite(t, again), 409, 'ACTIVITY_NOT_DECLARED');
    expectError(await withoutWrite(t, () => t.call('DELETE', `${yearPath()}/activities/a1`, { token: w.pro })), 409, 'ACTIVITY_NOT_DECLARED');
  });

  it('a finalised year is YEAR_FINALIZED: no regular declaration (only make-up reopens it), no second confirmation', async () => {
    await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
    await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
    expect((await t.call('POST', `${yearPath()}/finalization`, { token: w.hr, body: { decision: 'approve' } })).status).toBe(200);
    expectError(await withoutWrite(t, () => declare(w.pro, activity({ activityId: 'late', completedOn: '2024-11-01' }))), 409, 'YEAR_FINALIZED');
    expectError(await withoutWrite(t, () => t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} })), 409, 'YEAR_FINALIZED');
  });

  it('a later registration returns a confirmed year to open', async () => {
    await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
    await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
    await declare(w.institution, activity({ activityId: 'a2', unitId: 'u1', evidence: undefined }));
    const statement = await t.call('GET', yearPath(), { token: w.unit });
    expect(statement.body.status).toBe('open');
  });
});

describe('AuthorityFinalize adjustments', () => {
  it('only a verified activity can be adjusted (ACTIVITY_NOT_VERIFIED)', async () => {
    await declare(w.pro, activity({ activityId: 'r1' }));
    await t.call('POST', `${yearPath()}/activities/r1/verification`, { token: w.unit, body: { decision: 'reject', reason: 'not relevant' } });
    await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
    const res = await t.call('POST', `${yearPath()}/finalization`, { token: w.hr, body: { decision: 'approve', adjustments: [{ activityId: 'r1', hours: 0, reason: 'x' }] } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ACTIVITY_NOT_VERIFIED');
  });

  it('adjustments carry over to a later finalisation (after a make-up reopening)', async () => {
    await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
    await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
    await t.call('POST', `${yearPath()}/finalization`, { token: w.hr, body: { decision: 'approve', adjustments: [{ activityId: 'a1', hours: 4, reason: 'partial' }] } });
    t.clock.set('2025-02-01T02:00:00.000Z');
    await declare(w.pro, activity({ activityId: 'mk', completedOn: '2025-01-15' }));
    await t.call('POST', `${yearPath()}/activities/mk/verification`, { token: w.unit, body: { decision: 'approve' } });
    await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
    const again = await t.call('POST', `${yearPath()}/finalization`, { token: w.hr, body: { decision: 'approve' } });
    expect(again.body.totals.final).toEqual({ public: 14, professional: 0, total: 14 });
  });
});

describe('RULES.md §3 through the API', () => {
  it('Art. 11: the unit links two declarations of the same content; the one with more hours counts, the other says ART11_SUPERSEDED', async () => {
    await declare(w.pro, activity({ activityId: 'short', subject: 'professional', measure: { hours: 6 }, completedOn: '2024-03-01' }));
    await declare(w.pro, activity({ activityId: 'long', subject: 'professional', measure: { hours: 8 }, completedOn: '2024-04-01' }));
    await t.call('POST', `${yearPath()}/activities/short/verification`, { token: w.unit, body: { decision: 'approve', contentKey: 'SAME-COURSE' } });
    await t.call('POST', `${yearPath()}/activities/long/verification`, { token: w.unit, body: { decision: 'approve', contentKey: 'SAME-COURSE' } });
    const statement = (await t.call('GET', yearPath(), { token: w.pro })).body;
    const byId = Object.fromEntries(statement.activities.map((a: { activityId: string }) => [a.activityId, a]));
    expect(byId.long.hours.counted).toBe(8);
    expect(byId.short.hours.counted).toBe(0);
    expect(byId.short.notes).toEqual(['ART11_SUPERSEDED']);
    expect(statement.totals.verified.professional).toBe(8);
  });

  it('8(6): the cap of 30 covers degree courses of both subjects together', async () => {
    await declare(w.pro, activity({ activityId: 'deg-pub', category: '8.6', subject: 'public', measure: { courses: 2 }, completedOn: '2024-03-01' }));
    await declare(w.pro, activity({ activityId: 'deg-pro', category: '8.6', subject: 'professional', measure: { courses: 2 }, completedOn: '2024-04-01' }));
    const statement = (await t.call('GET', yearPath(), { token: w.pro })).body;
    expect(statement.totals.declared).toEqual({ public: 20, professional: 10, total: 30 });
    const proCourse = statement.activities.find((a: { activityId: string }) => a.activityId === 'deg-pro');
    expect(proCourse.hours.claimed).toBe(20);
  });

  it('Art. 6: surplus in professional never covers a public shortfall', async () => {
    await declare(w.institution, activity({ activityId: 'pro', subject: 'professional', unitId: 'u1', evidence: undefined, measure: { hours: 100 } }));
    await declare(w.institution, activity({ activityId: 'pub', subject: 'public', unitId: 'u1', evidence: undefined, measure: { hours: 29.99 } }));
    const statement = (await t.call('GET', yearPath(), { token: w.pro })).body;
    expect(statement.totals.verified.total).toBe(129.99);
    expect(statement.compliant).toBe(false);
    expect(statement.shortfall).toEqual({ public: 0.01, professional: 0 });
  });
});

it('documents in /api/docs every error it answered here (API.md: what it does not name, document there)', async () => {
  expect(t.errorAnswers.length).toBeGreaterThan(0);
  expect(await undocumentedErrors(t)).toEqual([]);
});
