import { Pool } from 'pg';
import { CheckedOutClient } from './checked-out';
import { connectForTests, DATABASE_URL, eventually } from './testing';

/** Ends, from another session, the backend of a statement that is running `marker` (once it runs). */
async function terminateWhenRunning(marker: string): Promise<void> {
  const admin = await connectForTests();
  try {
    await eventually(async () => {
      const { rows } = await admin.query<{ ended: boolean }>(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%' || $1 || '%'",
        [marker],
      );
      return rows.some((r) => r.ended);
    }, `the statement ${marker} running`);
  } finally {
    await admin.end();
  }
}

/** A pool of its own for one test, ended after it (its idle connections' errors are the pool's to report). */
async function withPool(work: (pool: Pool) => Promise<void>): Promise<void> {
  const pool = new Pool({ connectionString: DATABASE_URL });
  pool.on('error', () => undefined);
  try {
    await work(pool);
  } finally {
    await pool.end();
  }
}

describe('a connection checked out of a pool', () => {
  it('lost while a statement of it runs (the server restarted, crashed or stopped): the statement fails with the loss, the process goes on, and the connection is closed rather than pooled', async () => {
    await withPool(async (pool) => {
    const held = await CheckedOutClient.from(pool);
    const ended = new Promise<void>((resolve) => held.client.once('end', resolve));
    const marker = `lost_${process.pid}_${Date.now()}`;
    const running = held.client.query(`SELECT pg_sleep(30) AS ${marker}`).then(
      () => undefined,
      (error: unknown) => error,
    );
    await terminateWhenRunning(marker);
    const failure = await running;
    expect(failure).toMatchObject({ code: '57P01', severity: 'FATAL' });
    held.failed(failure);
    // The FATAL answer or the connection's end, whichever came first.
    expect(held.lost?.message).toMatch(/terminat/);
    held.release();
    expect(pool.totalCount).toBe(0);
    // The connection's end, after the release: no listener of ours, none of the pool's (the process would have ended).
    await ended;
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    });
  });

  it('lost before it is released, while nothing of it runs: the loss is recorded, the process goes on, and the connection is closed on release', async () => {
    await withPool(async (pool) => {
    const held = await CheckedOutClient.from(pool);
    const { rows } = await held.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise<void>((resolve) => held.client.once('end', resolve));
    const admin = await connectForTests();
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    await ended;
    expect(held.lost?.message).toMatch(/terminat/);
    held.release();
    expect(pool.totalCount).toBe(0);
    });
  });

  it('told of a FATAL answer (the server ended the session) before the connection’s end arrives: closed on release, not pooled', async () => {
    await withPool(async (pool) => {
    const held = await CheckedOutClient.from(pool);
    const fatal = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    held.failed(fatal);
    expect(held.lost).toBe(fatal);
    held.release();
    expect(pool.totalCount).toBe(0);
    });
  });

  it.each([
    ['57P01 answered in another language (lc_messages): severity translated', { code: '57P01', severity: '致命错误' }],
    ['25P03 (idle_in_transaction_session_timeout)', { code: '25P03', severity: 'FATAL' }],
    ['a connection exception (class 08)', { code: '08006' }],
    ['any answer the server marks PANIC', { code: 'XX000', severity: 'PANIC' }],
  ])('told of an answer ending the session, %s: closed on release, not pooled', async (_what, fields) => {
    await withPool(async (pool) => {
      const held = await CheckedOutClient.from(pool);
      held.failed(Object.assign(new Error('ended'), fields));
      held.release();
      expect(pool.totalCount).toBe(0);
    });
  });

  it('a statement refused in the ordinary way (a syntax error) keeps the connection: pooled again on release', async () => {
    await withPool(async (pool) => {
    const held = await CheckedOutClient.from(pool);
    held.failed(await held.client.query('SELEC 1').catch((error: unknown) => error));
    held.release();
    expect([pool.totalCount, pool.idleCount]).toEqual([1, 1]);
    });
  });

  it('told of a statement left unanswered (Query read timeout): closed on release, not handed to the next caller', async () => {
    await withPool(async (pool) => {
    const held = await CheckedOutClient.from(pool);
    held.failed(new Error('Query read timeout'));
    held.release();
    expect(pool.totalCount).toBe(0);
    });
  });

  it('kept healthy: back in the pool for the next caller, with the pool’s own listener only', async () => {
    await withPool(async (pool) => {
    const held = await CheckedOutClient.from(pool);
    const listeners = held.client.listenerCount('error');
    held.release();
    expect([pool.totalCount, pool.idleCount]).toEqual([1, 1]);
    expect(held.client.listenerCount('error')).toBe(listeners); // ours off, the pool's idle listener on
    });
  });
});
