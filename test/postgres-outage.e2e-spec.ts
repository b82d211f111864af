/**
 * PostgreSQL going away under a running API (EVENT_STORE=postgres, read models there too): its
 * requests answer 503 SERVICE_UNAVAILABLE, retryable, not 500 INTERNAL; nothing is written; and
 * the API serves again once PostgreSQL is back. The server is cut off, or made silent with its
 * connections left open, through a TCP forwarder.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TcpProxy } from '../libs/jobs/src/testing/tcp-proxy';
import { eventually } from '../libs/postgres/src/testing';
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

it('keeps running when PostgreSQL goes away while a command holds a connection mid-append (node-postgres then emits an error on a client the pool has let go of: unheard, it ended the process): that request answers 503, and sent again once PostgreSQL is back it is answered as the one declaration it is', async () => {
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'before-cut' }) })).status).toBe(201);
  // Holds the person-year's stream row from a session of its own (not through the forwarder), so
  // that the next declaration's append waits for it inside append_events, its connection checked out.
  const blocker = new Client({ connectionString: DATABASE_URL });
  await blocker.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM ${schema}.streams WHERE stream_id = 'creditYear-p1+2024' FOR UPDATE`);
    const declared = t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'mid-append' }) });
    await eventually(async () => {
      const { rows } = await blocker.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0 AND strpos(query, 'append_events(') > 0", [schema]);
      return rows.length > 0;
    }, 'the declaration’s append waiting for the stream row');
    // Every connection through the forwarder ends at once, with no answer from the server: the
    // client learns of it from its socket, while the append still holds its connection.
    await proxy.cut();
    const answer = await declared;
    expect([answer.status, answer.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
  } finally {
    await blocker.query('ROLLBACK');
    await blocker.end();
    await proxy.resume();
  }
  // The statement the server was running for the lost connection still commits once the row is
  // free (PostgreSQL does not look at a client while a statement waits): a 503 may have been
  // written (README), and the repeat then answers as the first declaration did.
  const again = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'mid-append' }) });
  expect([200, 201]).toContain(again.status);
  expect(again.body).toMatchObject({ activityId: 'mid-append', status: 'declared' });
  const ids = (await t.call('GET', yearPath(), { token: w.pro })).body.activities.map((a: { activityId: string }) => a.activityId);
  expect(ids.filter((id: string) => id === 'mid-append')).toHaveLength(1);
}, 30_000);
