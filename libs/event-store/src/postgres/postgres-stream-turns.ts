/**
 * Cross-process turns on streams (EventStore.withStreamsLocked): session advisory locks, one per
 * stream, taken in one order (so two commands can never wait for each other in a cycle) on
 * connections of their own. PostgreSQL grants a lock to its waiters in the order they asked, so
 * commands on one stream from several processes queue, as they do within one process.
 */
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { StreamTurnTimeoutError } from '../event-store.port';

/** SQLSTATE of a lock wait that ran past lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

/** Takes the turns of the given streams (keys in one order), on behalf of one lock class (a schema). */
const TAKE_TURNS = `SELECT pg_advisory_lock(hashtext($1::text), key)
  FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest($2::text[]) AS id ORDER BY 1) AS keys`;

export interface StreamTurnOptions {
  /** Connections holding turns at once in this process (default 16); more commands queue for one. */
  connections?: number;
  /** How long a command waits for another process's turn before it gives up (default 30 s). */
  waitMs?: number;
  /**
   * A connection that held a turn and said nothing for this long is ended by the server (PostgreSQL
   * 14+), which frees the turn of a frozen process (default 120 s: far beyond any command).
   */
  idleMs?: number;
}

export class StreamTurns {
  private readonly pool: Pool;
  private readonly waitMs: number;

  /** `lockClass`: names the store (its schema), so stores in distinct schemas never share a turn. */
  constructor(config: PoolConfig, private readonly lockClass: string, options: StreamTurnOptions = {}) {
    this.waitMs = options.waitMs ?? 30_000;
    const idleMs = options.idleMs ?? 120_000;
    this.pool = new Pool({ ...config, max: options.connections ?? 16 });
    this.pool.on('error', (error) => process.emitWarning(`idle connection lost: ${error.message}`, 'EventStorePoolError'));
    this.pool.on('connect', (client) => {
      // Queued before any query of ours on this connection; idle_session_timeout exists from 14 on.
      void client
        .query(
          `SELECT set_config('lock_timeout', $1, false),
                  CASE WHEN current_setting('server_version_num')::int >= 140000 THEN set_config('idle_session_timeout', $2, false) END`,
          [`${this.waitMs}ms`, `${idleMs}ms`],
        )
        .catch(() => undefined);
    });
  }

  async run<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      try {
        await client.query(TAKE_TURNS, [this.lockClass, [...streamIds]]);
      } catch (error: unknown) {
        // Turns already granted by this statement are released below, with the connection's others.
        if (typeof error === 'object' && error !== null && 'code' in error && error.code === LOCK_NOT_AVAILABLE) {
          throw new StreamTurnTimeoutError(streamIds, this.waitMs);
        }
        throw error;
      }
      return await work();
    } finally {
      client.release(await release(client));
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Frees every turn the connection holds; a connection that cannot is ended (which frees them too). */
async function release(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('SELECT pg_advisory_unlock_all()');
    return undefined;
  } catch (error: unknown) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
