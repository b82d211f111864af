import { Pool } from 'pg';
import { connectForTests, DATABASE_URL } from './testing';
import { isQueryReadTimeout, queryTimeouts, withMigrationConnection } from './query-timeouts';

// Touches nothing but fails loudly, as every PostgreSQL spec does, when the server is unreachable.
beforeAll(async () => {
  await (await connectForTests()).end();
});

describe('statement bounds of the PostgreSQL pools (DATABASE_QUERY_TIMEOUT_MS)', () => {
  it('reach the server as statement_timeout: a statement running longer is cancelled there (57014)', async () => {
    const pool = new Pool({ connectionString: DATABASE_URL, ...queryTimeouts(300) });
    try {
      expect((await pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout).toBe('300ms');
      await expect(pool.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
      // The connection is still good for the next statement.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('give up on the client side an answer that does not come within the query timeout (a server silent, or slower than its own bound)', async () => {
    // statement_timeout off, so that only the client's bound can end the wait.
    const pool = new Pool({ connectionString: DATABASE_URL, query_timeout: 300 });
    const client = await pool.connect();
    let failure: unknown;
    try {
      await client.query('SELECT pg_sleep(5)');
    } catch (error: unknown) {
      failure = error;
    } finally {
      client.release(isQueryReadTimeout(failure) ? (failure as Error) : undefined);
      await pool.end();
    }
    expect(isQueryReadTimeout(failure)).toBe(true);
    expect(isQueryReadTimeout(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBe(false);
  });

  it('leave out the connection of a migration: it may wait for another process\'s and run long, whatever default the connection string or the database sets', async () => {
    const url = new URL(DATABASE_URL);
    url.searchParams.set('options', '-c statement_timeout=100');
    const seen = await withMigrationConnection({ connectionString: url.toString(), ...queryTimeouts(300) }, async (client) => {
      await client.query('SELECT pg_sleep(0.5)');
      return (await client.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout;
    });
    expect(seen).toBe('0');
  });
});
