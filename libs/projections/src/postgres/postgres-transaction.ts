import type { Pool, PoolClient, QueryResult } from 'pg';
import { CheckedOutClient } from '@jx/postgres';

const BEGIN = 'BEGIN ISOLATION LEVEL READ COMMITTED';

/**
 * Runs `work` in one transaction on one pooled connection: committed when it returns true, rolled
 * back when it returns false or throws. `opening` (statements without parameters) is sent with
 * the BEGIN, in the same round trip; `work` is handed their results, one per statement.
 */
export async function inTransaction(
  pool: Pool,
  work: (client: PoolClient, opened: QueryResult[]) => Promise<boolean>,
  opening?: string,
): Promise<boolean> {
  const held = await CheckedOutClient.from(pool);
  const { client } = held;
  try {
    // READ COMMITTED whatever the server's default: the read models' locking relies on it.
    const begun = (await client.query(opening === undefined ? BEGIN : `${BEGIN}; ${opening}`)) as unknown as QueryResult | QueryResult[];
    // The simple protocol answers one result per statement (the BEGIN's first) when there are several.
    const done = await work(client, Array.isArray(begun) ? begun.slice(1) : []);
    await client.query(done ? 'COMMIT' : 'ROLLBACK');
    return done;
  } catch (error: unknown) {
    // A statement unanswered: the connection is discarded at once (the server ends the transaction);
    // so is one whose session the server ended (nothing to roll back there).
    held.failed(error);
    if (held.lost !== undefined) throw error;
    // A connection that cannot even roll back is discarded rather than handed to the next caller.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      held.discard(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
    });
    throw error;
  } finally {
    held.release();
  }
}
