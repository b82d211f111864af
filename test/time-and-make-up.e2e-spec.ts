/** RULES.md §4 over HTTP: China dates, closing, make-up (Art. 13), content counted once across years. */
import { activity, world, yearPath, type World } from './support/fixtures';
import { expectError, withoutWrite } from './support/matrix';
import { startTestApp, type TestApp } from './support/test-app';
import { undocumentedErrors } from './support/documented-errors';

let t: TestApp;
let w: World;

beforeEach(async () => {
  t = await startTestApp({ now: '2025-06-01T02:00:00.000Z' });
  w = await world(t);
});
afterEach(() => t.close());

const declare = (year: number, body: Record<string, unknown>) => t.call('POST', `${yearPath('p1', year)}/activities`, { token: w.pro, body });

it('RULES §4: after 31 March of the following year (China time) a declaration of the year is YEAR_CLOSED', async () => {
  const res = await declare(2024, activity({ completedOn: '2024-05-06' }));
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('YEAR_CLOSED');
});

it('RULES §4: YEAR_CLOSES_ON is honoured at the end of its day in China', async () => {
  t.clock.set('2025-03-31T15:59:59.000Z');
  expect((await declare(2024, activity())).status).toBe(201);
  t.clock.set('2025-03-31T16:00:00.000Z');
  expect((await declare(2024, activity({ activityId: 'a2' }))).body.error.code).toBe('YEAR_CLOSED');
});

it('Art. 13: a short year takes make-up activities completed in the following year, and they count for it', async () => {
  const res = await declare(2024, activity({ completedOn: '2025-05-01', measure: { hours: 12 } }));
  expect(res.status).toBe(201);
  const statement = await t.call('GET', yearPath('p1', 2024), { token: w.pro });
  expect(statement.body.totals.declared.public).toBe(12);
  expect(statement.body.makeUp).toEqual({ until: '2025-12-31', reason: null, promotionDelay: false });
});

it('Art. 13: completedOn after the make-up period is no make-up: YEAR_CLOSED once the year closed (409 before 422), else OUTSIDE_YEAR; later than today COMPLETED_IN_FUTURE', async () => {
  expect((await declare(2024, activity({ completedOn: '2026-01-01' }))).body.error.code).toBe('YEAR_CLOSED');
  expect((await declare(2025, activity({ completedOn: '2027-01-01' }))).body.error.code).toBe('OUTSIDE_YEAR');
  expect((await declare(2025, activity({ completedOn: '2025-06-02' }))).body.error.code).toBe('COMPLETED_IN_FUTURE');
  expect((await declare(2025, activity({ completedOn: '2024-12-31' }))).status).toBe(422);
});

it('a year that is not short has no make-up: before it closes a later activity is OUTSIDE_YEAR (422), after it YEAR_CLOSED (409)', async () => {
  t.clock.set('2025-02-01T02:00:00.000Z');
  await declare(2024, activity({ activityId: 'pub', measure: { hours: 30 } }));
  await declare(2024, activity({ activityId: 'pro', subject: 'professional', measure: { hours: 60 } }));
  for (const id of ['pub', 'pro']) await t.call('POST', `${yearPath('p1', 2024)}/activities/${id}/verification`, { token: w.unit, body: { decision: 'approve' } });
  const before = await declare(2024, activity({ activityId: 'later', completedOn: '2025-01-15' }));
  expect([before.status, before.body.error.code]).toEqual([422, 'OUTSIDE_YEAR']);
  t.clock.set('2025-06-01T02:00:00.000Z');
  const after = await declare(2024, activity({ activityId: 'later', completedOn: '2025-05-01' }));
  expect([after.status, after.body.error.code]).toEqual([409, 'YEAR_CLOSED']);
});

it('Art. 13: a legitimate reason extends the period; periods only extend', async () => {
  await declare(2024, activity({ completedOn: '2025-05-01' }));
  const granted = await t.call('POST', `${yearPath('p1', 2024)}/make-up`, { token: w.unit, body: { reason: 'illness', until: '2026-06-30' } });
  expect(granted.status).toBe(200);
  expect(granted.body.makeUp).toEqual({ until: '2026-06-30', reason: 'illness', promotionDelay: false });
  const shorter = await t.call('POST', `${yearPath('p1', 2024)}/make-up`, { token: w.unit, body: { reason: 'other', until: '2026-01-31' } });
  expect(shorter.body.makeUp).toEqual({ until: '2026-06-30', reason: 'other', promotionDelay: false });
  t.clock.set('2026-03-01T02:00:00.000Z');
  expect((await declare(2024, activity({ activityId: 'late', completedOn: '2026-02-01' }))).status).toBe(201);
});

