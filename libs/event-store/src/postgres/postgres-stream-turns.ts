/**
 * Cross-process turns on streams (EventStore.withStreamsLocked): session advisory locks, one per
 * stream, taken in one order (so two commands can never wait for each other in a cycle) on
 * connections of their own. PostgreSQL grants a lock to its waiters in the order they asked, so
 * commands on one stream from several processes queue, as they do within one process.
 * Session locks need a session of their own: not behind PgBouncer's transaction pooling.
 */
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { CheckedOutClient } from '@jx/postgres';
import { EventStoreClosedError, StreamTurnTimeoutError } from '../event-store.port';

/** SQLSTATEs of a lock wait ended by lock_timeout, and of a statement cancelled (statement_timeout). */
const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

/** Takes the turns of the given streams (keys in one order), on behalf of one lock class (a schema). */
const TAKE_TURNS = `SELECT pg_advisory_lock(hashtext($1::text), key)
  FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest($2::text[]) AS id ORDER BY 1) AS keys`;

/**
 * Each turn connection's limits, set once on it (idle_session_timeout exists from PostgreSQL 14 on).
 * A turn's wait is bounded by lock_timeout, per stream, not by a statement bound (the requests'
 * DATABASE_QUERY_TIMEOUT_MS, or a default the database or role sets), which would cut it short.
 */
const LIMITS = `SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', '0', false),
  CASE WHEN current_setting('server_version_num')::int >= 140000 THEN set_config('idle_session_timeout', $2, false) END`;

export interface StreamTurnOptions {
  /** Connections holding turns at once in this process (default 8); more commands queue for one. */
  connections?: number;
  /** How long a command waits for each stream's turn held by another process (default 30 s). */
  waitMs?: number;
  /**
   * A connection that held a turn and said nothing for this long is ended by the server (PostgreSQL
   * 14+), which frees the turn of a frozen process (default 120 s: far beyond any command).
   */
  idleMs?: number;
}

/** The options with their defaults; a RangeError for a value PostgreSQL would read as "no limit". */
export function turnSettings(options: StreamTurnOptions = {}): Required<StreamTurnOptions> {
  const settings = { connections: options.connections ?? 8, waitMs: options.waitMs ?? 30_000, idleMs: options.idleMs ?? 120_000 };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`turns.${name} must be a whole number ≥ 1, got ${value}`);
  }
  return settings;
}

const errorCode = (error: unknown): unknown => (typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined);

export class StreamTurns {
  private readonly pool: Pool;
  private readonly waitMs: number;
  /** The client's bound on an answer (query_timeout), when the store has one. */
  private readonly clientBoundMs: number | undefined;
  private readonly idleMs: number;
  private readonly limited = new WeakSet<PoolClient>();
  /** Connections whose turn statement is running: close() ends their sessions, and so their waits. */
  private readonly waiting = new Set<PoolClient>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  /**
   * `lockClass` names the store (its schema), so stores in distinct schemas never share a turn;
   * `endBackends` ends these server processes' sessions (from another pool): unlike a cancel, which
   * the server may drop while it still reads the statement, that cannot be lost.
   */
  constructor(
    config: PoolConfig,
    private readonly lockClass: string,
    private readonly endBackends: (pids: number[]) => Promise<void>,
    options: StreamTurnOptions = {},
  ) {
    const { connections, waitMs, idleMs } = turnSettings(options);
    this.waitMs = waitMs;
    this.idleMs = idleMs;
    // Idle turn connections are closed by the pool well before the server's idle_session_timeout
    // (none kept open: min 0), and a server that does not answer fails a connect in 10 s.
    // The statement bound is replaced by lock_timeout on each connection (LIMITS); the client's
    // bound (query_timeout) stays, and a turn's wait adds waitMs per stream to it (see run).
    const { statement_timeout: _requestsBound, ...turnConfig } = config;
    this.clientBoundMs = config.query_timeout;
    this.pool = new Pool({ ...turnConfig, max: connections, min: 0, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 10_000 });
    this.pool.on('error', (error) => process.emitWarning(`idle connection lost: ${error.message}`, 'EventStorePoolError'));
  }

  run<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new EventStoreClosedError());
    const running = this.take(streamIds, work);
    this.inFlight.add(running);
    void running.then(
      () => this.inFlight.delete(running),
      () => this.inFlight.delete(running),
    );
    return running;
  }

  /**
   * Refuses new turns, ends the sessions waiting for a turn on the server, lets the commands holding
   * one finish (the store refuses their calls by now), then closes the connections.
   */
  async close(): Promise<void> {
    this.closed = true;
    const pids = [...this.waiting].map((client) => (client as unknown as { processID?: number }).processID).filter((pid): pid is number => pid !== undefined);
    if (pids.length > 0) await this.endBackends(pids).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await this.pool.end();
  }

  private async take<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
    // A session the server ends while the work runs (a restart, idle_session_timeout): its turns
    // are gone with it; the work goes on, guarded by the revisions it read (see CheckedOutClient).
    const held = await CheckedOutClient.from(this.pool);
    const { client } = held;
    // A statement of this connection unanswered (see isQueryReadTimeout), or answered with the end
    // of its session: discarded without an unlock.
    const unanswered = (error: unknown): never => {
      held.failed(error);
      throw error;
    };
    try {
      if (this.closed) throw new EventStoreClosedError();
      if (!this.limited.has(client)) {
        await client.query(LIMITS, [`${this.waitMs}ms`, `${this.idleMs}ms`]).catch(unanswered);
        this.limited.add(client);
      }
      // Checked again with nothing awaited before the wait is registered: close() either refused
      // this command or sees it waiting (and ends its session).
      if (this.closed) throw new EventStoreClosedError();
      this.waiting.add(client);
      try {
        // lock_timeout bounds each stream's wait: a command's turns may take waitMs per stream.
        const keys = new Set(streamIds).size;
        const bound = this.clientBoundMs === undefined ? {} : { query_timeout: this.clientBoundMs + keys * this.waitMs };
        await client.query({ text: TAKE_TURNS, values: [this.lockClass, [...streamIds]], ...bound }).catch(unanswered);
      } catch (error: unknown) {
        if (this.closed) throw new EventStoreClosedError();
        const code = errorCode(error);
        // A wait cut short (lock_timeout, statement_timeout): the command did not start, and may
        // simply be sent again (409 CONCURRENCY_CONFLICT). A connection lost meanwhile is thrown as
        // the driver reports it: the server is away (503), which is no conflict with another writer.
        if (code === LOCK_NOT_AVAILABLE || code === QUERY_CANCELED) throw new StreamTurnTimeoutError(streamIds, this.waitMs);
        throw error;
      } finally {
        this.waiting.delete(client);
      }
      return await work();
    } finally {
      // Turns already granted (all, or some before a failure) go with the connection's others.
      const unlockFailure = held.lost === undefined ? await unlockAll(client) : undefined;
      if (unlockFailure !== undefined) held.discard(unlockFailure);
      held.release();
    }
  }
}

/** Frees every turn the connection holds; a connection that cannot is discarded (which frees them too). */
async function unlockAll(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('SELECT pg_advisory_unlock_all()');
    return undefined;
  } catch (error: unknown) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
