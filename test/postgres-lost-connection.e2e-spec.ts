/**
 * PostgreSQL going away while a command holds a connection (EVENT_STORE=postgres, read models
 * there too): node-postgres reports the lost connection as an 'error' event on its client, which
 * nobody heard while the client was checked out of its pool — under load, PostgreSQL stopped or
 * restarted ended the process. The server is cut off through a TCP forwarder, with no answer, as
 * a stopped host or a dropped network does.
 */
import { Client } from 'pg';
import { eventually } from '../libs/postgres/src/testing';
import { activity, yearPath } from './support/fixtures';
import { DATABASE_URL, startForwardedApp, stopForwardedApp, type ForwardedApp } from './support/forwarded-postgres';

let app: ForwardedApp;

// The default statement bound (30 s): the append below waits on the server until released.
beforeAll(async () => {
  app = await startForwardedApp('jx_lost');
}, 30_000);
afterAll(() => stopForwardedApp(app));

it('keeps running when PostgreSQL goes away while a command holds its connection mid-append: that request answers 503, and sent again once PostgreSQL is back it is answered as the one declaration it is', async () => {
  const { proxy, t, w, schema } = app;
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'before-cut' }) })).status).toBe(201);
  // Holds the person-year's stream row from a session of its own (not through the forwarder), so
  // that the next declaration's append waits for it inside append_events, its connection checked out.
  const blocker = new Client({ connectionString: DATABASE_URL });
  await blocker.connect();
  let cut = false;
  try {
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM ${schema}.streams WHERE stream_id = 'creditYear-p1+2024' FOR UPDATE`);
    const declared = t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'mid-append' }) });
    const answeredFirst = declared.then((answer) => {
      throw new Error(`answered ${answer.status} before its append was seen waiting`);
    });
    await Promise.race([
      answeredFirst,
      eventually(async () => {
        // Inside its transaction a session reads activity from a snapshot kept until the transaction ends
        // (only the wait columns are live): a first look taken before the append started would be kept.
        await blocker.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await blocker.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0 AND strpos(query, 'append_events(') > 0", [schema]);
        return rows.length > 0;
      }, 'the declaration’s append waiting for the stream row'),
    ]);
    answeredFirst.catch(() => undefined);
    // Every connection through the forwarder ends at once, with no answer from the server: the
    // client learns of it from its socket, while the append still holds its connection.
    await proxy.cut();
    cut = true;
    const answer = await declared;
    expect([answer.status, answer.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
  } finally {
    await blocker.query('ROLLBACK');
    await blocker.end();
    if (cut) await proxy.resume();
  }
  // The statement the server was running for the lost connection may still commit once the row is
  // free (PostgreSQL does not look at a client while a statement waits): a 503 is no promise that
  // nothing was written (README), and the repeat then answers as the first declaration did.
  const again = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'mid-append' }) });
  expect([200, 201]).toContain(again.status);
  expect(again.body).toMatchObject({ activityId: 'mid-append', status: 'declared' });
  const ids = (await t.call('GET', yearPath(), { token: w.pro })).body.activities.map((a: { activityId: string }) => a.activityId);
  expect(ids.filter((id: string) => id === 'mid-append')).toHaveLength(1);
}, 30_000);
