/**
 * Every success answer has exactly the shape /api/docs describes (apps/api/src/http/responses.ts):
 * one walk through the workflow, each answer parsed with the schema its operation documents.
 * The schemas are strict, so a field added, renamed or dropped on either side fails here.
 */
import type { ZodType } from 'zod';
import * as responses from '../apps/api/src/http/responses';
import { activity, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ now: '2024-06-01T02:00:00.000Z' });
  w = await world(t);
});
afterAll(() => t.close());

/** The answer, which must have the status asked and parse with the schema. */
async function answer(schema: ZodType, status: number, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<unknown> {
  const res = await t.call(method, path, options);
  expect({ path, status: res.status }).toEqual({ path, status });
  const parsed = schema.safeParse(res.body);
  if (!parsed.success) throw new Error(`${method} ${path}: ${JSON.stringify(parsed.error.issues)}\n${JSON.stringify(res.body)}`);
  return res.body;
}

it('every operation answers what its documented schema says', async () => {
  await answer(responses.unit, 200, 'PUT', '/api/units/u1', { token: w.hr, body: { name: 'Unit u1', region: '360102', industry: 'general' } });
  const a1 = activity({ completedOn: '2024-05-06', measure: { days: 2, extraMinutes: 90 }, contentKey: 'K1' });
  await answer(responses.declared, 201, 'POST', `${yearPath()}/activities`, { token: w.pro, body: a1 });
  await answer(responses.declared, 200, 'POST', `${yearPath()}/activities`, { token: w.pro, body: a1 });
  await answer(responses.declared, 201, 'POST', `${yearPath()}/activities`, { token: w.institution, body: activity({ activityId: 'i1', unitId: 'u1', evidence: undefined }) });
  await answer(responses.declared, 201, 'POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'w1' }) });
  await answer(responses.activityStatement, 200, 'DELETE', `${yearPath()}/activities/w1`, { token: w.pro });
  await answer(responses.activityStatement, 200, 'POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'approve', hours: 15, reason: 'part of the second day' } });
  await answer(responses.statement, 200, 'PUT', `${yearPath()}/field`, { token: w.unit, body: { field: 'general' } });
  await answer(responses.unitPending, 200, 'GET', '/api/units/u1/pending', { token: w.unit });
  await answer(responses.statement, 200, 'POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: { note: 'checked' } });
  await t.projected();
  const inbox = (await answer(responses.authorityPending, 200, 'GET', '/api/authorities/pending?limit=1', { token: w.hr })) as { items: unknown[] };
  expect(inbox.items).toHaveLength(1);
  await answer(responses.statement, 200, 'POST', `${yearPath()}/finalization`, { token: w.hr, body: { decision: 'approve', adjustments: [{ activityId: 'i1', hours: 8, reason: 'attendance' }] } });
  await answer(responses.statement, 200, 'POST', `${yearPath()}/make-up`, { token: w.unit, body: { reason: 'illness', until: '2025-06-30' } });
  const flag = (await answer(responses.flagged, 201, 'POST', `${yearPath()}/fraud-flags`, { token: w.hr, body: { reason: 'forged certificate' } })) as { flagId: string };
  await answer(responses.statement, 200, 'GET', yearPath(), { token: w.regulator });
  await answer(responses.statement, 200, 'POST', `${yearPath()}/fraud-flags/${flag.flagId}/rescission`, { token: w.hr, body: { reason: 'administrative review' } });
  const statement = (await answer(responses.statement, 200, 'GET', yearPath(), { token: w.pro })) as { activities: Array<{ explanation: unknown[] }>; flags: unknown[] };
  expect(statement.flags).toHaveLength(1);
  expect(statement.activities.every((a) => a.explanation.length > 0)).toBe(true);
  await answer(responses.statement, 200, 'GET', `${yearPath()}?revision=1`, { token: w.regulator });
  await answer(responses.statement, 200, 'GET', `${yearPath()}?asOf=2024-06-01T02:00:00.000Z&ruleSet=jx-2023-trial`, { token: w.regulator });
  const history = (await answer(responses.history, 200, 'GET', `${yearPath()}/history`, { token: w.regulator })) as unknown[];
  expect(history.length).toBeGreaterThan(8);
  await t.projected();
  await answer(responses.complianceReport, 200, 'GET', '/api/reports/compliance?year=2024', { token: w.regulator });
  await answer(responses.complianceReport, 200, 'GET', '/api/reports/compliance?year=2024&unitId=u1', { token: w.regulator });
  const job = (await answer(responses.jobAccepted, 202, 'POST', '/api/institutions/inst1/fraud-flags', { token: w.hr, body: { year: 2024, reason: 'forged registers' } })) as { jobId: string };
  await answer(responses.job, 200, 'GET', `/api/jobs/${encodeURIComponent(job.jobId)}`, { token: w.regulator });
  await answer(responses.ruleSets, 200, 'GET', '/api/rule-sets', { token: w.pro });
  await answer(responses.ruleSet, 200, 'GET', '/api/rule-sets/jx-2023-trial', { token: w.institution });
  await answer(responses.health, 200, 'GET', '/api/health');
});

it('/api/docs gives every success answer of every operation a schema', async () => {
  const { paths } = (await t.call('GET', '/api/docs')).body as { paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json'?: { schema?: object } } }> }>> };
  const missing: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (path === '/api/docs') continue;
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^2\d\d$/.test(status) && response.content?.['application/json']?.schema === undefined) missing.push(`${method} ${path} ${status}`);
      }
    }
  }
  expect(missing).toEqual([]);
  const statement = paths['/api/persons/{personId}/years/{year}']!.get!.responses['200']!.content!['application/json']!.schema as { properties: Record<string, unknown>; additionalProperties: boolean };
  expect(Object.keys(statement.properties)).toEqual(expect.arrayContaining(['personId', 'status', 'revision', 'totals', 'makeUp', 'activities']));
});
