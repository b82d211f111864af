/**
 * A client that half-closes its socket once its request is sent (raw HTTP tools do) gets its
 * answer, then the connection ends. Node's HTTP server drops such a request by default: a command
 * awaiting PostgreSQL ran and was answered to no one. The append is held back from outside, so
 * the half-close has certainly reached the server before the command can answer.
 */
import { connect } from 'node:net';
import { once } from 'node:events';
import { Client } from 'pg';
import { eventually } from '../libs/postgres/src/testing';
import { activity, yearPath } from './support/fixtures';
import { DATABASE_URL, startForwardedApp, stopForwardedApp, type ForwardedApp } from './support/forwarded-postgres';

let app: ForwardedApp;

beforeAll(async () => {
  app = await startForwardedApp('jx_half');
}, 30_000);
afterAll(() => stopForwardedApp(app));

/** Sends one request as raw HTTP/1.1 and half-closes at once; resolves with all it got once the server ended the connection. */
async function sentThenHalfClosed(method: string, path: string, token: string, body: unknown): Promise<{ answer: Promise<string> }> {
  const { hostname, port } = new URL(app.t.baseUrl);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const text = JSON.stringify(body);
  socket.end([`${method} ${path} HTTP/1.1`, `host: ${hostname}`, `authorization: Bearer ${token}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(text)}`, '', text].join('\r\n'));
  return { answer: once(socket, 'close').then(() => received) };
}

it('a declaration whose client half-closed after sending it is answered (201), while its append waited, and the connection then ends', async () => {
  const { t, w, schema } = app;
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'first' }) })).status).toBe(201);
  const blocker = new Client({ connectionString: DATABASE_URL });
  await blocker.connect();
  let sent: { answer: Promise<string> };
  try {
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM ${schema}.streams WHERE stream_id = 'creditYear-p1+2024' FOR UPDATE`);
    sent = await sentThenHalfClosed('POST', `${yearPath()}/activities`, w.pro, activity({ activityId: 'half-closed' }));
    await eventually(async () => {
      // Inside its transaction a session reads activity from a snapshot kept until the transaction ends
      // (only the wait columns are live): a first look taken before the append started would be kept.
      await blocker.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await blocker.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0 AND strpos(query, 'append_events(') > 0", [schema]);
      return rows.length > 0;
    }, 'the declaration’s append waiting for the stream row');
  } finally {
    await blocker.query('ROLLBACK');
    await blocker.end();
  }
  const answer = await sent.answer;
  expect(answer).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
  expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ activityId: 'half-closed', status: 'declared' });
  const ids = (await t.call('GET', yearPath(), { token: w.pro })).body.activities.map((a: { activityId: string }) => a.activityId);
  expect(ids).toEqual(['first', 'half-closed']);
}, 30_000);