it('MakeUpReason: the reason that stands, sent again as recorded, is a repeat (200, nothing written); reasons and field changes are bounded (409 TOO_MANY_CHANGES, nothing written)', async () => {
  await declare(2025, activity({ completedOn: '2025-05-01' }));
  const path = yearPath('p1', 2025);
  const reason = (body: Record<string, unknown>) => t.call('POST', `${path}/make-up`, { token: w.unit, body });
  const first = await reason({ reason: 'illness', note: 'hospital', until: '2026-06-30' });
  expect(first.status).toBe(200);
  const again = await withoutWrite(t, () => reason({ reason: 'illness', note: 'hospital', until: '2026-06-30' }));
  expect(again.body).toEqual(first.body);
  // Another note is another record; alternating two reasons runs into the bound.
  for (let i = 1; i < 100; i++) expect((await reason({ reason: i % 2 === 0 ? 'illness' : 'injury' })).status).toBe(200);
  expectError(await withoutWrite(t, () => reason({ reason: 'other' })), 409, 'TOO_MANY_CHANGES');
  for (let i = 0; i < 100; i++) expect((await t.call('PUT', `${path}/field`, { token: w.unit, body: { field: i % 2 === 0 ? 'health' : 'general' } })).status).toBe(200);
  expectError(await withoutWrite(t, () => t.call('PUT', `${path}/field`, { token: w.unit, body: { field: 'health' } })), 409, 'TOO_MANY_CHANGES');
  expect((await t.call('PUT', `${path}/field`, { token: w.unit, body: { field: 'general' } })).status).toBe(200);
});

it('MakeUpReason: until must be after the year (400)', async () => {
  await declare(2025, activity({ completedOn: '2025-05-01' }));
  const res = await t.call('POST', `${yearPath('p1', 2025)}/make-up`, { token: w.unit, body: { reason: 'injury', until: '2025-12-31' } });
  expect(res.status).toBe(400);
});

it('MakeUpReason: a unit opens a year never written to once it has begun (a person ill all year), never a year to come (404, nothing written)', async () => {
  const future = await withoutWrite(t, () => t.call('POST', `${yearPath('p7', 2026)}/make-up`, { token: w.unit, body: { reason: 'pregnancy' } }));
  expectError(future, 404, 'PERSON_YEAR_NOT_FOUND');
  expect((await t.call('GET', yearPath('p7', 2026), { token: w.hr })).status).toBe(404);
  const current = await t.call('POST', `${yearPath('p7', 2025)}/make-up`, { token: w.unit, body: { reason: 'pregnancy' } });
  expect([current.status, current.body.unitId, current.body.makeUp.reason]).toEqual([200, 'u1', 'pregnancy']);
});

it('RULES §4: content counts in one year only — a make-up activity refuses the same content in the next year', async () => {
  expect((await declare(2024, activity({ activityId: 'm1', completedOn: '2025-05-01', contentKey: 'COURSE-9' }))).status).toBe(201);
  const res = await declare(2025, activity({ activityId: 'b1', completedOn: '2025-05-01', contentKey: 'COURSE-9' }));
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('CONTENT_ALREADY_COUNTED');
});

it('RULES §4: and the other way round — a regular activity of the next year refuses the make-up one', async () => {
  expect((await declare(2025, activity({ activityId: 'b1', completedOn: '2025-05-01', contentKey: 'COURSE-9' }))).status).toBe(201);
  const res = await declare(2024, activity({ activityId: 'm1', completedOn: '2025-05-01', contentKey: 'COURSE-9' }));
  expect(res.body.error.code).toBe('CONTENT_ALREADY_COUNTED');
});

