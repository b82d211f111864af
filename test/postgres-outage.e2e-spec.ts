/**
 * PostgreSQL going away under a running API (EVENT_STORE=postgres, read models there too): its
 * requests answer 503 SERVICE_UNAVAILABLE, retryable, not 500 INTERNAL; nothing is written; and
 * the API serves again once PostgreSQL is back. The server is cut off, or made silent with its
 * connections left open, through a TCP forwarder.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TcpProxy } from '../libs/jobs/src/testing/tcp-proxy';
import { activity, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `jx_outage_${randomBytes(4).toString('hex')}`;
let proxy: TcpProxy;
let t: TestApp;
let w: World;
/** Short, so that a silent server is given up on quickly here (the default is 30 s). */
const QUERY_TIMEOUT_MS = 1000;

beforeAll(async () => {
  const forwarded = await TcpProxy.forUrl(DATABASE_URL, 5432);
  proxy = forwarded.proxy;
  t = await startTestApp({ now: '2024-06-01T02:00:00.000Z', env: { EVENT_STORE: 'postgres', DATABASE_URL: forwarded.url, EVENT_STORE_SCHEMA: schema, READ_MODELS_SCHEMA: `${schema}_rm`, DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS) } });
  w = await world(t);
}, 30_000);
afterAll(async () => {
  await proxy?.resume().catch(() => undefined);
  await t?.close();
  await proxy?.cut();
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const s of [schema, `${schema}_rm`, `${schema}_rm_b`]) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.end();
});

it('answers 503 SERVICE_UNAVAILABLE while PostgreSQL is away, writes nothing, and serves again once it is back', async () => {
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
