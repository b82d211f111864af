import { Pool } from 'pg';
import { connectForTests, DATABASE_URL, eventually } from '@jx/postgres/testing';
import { inTransaction } from './postgres-transaction';

describe('a read-model transaction whose connection the server ends (PostgreSQL restarted, crashed, stopped)', () => {
  it('fails with the loss, the process goes on, the connection is not pooled again, and the next transaction runs', async () => {
    const pool = new Pool({ connectionString: DATABASE_URL });
    pool.on('error', () => undefined);
    const admin = await connectForTests();
    try {
      const marker = `rm_lost_${process.pid}_${Date.now()}`;
      const running = inTransaction(pool, async (client) => {
        await client.query(`SELECT pg_sleep(30) AS ${marker}`);
        return true;
      });
      running.catch(() => undefined);
      await eventually(async () => {
        const { rows } = await admin.query<{ ended: boolean }>(
          "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND strpos(query, $1) > 0",
          [`AS ${marker}`],
        );
        return rows.some((r) => r.ended);
      }, 'the transaction’s statement running');
      await expect(running).rejects.toThrow(/terminat/);
      expect(pool.totalCount).toBe(0);
      await expect(inTransaction(pool, async (client) => (await client.query('SELECT 1')).rowCount === 1)).resolves.toBe(true);
    } finally {
      await admin.end();
      await pool.end();
    }
  }, 20_000);
});
