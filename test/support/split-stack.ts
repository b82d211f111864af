/** What the suites of a production split (an API with RUN_WORKER=false beside a worker process) share. */
import { activity } from './fixtures';
import type { ServerProcess } from './server-process';
import { chinaToday, chinaYear } from './china-date';

export type Call = (method: string, path: string, token: string, body?: unknown, via?: ServerProcess) => Promise<{ status: number; body: any }>;
export type Sign = (claims: Record<string, string>) => Promise<string>;

/** Calls the API (`api()` unless told `via`), answering status and JSON body. */
export const caller = (api: () => ServerProcess): Call => async (method, path, token, body, via = api()) => {
  const res = await fetch(`${via.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
};

/** The worker projects asynchronously: ask again until the answer holds, within a deadline. */
export async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, deadlineMs = 10_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (holds(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Through the API: a declaration and a registration; the worker projects the unit's inbox, then
 * runs the institution-wide flag the API enqueued (Art. 14), which voids the registration's year
 * only. Answers the registered year's history.
 */
export async function workerProjectsAndRunsTheFlag(call: Call, sign: Sign): Promise<Array<{ type: string }>> {
  const year = chinaYear();
  const today = chinaToday();
  const hr = await sign({ role: 'authority', region: '360000' });
  const unit = await sign({ role: 'unit', unitId: 'u1' });
  const inst = await sign({ role: 'institution', institutionId: 'inst1' });
  const pro = await sign({ role: 'professional', personId: 'p1', unitId: 'u1' });
  expect((await call('PUT', '/api/units/u1', hr, { name: 'U', region: '360102', industry: 'general' })).status).toBe(200);
  expect((await call('POST', `/api/persons/p1/years/${year}/activities`, pro, activity({ completedOn: today }))).status).toBe(201);
  expect((await call('POST', `/api/persons/p2/years/${year}/activities`, inst, activity({ unitId: 'u1', evidence: undefined, completedOn: today, contentKey: 'C1' }))).status).toBe(201);

  const inbox = await eventually(() => call('GET', '/api/units/u1/pending', unit), (r) => r.body.items.length === 1);
  expect(inbox.body.items).toEqual([expect.objectContaining({ personId: 'p1', activityId: 'a1' })]);

  const accepted = await call('POST', '/api/institutions/inst1/fraud-flags', hr, { year, reason: 'forged registrations', courses: ['C1'] });
  expect(accepted.status).toBe(202);
  const job = await eventually(() => call('GET', `/api/jobs/${accepted.body.jobId}`, hr), (r) => r.body.state === 'completed' || r.body.state === 'failed');
  expect(job.body).toEqual({ jobId: accepted.body.jobId, state: 'completed', progress: { done: 1, total: 1 } });
  expect((await call('GET', `/api/persons/p2/years/${year}`, hr)).body.status).toBe('voided');
  expect((await call('GET', `/api/persons/p1/years/${year}`, hr)).body.status).toBe('open');
  return (await call('GET', `/api/persons/p2/years/${year}/history`, hr)).body;
}
