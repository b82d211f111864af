/** Art. 14 over HTTP: a flag voids the year, a rescission restores it exactly, institution flags fan out. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activity, refusedFields, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';
import { expectError } from './support/matrix';
import { undocumentedErrors } from './support/documented-errors';
import { Projector, ProjectionRunner, READ_MODEL_STORE, type ReadModelBatch, type ReadModelStore } from '@jx/projections';
import { defaultRegistry } from '@jx/rules';

let t: TestApp;
let w: World;

beforeEach(async () => {
  t = await startTestApp({ now: '2024-12-01T02:00:00.000Z' });
  w = await world(t);
});
afterEach(() => t.close());

const declare = (token: string, body: Record<string, unknown>, personId = 'p1') => t.call('POST', `${yearPath(personId)}/activities`, { token, body });

it('a flag voids the year: every tier counts 0, the shortfall is the whole requirement, writes are refused', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, measure: { hours: 30 } }));
  const flag = await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'forged certificate' } });
  expect(flag.status).toBe(201);
  expect(flag.body).toEqual({ flagId: expect.any(String), status: 'voided' });
  const statement = await t.call('GET', yearPath(), { token: w.pro });
  expect(statement.body.status).toBe('voided');
  expect(statement.body.totals.verified).toEqual({ public: 0, professional: 0, total: 0 });
  expect(statement.body.shortfall).toEqual({ public: 30, professional: 60 });
  expect(statement.body.flags).toEqual([{ flagId: flag.body.flagId, reason: 'forged certificate', at: '2024-12-01T02:00:00.000Z', institutionId: null, rescinded: false }]);
  const refused = await declare(w.pro, activity({ activityId: 'a2' }));
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: 'YEAR_VOIDED', article: '14' });
});

it('a rescission restores the statement exactly as before the flag, but for revision and the flag entry', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, measure: { hours: 30 } }));
  await declare(w.pro, activity({ activityId: 'a2', subject: 'professional', measure: { days: 2 } }));
  const before = (await t.call('GET', yearPath(), { token: w.hr })).body;
  const flag = await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'forged' } });
  const rescinded = await t.call('POST', `${yearPath()}/fraud-flags/${flag.body.flagId}/rescission`, { token: w.hr, body: { reason: 'administrative review' } });
  expect(rescinded.status).toBe(200);
  const { revision: r1, flags: f1, ...restBefore } = before;
  const { revision: r2, flags: f2, ...restAfter } = rescinded.body;
  expect(restAfter).toEqual(restBefore);
  expect(r2).toBe(r1 + 2);
  expect(f1).toEqual([]);
  expect(f2).toEqual([expect.objectContaining({ flagId: flag.body.flagId, rescinded: true })]);
  const again = await t.call('POST', `${yearPath()}/fraud-flags/${flag.body.flagId}/rescission`, { token: w.hr, body: { reason: 'again' } });
  expect(again.body.error.code).toBe('FLAG_ALREADY_RESCINDED');
});

it('a year stays voided while another flag stands', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
  const f1 = await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'one' } });
  await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'two' } });
  const res = await t.call('POST', `${yearPath()}/fraud-flags/${f1.body.flagId}/rescission`, { token: w.hr, body: { reason: 'review' } });
  expect(res.body.status).toBe('voided');
});

it('a flag sent again under its Idempotency-Key answers 200 with the same flagId and writes nothing; the key with another body is IDEMPOTENCY_KEY_REUSED; another official\'s key is theirs', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
  const flag = (token: string, key: string, reason = 'forged certificate') =>
    t.call('POST', `${yearPath()}/fraud-flags`, { token, body: { reason }, headers: { 'idempotency-key': key } });
  const key = '6f1c1d6e-2b0f-4c55-9d1e-3a4b5c6d7e8f';
  const first = await flag(w.hr, key);
  expect([first.status, first.body]).toEqual([201, { flagId: expect.any(String), status: 'voided' }]);
  const head = await t.head();
  const again = await flag(w.hr, key);
  expect([again.status, again.body]).toEqual([200, first.body]);
  expectError(await flag(w.hr, key, 'another reason'), 409, 'IDEMPOTENCY_KEY_REUSED');
  expect(await t.head()).toBe(head);
  const colleague = await flag(await t.token({ role: 'authority', region: '360000', sub: 'another-official' }), key);
  expect(colleague.status).toBe(201);
  expect(colleague.body.flagId).not.toBe(first.body.flagId);
  const statement = await t.call('GET', yearPath(), { token: w.hr });
  expect(statement.body.flags.map((f: { flagId: string }) => f.flagId)).toEqual([first.body.flagId, colleague.body.flagId]);
  // A malformed key is refused before anything is read or written.
  expectError(await flag(w.hr, 'not a key!'), 400, 'VALIDATION_FAILED');
  expect(await t.head()).toBe(head + 1);
});

it('without an Idempotency-Key each flag request makes a flag of its own, even with the same reason', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
  const one = await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'forged' } });
  const two = await t.call('POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'forged' } });
  expect([one.status, two.status]).toEqual([201, 201]);
  expect(two.body.flagId).not.toBe(one.body.flagId);
  const res = await t.call('POST', `${yearPath()}/fraud-flags/${one.body.flagId}/rescission`, { token: w.hr, body: { reason: 'review' } });
  expect(res.body.status).toBe('voided');
});

it('an unknown flag is FLAG_NOT_FOUND', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined }));
  const res = await t.call('POST', `${yearPath()}/fraud-flags/nope/rescission`, { token: w.hr, body: { reason: 'r' } });
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('FLAG_NOT_FOUND');
});

it('an institution flag voids the person-years holding its registrations of the named courses, as a job with progress', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), 'p1');
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C2' }), 'p2');
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), 'p3');
  const other = await t.token({ role: 'institution', institutionId: 'inst2' });
  await declare(other, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), 'p4');
  const accepted = await t.call('POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: { year: 2024, reason: 'forged registrations', courses: ['C1'] } });
  expect(accepted.status).toBe(202);
  const job = await pollJob(accepted.body.jobId);
  expect(job).toEqual({ jobId: accepted.body.jobId, state: 'completed', progress: { done: 2, total: 2 } });
  const status = async (p: string) => (await t.call('GET', yearPath(p), { token: w.hr })).body.status;
  expect(await status('p1')).toBe('voided');
  expect(await status('p2')).toBe('open');
  expect(await status('p3')).toBe('voided');
  expect(await status('p4')).toBe('open');
  const p1 = (await t.call('GET', yearPath('p1'), { token: w.hr })).body;
  expect(p1.flags[0]).toMatchObject({ institutionId: 'inst1', rescinded: false });
  // The same request again (courses as a set), after the flags were written, is a job of its own
  // that flags nobody twice; again with nothing written since, it finds that same job.
  const head = await t.head();
  const again = () => t.call('POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: { year: 2024, reason: 'forged registrations', courses: ['C1', 'C1'] } });
  const retry = await again();
  expect(retry.status).toBe(202);
  expect(retry.body.jobId).not.toBe(accepted.body.jobId);
  expect(await pollJob(retry.body.jobId)).toEqual({ jobId: retry.body.jobId, state: 'completed', progress: { done: 2, total: 2 } });
  expect(await t.head()).toBe(head);
  expect((await again()).body).toEqual({ jobId: retry.body.jobId });
  expect((await t.call('GET', yearPath('p1'), { token: w.hr })).body.flags).toHaveLength(1);
  // Another reason is another flag, and another job.
  const another = await t.call('POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: { year: 2024, reason: 'forged attendance lists', courses: ['C1'] } });
  expect(another.body.jobId).not.toBe(accepted.body.jobId);
  await pollJob(another.body.jobId);
  expect((await t.call('GET', yearPath('p1'), { token: w.hr })).body.flags).toHaveLength(2);
});

it('the same institution flag posted again reaches registrations made since, flags nobody twice and leaves a rescission standing (Art. 14: all of them)', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), 'p1');
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), 'p2');
  const flag = { year: 2024, reason: 'forged registrations', courses: ['C1'] };
  const first = await t.call('POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: flag });
  expect(await pollJob(first.body.jobId)).toMatchObject({ state: 'completed', progress: { done: 2, total: 2 } });
  const statement = async (p: string) => (await t.call('GET', yearPath(p), { token: w.hr })).body;
  // p1's flag is rescinded after review; p3 registers the course after the first post.
  const [p1Flag] = (await statement('p1')).flags;
  expect((await t.call('POST', `${yearPath('p1')}/fraud-flags/${p1Flag.flagId}/rescission`, { token: w.hr, body: { reason: 'review' } })).status).toBe(200);
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), 'p3');
  // Posted again by another province authority: the same flag (institution, year, reason, courses).
  const hr2 = await t.token({ sub: 'hr-2', role: 'authority', region: '360000' });
  const again = await t.call('POST', '/api/institutions/inst1/fraud-flags', { token: hr2, body: { ...flag, courses: ['C1', 'C1'] } });
  expect(again.status).toBe(202);
  expect(await pollJob(again.body.jobId)).toMatchObject({ state: 'completed', progress: { done: 3, total: 3 } });
  // Its result (what the worker logs) tells the holders that hold it from the one it wrote to.
  const { JOB_QUEUE } = await import('@jx/jobs');
  expect((await t.app.get<{ getJob(id: string): Promise<{ result?: unknown } | null> }>(JOB_QUEUE).getJob(again.body.jobId))?.result).toEqual({ flagged: 3, written: 1 });
  const [p1, p2, p3] = [await statement('p1'), await statement('p2'), await statement('p3')];
  expect([p1.status, p1.flags]).toEqual(['open', [expect.objectContaining({ flagId: p1Flag.flagId, rescinded: true })]]);
  expect([p2.status, p2.flags.length]).toEqual(['voided', 1]);
  expect([p3.status, p3.flags]).toEqual(['voided', [expect.objectContaining({ institutionId: 'inst1', rescinded: false })]]);
});

it('an institution flag reaches the registrations held when it was posted, whenever its job runs: one made after the post is left for a later post, nor counted in its progress (the set voided does not depend on the worker\'s timing)', async () => {
  await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), 'p1');
  // The store's last position when the flag is posted (what the API records with the job).
  const postedAt = await t.head();
  // p2 registers after the post, and is in the institution index when the job (late, or run again
  // after a crash) lists the candidates.
  expect((await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), 'p2')).status).toBe(201);
  await t.projected();
  const { InstitutionFraudFlagProcessor } = await import('../apps/worker/src/jobs/institution-fraud-flag.processor');
  const progress: Array<[number, number]> = [];
  const run = await t.app.get(InstitutionFraudFlagProcessor).process({
    id: 'iflag-late', name: 'institution-fraud-flag', attempt: 1, reportProgress: async (done, total) => void progress.push([done, total]), signal: new AbortController().signal,
    data: { institutionId: 'inst1', year: 2024, reason: 'forged registrations', courses: ['C1'], actor: { sub: 'hr-prov', role: 'authority', region: '360000' }, correlationId: 'c-late', registeredUpTo: postedAt },
  });
  expect(run).toEqual({ flagged: 1, written: 1 });
  // Its candidates are the holders at the post: a run after a takeover counts the same total.
  expect(progress).toEqual([[0, 1], [1, 1]]);
  expect((await t.call('GET', yearPath('p1'), { token: w.hr })).body.status).toBe('voided');
  expect((await t.call('GET', yearPath('p2'), { token: w.hr })).body).toMatchObject({ status: 'open', flags: [] });
});

it('an institution flag asked while a rebuild is under way flags every holder at once: the index in use stays whole (Art. 14: all of them)', async () => {
  for (const p of ['p1', 'p2', 'p3']) await declare(w.institution, activity({ unitId: 'u1', evidence: undefined, contentKey: 'C1' }), p);
  await t.projected();
  // A rebuild (as another process would run it) is held after its first page, its copy half built.
  const readModels = t.app.get<ReadModelStore>(READ_MODEL_STORE);
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const gated: ReadModelStore = Object.assign(Object.create(readModels) as ReadModelStore, {
    apply: async (batch: ReadModelBatch) => {
      const applied = await readModels.apply(batch);
      if (!held) {
        held = true;
        await released;
      }
      return applied;
    },
  });
  const rebuilding = new ProjectionRunner(t.store, gated, new Projector(t.store, gated, defaultRegistry()), { pageSize: 1 }).rebuild();
  while (!held) await new Promise((resolve) => setImmediate(resolve));

  const accepted = await t.call('POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: { year: 2024, reason: 'forged registrations' } });
  expect(accepted.status).toBe(202);
  expect(await pollJob(accepted.body.jobId)).toMatchObject({ state: 'completed', progress: { done: 3, total: 3 } });
  for (const p of ['p1', 'p2', 'p3']) expect((await t.call('GET', yearPath(p), { token: w.hr })).body.status).toBe('voided');
  await t.projected();
  const report = async () => (await t.call('GET', '/api/reports/compliance?year=2024&unitId=u1', { token: w.hr })).body;
  const during = await report();
  expect(during.voided).toBeGreaterThanOrEqual(3);
  release();
  await rebuilding;
  // The rebuilt copy, now in use, caught up with the flags given meanwhile.
  await t.projected();
  expect(await report()).toEqual(during);
}, 20_000);

it('with REDIS_URL set and Redis away, the job endpoints answer 503 SERVICE_UNAVAILABLE instead of hanging, and nothing is written', async () => {
  // Nothing listens on port 1: ioredis keeps reconnecting, as while Redis is down.
  const away = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', JOBS_QUEUE: 'e2e-redis-away' }, settled: false });
  try {
    const hr = await away.token({ role: 'authority', region: '360000' });
    const [flag, job] = await Promise.all([
      away.call('POST', '/api/institutions/inst1/fraud-flags', { token: hr, body: { year: 2024, reason: 'forged registrations' } }),
      away.call('GET', '/api/jobs/some-job', { token: hr }),
    ]);
    expect([flag.status, flag.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect([job.status, job.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(await away.head()).toBe(0);
  } finally {
    await away.close();
  }
}, 20_000); // each job call waits its 5 s for Redis before answering 503

it('an institution flag job outlives a restart: its progress is still answered (journaled in DATA_DIR on the embedded default, kept in Redis on BullMQ)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jx-jobs-restart-'));
  try {
    const before = await startTestApp({ now: '2024-12-01T02:00:00.000Z', env: { DATA_DIR: dataDir } });
    const wb = await world(before);
    await before.call('POST', `${yearPath('p1')}/activities`, { token: wb.institution, body: activity({ unitId: 'u1', evidence: undefined }) });
    await before.projected();
    const accepted = await before.call('POST', '/api/institutions/inst1/fraud-flags', { token: wb.hr, body: { year: 2024, reason: 'forged registrations' } });
    expect(accepted.status).toBe(202);
    const { JOB_QUEUE } = await import('@jx/jobs');
    await before.app.get<{ whenIdle(): Promise<void> }>(JOB_QUEUE).whenIdle();
    await before.close();
    const after = await startTestApp({ now: '2024-12-01T02:00:00.000Z', env: { DATA_DIR: dataDir } });
    try {
      const job = await after.call('GET', `/api/jobs/${accepted.body.jobId}`, { token: await after.token({ role: 'regulator', region: '360000' }) });
      expect(job.status).toBe(200);
      expect(job.body).toEqual({ jobId: accepted.body.jobId, state: 'completed', progress: { done: 1, total: 1 } });
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('RULES.md §1: the province (360000) covers every unit, also one registered under a code outside Jiangxi — its institution flag voids every holder', async () => {
  const beijing = await t.token({ role: 'authority', region: '110000' });
  expect((await t.call('PUT', '/api/units/uBJ', { token: beijing, body: { name: 'Unit BJ', region: '110101', industry: 'general' } })).status).toBe(200);
  for (const [personId, unitId] of [['bj2', 'uBJ'], ['jx2', 'u1']] as const) {
    expect((await declare(w.institution, activity({ unitId, evidence: undefined }), personId)).status).toBe(201);
  }
  const accepted = await t.call('POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: { year: 2024, reason: 'forged registrations' } });
  expect(accepted.status).toBe(202);
  expect(await pollJob(accepted.body.jobId)).toMatchObject({ state: 'completed', progress: { done: 2, total: 2 } });
  for (const personId of ['bj2', 'jx2']) expect((await t.call('GET', yearPath(personId), { token: w.hr })).body.status).toBe('voided');
  await t.projected();
  const report = await t.call('GET', '/api/reports/compliance?year=2024', { token: w.regulator });
  expect(report.body).toMatchObject({ scope: { region: '360000' }, personYears: 2, voided: 2 });
  // Beijing's own authority still covers only its codes.
  expect((await t.call('GET', yearPath('jx2'), { token: await t.token({ role: 'regulator', region: '110000' }) })).status).toBe(403);
});

it("an institution flag's courses are a list of content keys, not 8(6)'s count (API.md's `courses` 1–20): 21 are taken; none is 400", async () => {
  const courses = (n: number) => Array.from({ length: n }, (_, i) => `C${i}`);
  const accepted = await t.call('POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: { year: 2024, reason: 'forged registrations', courses: courses(21) } });
  expect(accepted.status).toBe(202);
  expect((await pollJob(accepted.body.jobId)).state).toBe('completed');
  const refused = await t.call('POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: { year: 2024, reason: 'forged registrations', courses: [] } });
  expect([refused.status, refusedFields(refused.body)]).toEqual([400, [{ field: 'courses', reason: expect.any(String) }]]);
});

it('GET /api/jobs of an unknown job is JOB_NOT_FOUND', async () => {
  const res = await t.call('GET', '/api/jobs/nope', { token: w.regulator });
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('JOB_NOT_FOUND');
});

it('GET /api/jobs takes no query parameters: any is an unknown field (400, before 404)', async () => {
  const res = await t.call('GET', '/api/jobs/nope?verbose=1', { token: w.regulator });
  expect(res.status).toBe(400);
  expect(res.body.error.message).toContain('verbose: unknown field');
});

/** Jobs run in-process: wait for the queue to be idle, then read the job once. */
async function pollJob(jobId: string) {
  const { JOB_QUEUE } = await import('@jx/jobs');
  await t.app.get<{ whenIdle(): Promise<void> }>(JOB_QUEUE).whenIdle();
  return (await t.call('GET', `/api/jobs/${jobId}`, { token: w.regulator })).body;
}

it('documents in /api/docs every error it answered here (API.md: what it does not name, document there)', async () => {
  expect(t.errorAnswers.length).toBeGreaterThan(0);
  expect(await undocumentedErrors(t)).toEqual([]);
});