it("RULES §4: a make-up activity refuses the same content made up in the following year's own make-up, and the other way round", async () => {
  // 2024's make-up activity (completed in 2025), then 2025's (completed in 2026) under the same key.
  expect((await declare(2024, activity({ activityId: 'm24', completedOn: '2025-05-01', contentKey: 'COURSE-9' }))).status).toBe(201);
  // The other order needs 2024's period to reach into 2026 (a legitimate reason extends it).
  expect((await t.call('POST', `${yearPath('p1', 2024)}/make-up`, { token: w.unit, body: { reason: 'illness', until: '2026-12-31' } })).status).toBe(200);
  t.clock.set('2026-06-01T02:00:00.000Z');
  const head = await t.head();
  const second = await declare(2025, activity({ activityId: 'm25', completedOn: '2026-05-01', contentKey: 'COURSE-9' }));
  expect([second.status, second.body.error.code]).toEqual([409, 'CONTENT_ALREADY_COUNTED']);
  expect(await t.head()).toBe(head);
  expect((await declare(2025, activity({ activityId: 'm25', completedOn: '2026-05-01', contentKey: 'COURSE-10' }))).status).toBe(201);
  const first = await declare(2024, activity({ activityId: 'm24b', completedOn: '2025-06-01', contentKey: 'COURSE-10' }));
  expect([first.status, first.body.error.code]).toEqual([409, 'CONTENT_ALREADY_COUNTED']);
  expect(await t.head()).toBe(head + 2);
});

it("RULES §4: a key the unit sets when verifying links content too — once the other year counts it, CONTENT_ALREADY_COUNTED and nothing written", async () => {
  expect((await declare(2024, activity({ activityId: 'm1', completedOn: '2025-05-01', contentKey: 'COURSE-9' }))).status).toBe(201);
  expect((await declare(2025, activity({ activityId: 'b1', completedOn: '2025-05-01' }))).status).toBe(201);
  const head = await t.head();
  const res = await t.call('POST', `${yearPath('p1', 2025)}/activities/b1/verification`, { token: w.unit, body: { decision: 'approve', contentKey: 'COURSE-9' } });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('CONTENT_ALREADY_COUNTED');
  expect(await t.head()).toBe(head);
  // Under another key it is verified as usual.
  expect((await t.call('POST', `${yearPath('p1', 2025)}/activities/b1/verification`, { token: w.unit, body: { decision: 'approve', contentKey: 'COURSE-10' } })).status).toBe(200);
});

it("RULES §4: and a key the authority sets in an adjustment — the make-up side refused when the next year counts the content", async () => {
  expect((await declare(2025, activity({ activityId: 'b1', completedOn: '2025-05-01', contentKey: 'COURSE-9' }))).status).toBe(201);
  const mk = await t.call('POST', `${yearPath('p1', 2024)}/activities`, { token: w.institution, body: activity({ activityId: 'm1', completedOn: '2025-05-01', unitId: 'u1', evidence: undefined }) });
  expect(mk.status).toBe(201);
  expect((await t.call('POST', `${yearPath('p1', 2024)}/unit-confirmation`, { token: w.unit, body: {} })).status).toBe(200);
  const head = await t.head();
  const adjust = (hours: number) => ({ decision: 'approve', adjustments: [{ activityId: 'm1', hours, reason: 'same course', contentKey: 'COURSE-9' }] });
  const res = await t.call('POST', `${yearPath('p1', 2024)}/finalization`, { token: w.hr, body: adjust(5) });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('CONTENT_ALREADY_COUNTED');
  expect(await t.head()).toBe(head);
  // Adjusted to 0 it counts nowhere: the finalisation goes through.
  expect((await t.call('POST', `${yearPath('p1', 2024)}/finalization`, { token: w.hr, body: adjust(0) })).status).toBe(200);
});

it('RULES §4: an activity adjusted to 0 counts nowhere, so the next year may take its content — and then adjusting it back above 0 is CONTENT_ALREADY_COUNTED', async () => {
  const register = (activityId: string, completedOn: string, contentKey?: string) =>
    t.call('POST', `${yearPath('p1', 2024)}/activities`, { token: w.institution, body: activity({ activityId, completedOn, unitId: 'u1', evidence: undefined, ...(contentKey ? { contentKey } : {}) }) });
  const finalize = (adjustments: unknown[]) => t.call('POST', `${yearPath('p1', 2024)}/finalization`, { token: w.hr, body: { decision: 'approve', adjustments } });
  expect((await register('m1', '2025-05-01', 'COURSE-9')).status).toBe(201);
  await t.call('POST', `${yearPath('p1', 2024)}/unit-confirmation`, { token: w.unit, body: {} });
  expect((await finalize([{ activityId: 'm1', hours: 0, reason: 'a repeat' }])).status).toBe(200);
  expect((await declare(2025, activity({ activityId: 'b1', completedOn: '2025-05-01', contentKey: 'COURSE-9' }))).status).toBe(201);
  // Another make-up activity reopens 2024; its next finalisation may not bring COURSE-9 back.
  expect((await register('m2', '2025-05-02')).status).toBe(201);
  await t.call('POST', `${yearPath('p1', 2024)}/unit-confirmation`, { token: w.unit, body: {} });
  const head = await t.head();
  const back = await finalize([{ activityId: 'm1', hours: 5, reason: 'second look' }]);
  expect(back.status).toBe(409);
  expect(back.body.error).toMatchObject({ code: 'CONTENT_ALREADY_COUNTED', article: '13' });
  expect(await t.head()).toBe(head);
  // As other content (another key) it may count again.
  expect((await finalize([{ activityId: 'm1', hours: 5, reason: 'second look', contentKey: 'COURSE-10' }])).status).toBe(200);
});

