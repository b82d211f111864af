import { Pool, type PoolConfig } from 'pg';
import { queryTimeouts, withMigrationConnection } from '@jx/postgres';
import {
  EventStoreClosedError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { assertAppendable, normaliseInstant, normaliseReadBound } from '../append-rules';
import { trackedFollowAll } from '../follow-all';
import { MAX_REVISION as CACHE_WHOLE_STREAM, RecentStreams, type PendingRead } from '../recent-streams';
import { AppendNotifications } from './postgres-append-notifications';
import { appendEvents } from './postgres-append';
import { toStoredEvent, type EventRow } from '../event-row';
import { MAX_REVISION, migrate, storeNames, type StoreNames } from './postgres-schema';
import { eventStoreSql, type EventStoreSql } from './postgres-sql';
import { StreamTurns, turnSettings, type StreamTurnOptions } from './postgres-stream-turns';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Schema holding the tables, created if absent (default `event_store`); lower-case identifier. */
  schema?: string;
  /** How often subscriptions read when no NOTIFY arrived (default 1 s): the fallback only. */
  pollIntervalMs?: number;
  /** Passed to pg's Pool (and, where they apply, to the LISTEN connection and the turns' pool). */
  pool?: Omit<PoolConfig, 'connectionString'>;
  /** How long a statement may take (default 30 s; see queryTimeouts in @jx/postgres). */
  queryTimeoutMs?: number;
  /** Cross-process turns on streams (withStreamsLocked): connections, wait (see StreamTurnOptions). */
  turns?: StreamTurnOptions;
  /**
   * Open only a store that exists (maintenance commands): a schema holding none fails with
   * NoEventStoreError, and nothing is created — a mistyped schema would otherwise be checked, or
   * rebuilt from, empty, and reported sound.
   */
  existingOnly?: boolean;
  /** How long a migration step waits for a lock per try (see MigrationOptions in @jx/postgres; default 2 s). */
  migrationLockWaitMs?: number;
}

export class NoEventStoreError extends Error {
  constructor(readonly schema: string) {
    super(`schema ${schema} holds no event store`);
    this.name = 'NoEventStoreError';
  }
}

/** Events held at most by the cache of recently read streams (as the SQLite adapter's). */
const RECENT_EVENTS = 40_000;

/** Waits out each stream's turn (StreamTurns' keys) without holding it: shared, and released as the statement ends. */
const AWAIT_TURNS = `SELECT pg_advisory_xact_lock_shared(hashtext($1::text), hashtext(id)) FROM unnest($2::text[]) AS id`;
/** Connections of the pool that reads between commands wait for turns on (awaitStreamTurns). */
const TURN_WAITERS = 3;

/**
 * The PostgreSQL adapter (PostgreSQL 13+: xid8). Global order: positions come from an identity
 * sequence, and a sequence alone hands out numbers in the order transactions *draw* them, not the
 * order they *commit*: a subscription that has read position 11 would never go back for a 10 that
 * commits later. Every append therefore holds one transaction-scoped advisory lock from the moment
 * it draws positions until it commits (postgres-append.ts), so positions become visible strictly in
 * order and `readAll(position > n)` can never skip. The checks, row locks and reads before that
 * point run in parallel across streams; only insert-and-commit is serialised, as in SQLite.
 *
 * Not chosen: Marten / Emmett's filter on `transaction_id < pg_snapshot_xmin(...)`. It keeps
 * commits concurrent, but the safe order it gives is (transaction id, position), which needs a
 * two-part checkpoint; this port's checkpoint is one position and positions must increase in
 * delivery order. The xid8 column is still recorded, for diagnosis.
 */
