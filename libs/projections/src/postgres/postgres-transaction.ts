import type { Pool, PoolClient } from 'pg';
import { isQueryReadTimeout } from '@jx/postgres';

/**
 * Runs `work` in one transaction on one pooled connection: committed when it returns true, rolled
 * back when it returns false or throws.
 */
export async function inTransaction(pool: Pool, work: (client: PoolClient) => Promise<boolean>): Promise<boolean> {
  const client = await pool.connect();
  let discard: Error | undefined;
  try {
    // READ COMMITTED whatever the server's default: the read models' locking relies on it.
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const done = await work(client);
    await client.query(done ? 'COMMIT' : 'ROLLBACK');
    return done;
  } catch (error: unknown) {
    // A statement unanswered: the connection is discarded at once (the server ends the transaction).
    if (isQueryReadTimeout(error)) {
      discard = error as Error;
      throw error;
    }
    // A connection that cannot even roll back is discarded rather than handed to the next caller.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      discard = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(discard);
  }
}