it('RULES §4: a key set on verification racing a make-up declaration of the same content: exactly one lands', async () => {
  for (let i = 0; i < 10; i++) {
    const key = `KEYRACE-${i}`;
    expect((await declare(2025, activity({ activityId: `r${i}`, completedOn: '2025-05-01' }))).status).toBe(201);
    const answers = await Promise.all([
      t.call('POST', `${yearPath('p1', 2025)}/activities/r${i}/verification`, { token: w.unit, body: { decision: 'approve', contentKey: key } }),
      declare(2024, activity({ activityId: `k${i}`, completedOn: '2025-05-01', contentKey: key })),
    ]);
    const [verified, madeUp] = answers.map((a) => a.status);
    expect([verified, madeUp]).toEqual(verified === 200 ? [200, 409] : [409, 201]);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(['CONTENT_ALREADY_COUNTED']);
  }
});

it('RULES §4: under concurrent requests the same content lands in exactly one of the two years', async () => {
  for (let i = 0; i < 10; i++) {
    const key = `RACE-${i}`;
    const answers = await Promise.all([
      declare(2024, activity({ activityId: `m${i}`, completedOn: '2025-05-01', contentKey: key })),
      declare(2025, activity({ activityId: `b${i}`, completedOn: '2025-05-01', contentKey: key })),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409]);
  }
});