export class PostgresEventStore implements EventStore {
  /**
   * Recently read streams are kept (RecentStreams) and extended by this process's appends only:
   * a read that allows it (a command's first try, handleCommand) may miss another process's
   * appends, which the append's revision checks then find. Every other read asks for the rows
   * after the prefix held: one round trip as before, but the prefix is not read and parsed again.
   */
  readonly cachedReadsMayLag = true;
  private readonly recent = new RecentStreams(RECENT_EVENTS);
  /** PostgreSQL has no data version to tell that nothing was committed since: each read gets one of its own. */
  private reads = 0;
  private readonly readVersion = (): number => ++this.reads;
  private readonly sql: EventStoreSql;
  private readonly notifications: AppendNotifications;
  private readonly turns: StreamTurns;
  /**
   * A pool of its own for reads waiting for a command's turn: on the request pool, ten such
   * waits would hold every connection while the command they wait for needs one for its read and
   * append — a wait PostgreSQL cannot see, ended only by the pool's connection timeout (a 503)
   * while every request of the process waited. More waits than its connections queue for one.
   */
  private readonly turnWaits: Pool;
  /**
   * The waits under way, by their streams: a read arriving while one is under way shares it, so
   * that reads of one busy stream take one connection of turnWaits, not all of them (a read of a
   * stream nobody writes would otherwise wait for one). Sharing keeps the guarantee: a command
   * asking for the turn after the wait was asked for queues behind it (PostgreSQL grants a lock in
   * the order asked once a conflicting request waits), so when it is granted no command that
   * stamped its events before any of the sharing reads is still under way.
   */
  private readonly waitsUnderWay = new Map<string, Promise<void>>();
  /** The turns' lock class (this store's schema), the first key of each stream's turn. */
  private readonly turnClass: string;
  private readonly subscriptions = new Set<Subscription>();
  private closing: Promise<void> | undefined;
  /** The pool is (being) released: every call refuses, as the port says. */
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly names: StoreNames,
    /** The pool's settings: also those of the LISTEN connection, the turns' and turn waits' pools, and the connection that settles an append whose answer was lost. */
    private readonly config: PoolConfig,
    private readonly pollIntervalMs: number,
    turns: StreamTurnOptions = {},
  ) {
    this.sql = eventStoreSql(names.quoted);
    this.notifications = new AppendNotifications(config, names.channel, pollIntervalMs);
    // A pool of its own: a connection holding a turn waits for the command's reads and append,
    // which must never wait for a connection held by another turn.
    this.turnClass = `jx-event-store:turns:${names.schema}`;
    this.turnWaits = new Pool({ ...config, max: TURN_WAITERS });
    this.turnWaits.on('error', (error) => process.emitWarning(`idle turn-wait connection lost: ${error.message}`, 'EventStorePoolError'));
    this.turns = new StreamTurns(
      config,
      this.turnClass,
      async (pids) => void (await this.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids])),
      turns,
    );
  }

  /**
   * A shared lock on each stream's turn key, released as its statement ends: granted once no
   * command holds that turn, it takes no turn connection and never waits for another reader.
   */
  async awaitStreamTurns(streamIds: readonly string[]): Promise<void> {
    this.assertOpen();
    const key = JSON.stringify([...new Set(streamIds)].sort());
    let wait = this.waitsUnderWay.get(key);
    if (wait === undefined) {
      wait = this.turnWaits
        .query(AWAIT_TURNS, [this.turnClass, [...streamIds]])
        .then(() => undefined)
        .finally(() => this.waitsUnderWay.delete(key));
      this.waitsUnderWay.set(key, wait);
    }
    await wait;
  }

  /** Commands on one stream queue across processes (see EventStore.withStreamsLocked). */
  async withStreamsLocked<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.turns.run(streamIds, work);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    assertAppendable(events, expectedRevision);
    // Normalised before any lock is taken; an invalid instant throws RangeError first.
    const ats = events.map((e) => normaliseInstant(e.metadata.at));
    const request = { streamId, events, ats, expected: expectedRevision, guards: options.guards ?? [], ...(options.link === undefined ? {} : { link: options.link }) };
    let result: AppendResult;
    try {
      result = await appendEvents(this.pool, this.sql, this.names, request, this.config);
    } catch (error: unknown) {
      // Refused, or its outcome unknown (no answer): read afresh next time, never trusted from the cache.
      this.recent.forget(streamId);
      throw error;
    }
    this.recent.extend(streamId, result.events);
    this.notifications.notify(); // this process's subscriptions need not wait for the NOTIFY
    return result;
  }

  async readStreams(streamIds: readonly string[], options: Pick<ReadStreamOptions, 'allowCached'> = {}): Promise<Map<string, StoredEvent[]>> {
    this.assertOpen();
    const read = { dataVersion: this.readVersion, allowCached: options.allowCached === true };
    const streams = new Map<string, StoredEvent[]>();
    const pending: PendingRead[] = [];
    for (const id of new Set(streamIds)) {
      const plan = this.recent.plan(id, CACHE_WHOLE_STREAM, read);
      if ('answer' in plan) streams.set(id, plan.answer);
      else pending.push(plan);
    }
    if (pending.length === 0) return streams;
    const values = [pending.map((p) => p.streamId), pending.map((p) => p.after)];
    const { rows } = await this.pool.query<EventRow>({ text: this.sql.readStreams, values, rowMode: 'array' });
    const tails = new Map<string, StoredEvent[]>(pending.map((p) => [p.streamId, []]));
    for (const row of rows) tails.get(row[2])!.push(toStoredEvent(row));
    for (const plan of pending) streams.set(plan.streamId, this.recent.settle(plan, tails.get(plan.streamId)!));
    return streams;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    // A bound at or beyond the column's range means "the whole stream".
    const bound = Math.floor(options.toRevision ?? CACHE_WHOLE_STREAM);
    const toRevision = bound >= MAX_REVISION ? CACHE_WHOLE_STREAM : bound;
    const plan = this.recent.plan(streamId, toRevision, { dataVersion: this.readVersion, allowCached: options.allowCached === true });
    let events: StoredEvent[];
    if ('answer' in plan) events = plan.answer;
    else {
      const values = [streamId, plan.after, Math.min(toRevision, MAX_REVISION)];
      const { rows } = await this.pool.query<EventRow>({ text: this.sql.readStream, values, rowMode: 'array' });
      events = this.recent.settle(plan, rows.map(toStoredEvent));
    }
    if (options.toTime === undefined) return events;
    // The stream as it stood then: the longest prefix recorded at or before the instant. A prefix,
    // not a filter, so a skewed clock can never hand a fold an event without its predecessors.
    const toTime = normaliseReadBound(options.toTime);
    const end = events.findIndex((e) => e.metadata.at > toTime);
    return end === -1 ? events : events.slice(0, end);
  }

  async streamRevision(streamId: string): Promise<number | -1> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ revision: number }>(this.sql.revision, [streamId]);
    return rows[0]?.revision ?? -1;
  }

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    this.assertOpen();
    const values = [fromPosition, Math.max(0, limit)];
    const { rows } = await this.pool.query<EventRow>({ text: this.sql.readAll, values, rowMode: 'array' });
    return rows.map(toStoredEvent);
  }

  async listStreams(prefix: string): Promise<string[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ stream_id: string }>(this.sql.listStreams, [prefix]);
    return rows.map((row) => row.stream_id);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    if (this.closing) throw new EventStoreClosedError();
    return trackedFollowAll(
      this.subscriptions,
      { readAll: (from, limit) => this.readAll(from, limit), onAppended: (listener) => this.notifications.add(listener), pollIntervalMs: this.pollIntervalMs },
      options,
    );
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ head: string | number }>(this.sql.headPosition);
    return Number(rows[0]?.head ?? 0);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.pool.query('SELECT 1');
  }

  /** Closes subscriptions (waiting for pages in flight), then the LISTEN connection and the pools. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      this.subscriptions.clear();
      this.closed = true;
      await this.notifications.close();
      await this.turns.close();
      await Promise.all([this.turnWaits.end(), this.pool.end()]);
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}

/**
 * Opens a pool and migrates the schema (idempotent; concurrent openers queue on an advisory lock).
 * Fails, with the pool closed, when PostgreSQL cannot be reached or the schema is newer than this code.
 */
