/**
 * PostgreSQL going away under a running API (EVENT_STORE=postgres, read models there too): its
 * requests answer 503 SERVICE_UNAVAILABLE, retryable, not 500 INTERNAL; nothing is written; and
 * the API serves again once PostgreSQL is back. The server is cut off, or made silent with its
 * connections left open, through a TCP forwarder.
 */
import { activity, yearPath } from './support/fixtures';
import { startForwardedApp, stopForwardedApp, type ForwardedApp } from './support/forwarded-postgres';

/** Short, so that a silent server is given up on quickly here (the default is 30 s). */
const QUERY_TIMEOUT_MS = 1000;
let app: ForwardedApp;

beforeAll(async () => {
  app = await startForwardedApp('jx_outage', { DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS) });
}, 30_000);
afterAll(() => stopForwardedApp(app));

it('answers 503 SERVICE_UNAVAILABLE while PostgreSQL is away, writes nothing, and serves again once it is back', async () => {
  const { proxy, t, w } = app;
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'before' }) })).status).toBe(201);
  const head = await t.head();
  await proxy.cut();

  const declared = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'during' }) });
  const statement = await t.call('GET', yearPath(), { token: w.pro });
  const inbox = await t.call('GET', '/api/units/u1/pending', { token: w.unit });
  for (const answer of [declared, statement, inbox]) {
    expect([answer.status, answer.body.error.code, answer.body.error.message]).toEqual([503, 'SERVICE_UNAVAILABLE', 'a store is not answering; try again shortly']);
  }
  expect((await t.call('GET', '/api/health')).status).toBe(503);

  await proxy.resume();
  expect(await t.head()).toBe(head);
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'during' }) })).status).toBe(201);
  expect((await t.call('GET', yearPath(), { token: w.pro })).body.activities.map((a: { activityId: string }) => a.activityId)).toEqual(['before', 'during']);
});

it('answers 503 when PostgreSQL falls silent with its connections open (a network black hole) instead of holding the request, and serves again once it answers', async () => {
  const { proxy, t, w } = app;
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'before-silence' }) })).status).toBe(201);
  const head = await t.head();
  proxy.freeze();
  try {
    const statement = await t.call('GET', yearPath(), { token: w.pro });
    expect([statement.status, statement.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
  } finally {
    proxy.thaw();
  }
  expect(await t.head()).toBe(head);
  const after = await t.call('GET', yearPath(), { token: w.pro });
  expect(after.status).toBe(200);
  expect(after.body.activities.map((a: { activityId: string }) => a.activityId)).toContain('before-silence');
  // Bounded by the query timeout, plus the pool's 10 s connect timeout should a request need a fresh connection.
}, 30_000);
