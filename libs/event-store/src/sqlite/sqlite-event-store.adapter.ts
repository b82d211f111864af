import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { makePrivateFolder, openSqliteFile, type SqliteFileOptions } from '@jx/sqlite';
import {
  EventStoreClosedError,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadStreamOptions,
  type StoredEvent,
  type StreamGuard,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { assertAppendable, inStreamOrder, normaliseInstant, normaliseReadBound } from '../append-rules';
import { trackedFollowAll } from '../follow-all';
import { GENESIS_HASH, chainHash } from '../hash-chain';
import { metadataColumn, toStoredEvent, type EventRow } from '../event-row';
import { EVENT_COLUMNS } from './sqlite-event-row';
import { migrate } from './sqlite-schema';
import { MAX_REVISION, RecentStreams } from '../recent-streams';
import { OwnAppends } from './own-appends';

export type SqliteSynchronous = NonNullable<SqliteFileOptions['synchronous']>;

export interface SqliteEventStoreOptions {
  /** Database file; its directory must exist (openSqliteEventStore creates it). */
  file: string;
  /**
   * NORMAL (default): in WAL mode a commit is written to the WAL before append() returns but is
   * fsynced only at checkpoints, so a killed process (kill -9) loses nothing — the bytes are in the
   * OS — and only an OS crash or power cut can lose the last commits. FULL fsyncs every commit.
   */
  synchronous?: SqliteSynchronous;
  /** How often subscriptions look for appends made by other processes (default 250 ms). */
  pollIntervalMs?: number;
  /** How long a writer waits for another process's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * Events kept between reads (least recently read streams dropped first; each stream counts one
 * more). About 40 MB at most; 600 busy person-years of 15 events, each command also reading three
 * mostly empty other years, hold about 12,000.
 */
const RECENT_EVENTS = 40_000;
/** This process's last appended events kept for its own subscriptions (about two full pages). */
const OWN_APPENDS = 1024;

interface QueuedAppend {
  streamId: string;
  events: readonly NewEvent[];
  ats: readonly string[];
  expected: ExpectedRevision;
  guards: readonly StreamGuard[];
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * The embedded default store. better-sqlite3 is synchronous: reads finish before their promise is
 * returned; appends are group-committed once per turn of the event loop (commitQueued), so appends
 * from one process are serialised by the event loop and appends from several processes by SQLite's
 * write lock (BEGIN IMMEDIATE, waiting up to busy_timeout).
 */
export class SqliteEventStore implements EventStore {
  /** Cached streams are extended by this process's appends only; others' are found by data_version. */
  readonly cachedReadsMayLag = true;
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  /** close() has begun: no new subscription (close waits only for those it knows of). */
  private closing = false;
  private readonly listeners = new Set<() => void>();
  private readonly recent = new RecentStreams(RECENT_EVENTS);
  private readonly ownAppends = new OwnAppends(OWN_APPENDS);
  private readonly subscriptions = new Set<Subscription>();
  private readonly stmt;
  private readonly appendTx;
  private readonly groupTx;
  /** Appends waiting for this turn's group commit (see append). */
  private queued: QueuedAppend[] = [];

  constructor(options: SqliteEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.db = openSqliteFile(options.file, { synchronous: options.synchronous ?? 'NORMAL', ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }) });
    try {
      migrate(this.db);
    } catch (error: unknown) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.stmt = {
      revision: db.prepare<[string], number>('SELECT revision FROM streams WHERE stream_id = ?').pluck(),
      lastEvent: db.prepare<[string, number], { hash: string; at: string }>('SELECT hash, at FROM events WHERE stream_id = ? AND revision = ?'),
      insert: db.prepare<[string, string, number, string, string, string, string, string, string]>(
        `INSERT INTO events (id, stream_id, revision, type, data, metadata, at, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      setRevision: db.prepare<[string, number]>(
        `INSERT INTO streams (stream_id, revision) VALUES (?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`,
      ),
      readStream: db.prepare<[string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision > ? AND revision <= ? ORDER BY revision`,
      ).raw(),
      readAll: db.prepare<[number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      ).raw(),
      listStreams: db
        .prepare<{ prefix: string }, string>(
          'SELECT stream_id FROM streams WHERE substr(stream_id, 1, length(@prefix)) = @prefix ORDER BY stream_id',
        )
        .pluck(),
      head: db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
      ping: db.prepare<[], number>('SELECT 1').pluck(),
      // Changes whenever another connection (another process) commits to the file; never for ours.
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
    this.appendTx = db.transaction(this.appendInTransaction.bind(this));
    // appendTx called inside groupTx runs as a savepoint: an append that fails (a revision or
    // guard conflict, data that is not JSON) rolls back alone and the others still commit.
    this.groupTx = db.transaction((group: readonly QueuedAppend[]): Array<AppendResult | Error> =>
      group.map((a) => {
        try {
          return this.appendTx(a.streamId, a.events, a.ats, a.expected, a.guards);
        } catch (error: unknown) {
          // A full disk, an I/O error or no memory can roll back the whole transaction, not just
          // the savepoint: then nothing of the group may go on (it would commit outside it).
          if (!this.db.inTransaction) throw error;
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertAppendable(events, expectedRevision);
    // Normalised outside the write lock; an invalid instant throws RangeError before anything runs.
    const ats = events.map((e) => normaliseInstant(e.metadata.at));
    this.assertOpen();
    return new Promise<AppendResult>((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.commitQueued());
      this.queued.push({ streamId, events, ats, expected: expectedRevision, guards: options.guards ?? [], resolve, reject });
    });
  }

  /**
   * Group commit: the appends asked for during one turn of the event loop are written in one
   * transaction, each in a savepoint of its own, and each caller is answered only once that
   * transaction committed — so an acknowledged event is as durable as before, and every append
   * still checks its expected revision and guards against everything committed before it. A commit
   * costs far more than the inserts it publishes; concurrent requests now share one.
   */
  private commitQueued(): void {
    const group = this.queued;
    this.queued = [];
    if (group.length === 0) return;
    let outcomes: Array<AppendResult | Error>;
    try {
      this.assertOpen();
      outcomes = this.groupTx.immediate(group);
    } catch (error: unknown) {
      // Nothing of the group was committed (the write lock was not had in time, the disk failed…).
      // Its streams are read afresh next time rather than trusted from the cache.
      for (const a of group) {
        this.recent.forget(a.streamId);
        a.reject(error);
      }
      return;
    }
    let appended = false;
    for (const [i, a] of group.entries()) {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) {
        a.reject(outcome);
        continue;
      }
      this.recent.extend(a.streamId, outcome.events);
      this.ownAppends.add(outcome.events);
      appended = true;
      a.resolve(outcome);
    }
    if (appended) this.announceAppends();
  }

  /** Listeners run outside any caller now: one that throws is reported and the others still run. */
  private announceAppends(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error: unknown) {
        process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'AppendListenerError');
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const events = this.cachedRead(streamId, options.toRevision ?? MAX_REVISION, options.allowCached === true);
    if (options.toTime === undefined) return events;
    // The stream as it stood then: the longest prefix recorded at or before the instant. A prefix,
    // not a filter, so a skewed clock can never hand a fold an event without its predecessors.
    const toTime = normaliseReadBound(options.toTime);
    const end = events.findIndex((e) => e.metadata.at > toTime);
    return end === -1 ? events : events.slice(0, end);
  }

  async streamRevision(streamId: string): Promise<number | -1> {
    this.assertOpen();
    return this.currentRevision(streamId);
  }

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    this.assertOpen();
    // SQLite reads a negative LIMIT as "no limit".
    return this.ownAppends.after(fromPosition, limit) ?? this.stmt.readAll.all(fromPosition, Math.max(0, limit)).map(toStoredEvent);
  }

  async listStreams(prefix: string): Promise<string[]> {
    this.assertOpen();
    return this.stmt.listStreams.all({ prefix });
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    // Refused from the start of close(): it would outlive the subscriptions close() waits for.
    if (this.closing || !this.db.open) throw new EventStoreClosedError();
    return trackedFollowAll(
      this.subscriptions,
      {
        readAll: (from, limit) => this.readAll(from, limit),
        onAppended: (listener) => {
          this.listeners.add(listener);
          return () => this.listeners.delete(listener);
        },
        pollIntervalMs: this.pollIntervalMs,
      },
      options,
    );
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.stmt.head.get() ?? 0;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.stmt.ping.get();
  }

  async close(): Promise<void> {
    this.closing = true;
    // Appends already asked for are committed (or refused) first, never dropped.
    this.commitQueued();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    if (this.db.open) this.db.close();
  }

  /** The caches (recent streams, own appends) outlive the connection: never answer from them after close. */
  private assertOpen(): void {
    if (!this.db.open) throw new EventStoreClosedError();
  }

  private cachedRead(streamId: string, toRevision: number, allowCached: boolean): StoredEvent[] {
    const readAfter = (revision: number) => this.stmt.readStream.all(streamId, revision, toRevision).map(toStoredEvent);
    return this.recent.read(streamId, toRevision, { dataVersion: this.dataVersion, allowCached }, readAfter);
  }

  /** Each ask starts a read transaction (locks on the WAL index): asked only when needed. */
  private readonly dataVersion = (): number => this.stmt.dataVersion.get()!;

  private currentRevision(streamId: string): number {
    return this.stmt.revision.get(streamId) ?? -1;
  }

  /** Runs inside BEGIN IMMEDIATE: the checks and the writes see one state, or nothing is written. */
  private appendInTransaction(
    streamId: string,
    events: readonly NewEvent[],
    ats: readonly string[],
    expected: ExpectedRevision,
    guards: readonly StreamGuard[],
  ): AppendResult {
    const current = this.currentRevision(streamId);
    if (expected !== 'any' && expected !== current) throw new WrongExpectedRevisionError(streamId, expected, current);
    for (const guard of guards) {
      const actual = this.currentRevision(guard.streamId);
      if (actual !== guard.expectedRevision) {
        throw new WrongExpectedRevisionError(guard.streamId, guard.expectedRevision, actual);
      }
    }
    const last = current === -1 ? null : this.stmt.lastEvent.get(streamId, current);
    // Only a damaged file gets here: never restart a chain silently on top of a missing event.
    if (last === undefined) throw new Error(`stream ${streamId}: event ${current} is missing from the store`);
    let prevHash = last?.hash ?? GENESIS_HASH;
    const recordedAts = inStreamOrder(ats, last?.at ?? null);
    const stored: StoredEvent[] = [];
    for (const [i, event] of events.entries()) {
      const revision = current + 1 + i;
      const metadata = { ...event.metadata, at: recordedAts[i]! };
      const fields = { revision, type: event.type, at: metadata.at, actor: metadata.actor, data: event.data };
      const hash = chainHash(prevHash, fields); // also refuses data that is not plain JSON
      const id = randomUUID();
      const data = JSON.stringify(event.data);
      const metadataJson = metadataColumn(metadata);
      const info = this.stmt.insert.run(id, streamId, revision, event.type, data, metadataJson, metadata.at, prevHash, hash);
      // Hand back exactly what a read will return (copies of the stored JSON, not the caller's objects).
      const position = Number(info.lastInsertRowid);
      stored.push(toStoredEvent([position, id, streamId, revision, event.type, data, metadataJson, metadata.at, prevHash, hash]));
      prevHash = hash;
    }
    const appended = stored[stored.length - 1]!;
    this.stmt.setRevision.run(streamId, appended.revision);
    return { revision: appended.revision, position: appended.position, events: stored };
  }
}

/** Opens (creating its directory and schema if needed) the embedded store. */
export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  makePrivateFolder(dirname(options.file));
  return new SqliteEventStore(options);
}