describe('RULES §4 under a make-up period extended beyond the following year: the content still counts in one year only', () => {
  // 2024 is short; a reason extends its make-up period to the end of 2026.
  beforeEach(async () => {
    expect((await declare(2024, activity({ activityId: 'first', completedOn: '2025-05-01' }))).status).toBe(201);
    expect((await t.call('POST', `${yearPath('p1', 2024)}/make-up`, { token: w.unit, body: { reason: 'illness', until: '2026-12-31' } })).status).toBe(200);
    t.clock.set('2026-06-01T02:00:00.000Z');
  });

  it('a make-up activity completed in 2026 refuses the same content in 2026, and nothing is written', async () => {
    expect((await declare(2024, activity({ activityId: 'm24', completedOn: '2026-05-01', contentKey: 'COURSE-7' }))).status).toBe(201);
    const head = await t.head();
    const res = await declare(2026, activity({ activityId: 'b26', completedOn: '2026-05-02', contentKey: 'COURSE-7' }));
    expect([res.status, res.body.error]).toEqual([409, { code: 'CONTENT_ALREADY_COUNTED', message: 'content COURSE-7 already counts in 2024', article: '13' }]);
    expect(await t.head()).toBe(head);
  });

  it('and the other way round: 2026 holding the content refuses the make-up activity of 2024', async () => {
    expect((await declare(2026, activity({ activityId: 'b26', completedOn: '2026-05-02', contentKey: 'COURSE-7' }))).status).toBe(201);
    const res = await declare(2024, activity({ activityId: 'm24', completedOn: '2026-05-01', contentKey: 'COURSE-7' }));
    expect([res.status, res.body.error.code]).toEqual([409, 'CONTENT_ALREADY_COUNTED']);
  });

  it('a key the unit sets when verifying in 2026 meets the make-up activity of 2024', async () => {
    expect((await declare(2024, activity({ activityId: 'm24', completedOn: '2026-05-01', contentKey: 'COURSE-7' }))).status).toBe(201);
    expect((await declare(2026, activity({ activityId: 'b26', completedOn: '2026-05-02' }))).status).toBe(201);
    const res = await t.call('POST', `${yearPath('p1', 2026)}/activities/b26/verification`, { token: w.unit, body: { decision: 'approve', contentKey: 'COURSE-7' } });
    expect([res.status, res.body.error.code]).toEqual([409, 'CONTENT_ALREADY_COUNTED']);
  });

  it('content made up with an activity completed in 2025 leaves 2026 free to count it again', async () => {
    expect((await declare(2024, activity({ activityId: 'm24', completedOn: '2025-05-01', contentKey: 'COURSE-7' }))).status).toBe(201);
    expect((await declare(2026, activity({ activityId: 'b26', completedOn: '2026-05-02', contentKey: 'COURSE-7' }))).status).toBe(201);
  });

  it('under concurrent requests the same content lands in exactly one of 2024 and 2026', async () => {
    for (let i = 0; i < 10; i++) {
      const answers = await Promise.all([
        declare(2024, activity({ activityId: `m${i}`, completedOn: '2026-05-01', contentKey: `RACE-${i}` })),
        declare(2026, activity({ activityId: `b${i}`, completedOn: '2026-05-01', contentKey: `RACE-${i}` })),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    }
  });
});

it('Art. 13: a make-up activity reopens a finalised short year; totals.final shows the last finalisation meanwhile', async () => {
  t.clock.set('2024-12-01T02:00:00.000Z');
  await t.call('POST', `${yearPath('p1', 2024)}/activities`, { token: w.institution, body: activity({ unitId: 'u1', evidence: undefined }) });
  await t.call('POST', `${yearPath('p1', 2024)}/unit-confirmation`, { token: w.unit, body: {} });
  await t.call('POST', `${yearPath('p1', 2024)}/finalization`, { token: w.hr, body: { decision: 'approve' } });
  t.clock.set('2025-06-01T02:00:00.000Z');
  expect((await declare(2024, activity({ activityId: 'mk', completedOn: '2025-05-01', measure: { hours: 20 } }))).status).toBe(201);
  const statement = (await t.call('GET', yearPath('p1', 2024), { token: w.pro })).body;
  expect(statement.status).toBe('open');
  expect(statement.totals.final).toEqual({ public: 10, professional: 0, total: 10 });
  expect(statement.totals.declared.public).toBe(30);
  // The year is judged on that finalisation until the next: its field (its rule set) stays, though
  // the year is open, or a unit could rejudge what the authority reviewed.
  const set = await t.call('PUT', `${yearPath('p1', 2024)}/field`, { token: w.unit, body: { field: 'accounting' } });
  expect([set.status, set.body.error?.code]).toEqual([409, 'YEAR_FINALIZED']);
});

describe('Art. 13: promotion delay when the make-up period ends short', () => {
  const sweep = async () => {
    const { PromotionDelaySweep } = await import('../apps/worker/src/jobs/promotion-delay-sweep.processor');
    return t.app.get(PromotionDelaySweep).sweep();
  };

  it('is recorded by the scheduled sweep once the period has ended, as an event by the system', async () => {
    await declare(2024, activity({ completedOn: '2025-05-01' }));
    expect(await sweep()).toEqual({ recorded: 0 });
    t.clock.set('2026-01-01T00:00:00.000Z');
    expect(await sweep()).toEqual({ recorded: 1 });
    expect(await sweep()).toEqual({ recorded: 0 });
    const statement = (await t.call('GET', yearPath('p1', 2024), { token: w.pro })).body;
    expect(statement.makeUp).toEqual({ until: '2025-12-31', reason: null, promotionDelay: true });
    const history = (await t.call('GET', `${yearPath('p1', 2024)}/history`, { token: w.pro })).body;
    expect(history[history.length - 1]).toMatchObject({ type: 'PromotionDelayRecorded', actor: { id: 'system:scheduler', role: 'system' } });
    await t.projected();
    const report = await t.call('GET', '/api/reports/compliance?year=2024', { token: w.regulator });
    expect(report.body.promotionDelays).toBe(1);
  });

  it('is swept for as soon as a server starts, not only when its hourly schedule first comes round', async () => {
    await declare(2024, activity({ completedOn: '2025-05-01' }));
    await t.app.close();
    // Restarted once the period has ended: nothing else asks for a sweep.
    t = await startTestApp({ now: '2026-01-01T00:00:00.000Z', dataDir: t.dataDir });
    const { PromotionDelaySweep } = await import('../apps/worker/src/jobs/promotion-delay-sweep.processor');
    const { JOB_QUEUE } = await import('@jx/jobs');
    const jobs = t.app.get(JOB_QUEUE);
    const run = await t.app.get(PromotionDelaySweep).startupRun;
    expect(run).toBe('promotion-delay-sweep:start:2026-01-01T00');
    await jobs.whenIdle();
    expect(await jobs.getJob(run!)).toMatchObject({ state: 'completed' });
    const statement = (await t.call('GET', yearPath('p1', 2024), { token: w.pro })).body;
    expect(statement.makeUp).toEqual({ until: '2025-12-31', reason: null, promotionDelay: true });
  });

  // Judged on the year as it stood when the period ended, however late the sweep runs (a server
  // down over the new year): what is recorded after the end changes nothing.
  it('is recorded for a year short when its period ended, though verified whole after the end and before any sweep', async () => {
    const path = yearPath('p1', 2024);
    t.clock.set('2024-06-01T02:00:00.000Z');
    await t.call('POST', `${path}/activities`, { token: w.institution, body: activity({ activityId: 'pub', unitId: 'u1', evidence: undefined, completedOn: '2024-05-06', measure: { hours: 30 } }) });
    t.clock.set('2025-06-01T02:00:00.000Z');
    expect((await declare(2024, activity({ activityId: 'm1', subject: 'professional', completedOn: '2025-05-01', measure: { hours: 60 } }))).status).toBe(201);
    t.clock.set('2026-01-02T02:00:00.000Z');
    expect((await t.call('POST', `${path}/activities/m1/verification`, { token: w.unit, body: { decision: 'approve' } })).body.status).toBe('verified');
    expect((await t.call('GET', path, { token: w.pro })).body.compliant).toBe(true);
    await t.projected();
    expect(await sweep()).toEqual({ recorded: 1 });
    const history = (await t.call('GET', `${path}/history`, { token: w.pro })).body;
    expect(history[history.length - 1]).toMatchObject({ type: 'PromotionDelayRecorded', data: { periodEnded: '2025-12-31', shortfall: { public: 0, professional: 60 } } });
  });

  it('is not recorded for a year whole when its period ended, though a final review after the end leaves it short', async () => {
    const path = yearPath('p1', 2024);
    const register = (activityId: string, subject: string, hours: number) =>
      t.call('POST', `${path}/activities`, { token: w.institution, body: activity({ activityId, subject, unitId: 'u1', evidence: undefined, completedOn: '2024-05-06', measure: { hours } }) });
    t.clock.set('2024-06-01T02:00:00.000Z');
    await register('pub', 'public', 30);
    await register('pro', 'professional', 60);
    expect((await t.call('POST', `${path}/unit-confirmation`, { token: w.unit, body: {} })).body.status).toBe('confirmed');
    t.clock.set('2026-01-02T02:00:00.000Z');
    const finalised = await t.call('POST', `${path}/finalization`, { token: w.hr, body: { decision: 'approve', adjustments: [{ activityId: 'pro', hours: 20, reason: 'not all of it' }] } });
    expect(finalised.body).toMatchObject({ status: 'finalized', compliant: false });
    await t.projected();
    expect(await sweep()).toEqual({ recorded: 0 });
    expect((await t.call('GET', path, { token: w.pro })).body.makeUp.promotionDelay).toBe(false);
  });

  it('is not recorded for a year never written to that a legitimate reason recorded after the end opens', async () => {
    t.clock.set('2026-02-01T02:00:00.000Z');
    const reason = await t.call('POST', `${yearPath('p1', 2024)}/make-up`, { token: w.unit, body: { reason: 'illness', note: 'in hospital all year' } });
    expect(reason.body.makeUp).toEqual({ until: '2025-12-31', reason: 'illness', promotionDelay: false });
    await t.projected();
    expect(await sweep()).toEqual({ recorded: 0 });
  });

  it('is not recorded when a legitimate reason was recorded', async () => {
    await declare(2024, activity({ completedOn: '2025-05-01' }));
    await t.call('POST', `${yearPath('p1', 2024)}/make-up`, { token: w.unit, body: { reason: 'pregnancy' } });
    t.clock.set('2026-01-01T00:00:00.000Z');
    expect(await sweep()).toEqual({ recorded: 0 });
  });
});

it('documents in /api/docs every error it answered here (API.md: what it does not name, document there)', async () => {
  expect(t.errorAnswers.length).toBeGreaterThan(0);
  expect(await undocumentedErrors(t)).toEqual([]);
});
