/**
 * Which copy of the PostgreSQL read models is in use, and the lock that keeps readers, writers
 * and a rebuild's begin and end apart (see rebuildStateSql).
 */
import type { Pool, PoolClient, QueryResult } from 'pg';
import { refuseUnlessSchemaIs, type ReadModelCopy, type RebuildState } from '../read-model.port';
import { pgText } from './postgres-read-model.columns';
import { POSTGRES_READ_MODEL_SCHEMA_VERSION, type ReadModelSchemaNames } from './postgres-read-model.schema';
import { rebuildStateSql } from './postgres-read-model.statements';
import { inTransaction } from './postgres-transaction';

/** How long a rebuild's begin or end waits for the copies' lock per try, and how many tries. */
export const DEFAULT_LOCK_WAIT_MS = 500;
const LOCK_ATTEMPTS = 60;
/** SQLSTATE of a lock wait that ran past lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

const isLockTimeout = (error: unknown): boolean => typeof error === 'object' && error !== null && 'code' in error && error.code === LOCK_NOT_AVAILABLE;

export interface CopiesState {
  token: string | null;
  in_use: ReadModelCopy;
  schema_version: number;
}

export class ReadModelCopies {
  private readonly sql: ReturnType<typeof rebuildStateSql>;

  constructor(
    private readonly pool: Pool,
    names: ReadModelSchemaNames,
    private readonly lockWaitMs: number,
  ) {
    this.sql = rebuildStateSql(names.quoted, names.copiesLockKey);
  }

  /** In the caller's transaction: the state, with the lock held shared until it ends. */
  shared(client: PoolClient): Promise<CopiesState> {
    return this.lockAndRead(client, this.sql.shared);
  }

  /**
   * A read in a transaction of its own holding the lock shared: the copy in use cannot be put out
   * of use and emptied by the next rebuild between choosing it and reading it.
   */
  async read<T>(work: (client: PoolClient, state: CopiesState) => Promise<T>, settings?: string): Promise<T> {
    let answer: T | undefined;
    // BEGIN, any settings of this transaction, the lock and the state: one round trip.
    await inTransaction(
      this.pool,
      async (client, opened) => {
        answer = await work(client, this.stateIn(opened));
        return true;
      },
      settings === undefined ? this.sql.shared : `${settings}; ${this.sql.shared}`,
    );
    return answer as T;
  }

  /**
   * A rebuild's begin or end, holding the lock exclusively: it waits for the readers and writers in
   * flight and holds off the next until commit. Waiting queues every later reader behind it, so
   * each try gives up after lockWaitMs and leaves the queue to drain before the next.
   */
  async exclusively(work: (client: PoolClient, state: CopiesState) => Promise<void>): Promise<void> {
    await this.givingWay(() =>
      inTransaction(this.pool, async (client) => {
        await this.limitLockWaits(client);
        await work(client, await this.lockAndRead(client, this.sql.exclusive));
        return true;
      }),
    );
  }

  /** In the caller's transaction: no lock is waited for longer than lockWaitMs (then 55P03). */
  async limitLockWaits(client: PoolClient): Promise<void> {
    await client.query(this.sql.lockTimeout(this.lockWaitMs));
  }

  /**
   * Runs `work` (a transaction that limits its lock waits) again after a lock wait ran out, pausing
   * between tries so that the queue behind it drains, up to `attempts` times in all.
   */
  async givingWay<T>(work: () => Promise<T>, attempts = LOCK_ATTEMPTS): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error: unknown) {
        if (!isLockTimeout(error) || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.lockWaitMs * (1 + Math.random())));
      }
    }
  }

  /** Within exclusively(): a rebuild under `token` begins. */
  async markBegun(client: PoolClient, token: string): Promise<void> {
    await client.query(this.sql.begin, [pgText(token), new Date().toISOString()]);
  }

  /** Within exclusively(): the rebuild under `token` is no longer under way (its begin failed). */
  async unmark(client: PoolClient, token: string): Promise<void> {
    await client.query(this.sql.unmark, [pgText(token)]);
  }

  /** Within exclusively(): the rebuild under `token` ends, its copy put in use. */
  async markEnded(client: PoolClient, built: ReadModelCopy, token: string): Promise<void> {
    await client.query(this.sql.end, [built, pgText(token)]);
  }

  /** Whether the schema is the one this process opened (no lock: a health check must not queue behind a rebuild). */
  async checkSchema(): Promise<void> {
    const { rows } = await this.pool.query<CopiesState>(this.sql.read);
    refuseUnlessSchemaIs(rows[0]!.schema_version, POSTGRES_READ_MODEL_SCHEMA_VERSION);
  }

  /** For reporting only (no lock). */
  async rebuildState(): Promise<RebuildState> {
    const { rows } = await this.pool.query<{ started_at: string | null; generation: number }>(this.sql.read);
    return { generation: rows[0]?.generation ?? 0, rebuildingSince: rows[0]?.started_at ?? null };
  }

  /**
   * Runs `lockAndRead` (the lock, then the state: one round trip) and answers the state, refusing
   * read models that newer code migrated since this process opened them.
   */
  private async lockAndRead(client: PoolClient, lockAndRead: string): Promise<CopiesState> {
    return this.stateIn((await client.query(lockAndRead)) as unknown as QueryResult[]);
  }

  /** The state, the last of `results`; refused when newer code migrated the read models since. */
  private stateIn(results: QueryResult[]): CopiesState {
    const state = (results[results.length - 1] as QueryResult<CopiesState>).rows[0]!;
    refuseUnlessSchemaIs(state.schema_version, POSTGRES_READ_MODEL_SCHEMA_VERSION);
    return state;
  }
}