export async function openPostgresEventStore(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
  const names = storeNames(options.schema ?? 'event_store');
  turnSettings(options.turns); // refused before any connection is opened
  queryTimeouts(options.queryTimeoutMs);
  const config: PoolConfig = {
    // A writer stuck mid-append (a frozen process) would hold the global append lock: let the
    // server end such a session rather than stall every append behind it.
    idle_in_transaction_session_timeout: 30_000,
    // A server that does not answer (a network black hole) fails a new connection after 10 s —
    // a 503 — instead of holding the request for as long as the operating system waits.
    connectionTimeoutMillis: 10_000,
    ...queryTimeouts(options.queryTimeoutMs),
    ...options.pool,
    connectionString: options.connectionString,
  };
  const pool = new Pool(config);
  // An idle client losing its connection is emitted on the pool; unhandled, it would crash the process.
  pool.on('error', (error) => process.emitWarning(`idle connection lost: ${error.message}`, 'EventStorePoolError'));
  try {
    await withMigrationConnection(config, async (client) => {
      if (options.existingOnly === true) {
        const { rows } = await client.query<{ events: string | null }>('SELECT to_regclass($1)::text AS events', [`${names.quoted}.events`]);
        if (rows[0]?.events == null) throw new NoEventStoreError(names.schema);
      }
      await migrate(client, names, options.migrationLockWaitMs === undefined ? {} : { lockWaitMs: options.migrationLockWaitMs });
    });
  } catch (error: unknown) {
    await pool.end().catch(() => undefined);
    if (error instanceof NoEventStoreError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the PostgreSQL event store (schema ${names.schema}): ${reason}`, { cause: error });
  }
  return new PostgresEventStore(pool, names, config, options.pollIntervalMs ?? 1000, options.turns);
}
