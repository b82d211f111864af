/**
 * The event store port. Adapters: sqlite (embedded default), postgres, eventstoredb.
 * Every adapter passes the same contract suite (libs/event-store/src/testing/event-store.contract.ts).
 */

export interface Actor {
  id: string;
  role: string;
}

/** Recorded with every event (ARCHITECTURE.md step 4). */
export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  /** The rule set the event was decided under (RULES.md Art. 15). */
  ruleSetId: string;
  /** ISO-8601 with milliseconds and a zone, from the injected clock. */
  at: string;
}

export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface StoredEvent {
  /** UUID assigned at append. */
  id: string;
  streamId: string;
  /** 0-based position in its stream. */
  revision: number;
  /** 1-based position in the store's global order. */
  position: number;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** Hash chain (API.md, History): sha256(prevHash + JCS({revision, type, at, actor, data})). */
  prevHash: string;
  hash: string;
}

/** -1 = the stream must not exist yet; 'any' = no check. */
export type ExpectedRevision = number | -1 | 'any';

export interface StreamGuard {
  streamId: string;
  /** The guarded stream must still be at this revision (-1: still absent) when the append commits. */
  expectedRevision: number | -1;
}

export interface AppendOptions {
  /**
   * Other streams whose revision must be unchanged for the append to commit: the consistency
   * check across two streams (e.g. CONTENT_ALREADY_COUNTED between a year and the next).
   */
  guards?: readonly StreamGuard[];
  /**
   * The event at the expected revision, as the caller read it: an adapter may chain the new events
   * onto it instead of reading it again (PostgreSQL: one round trip less). It is used only when its
   * own hash covers what it says (its time included) and it is the event at the expected revision
   * of this stream; and that hash must be the stored event's when the append commits. Anything
   * else is read afresh or refused, never chained onto.
   */
  link?: StoredEvent;
}

export interface AppendResult {
  /** Revision of the last event written. */
  revision: number;
  /** Global position of the last event written. */
  position: number;
  events: StoredEvent[];
}

export interface ReadStreamOptions {
  /** Inclusive: events with revision <= toRevision. */
  toRevision?: number;
  /** Inclusive: events recorded at or before this instant (ISO-8601). */
  toTime?: string;
  /**
   * The caller checks what it read before relying on it (handleCommand: the append's expected
   * revision, or a second read when it appends nothing), so an adapter may answer from a cache
   * without first looking for appends made since by other processes (see EventStore.cachedReadsMayLag).
   */
  allowCached?: boolean;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Deliver events with position > fromPosition (0 = from the beginning). */
  fromPosition: number;
  /** Called in global order, one page at a time; the next page waits for the promise. */
  handle(events: readonly StoredEvent[]): Promise<void>;
  pageSize?: number;
  /**
   * Once caught up, wait this long after an append before reading, so that appends arriving
   * together are handed over as one page (one read-model transaction instead of many). 0 = none.
   */
  batchDelayMs?: number;
  /**
   * Called when `handle` (or a read) fails. The subscription keeps its position and offers the
   * same page again after a wait (the poll interval, growing up to 1 s): it never skips. Default: a
   * process warning.
   */
  onError?(error: unknown): void;
  /** Called when a read and its page succeed again after one or more failures. */
  onRecovered?(): void;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | -1,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, found ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** Every call on a store that close() has released refuses with this (never answers from a cache). */
export class EventStoreClosedError extends Error {
  constructor() {
    super('event store is closed');
    this.name = 'EventStoreClosedError';
  }
}

/**
 * A stored event that cannot be decoded (its data or metadata is not a JSON object, or its
 * metadata names no actor): altered outside the
 * store, since the store writes only what it serialised. Names the stream and revision, so that
 * whoever meets it (a read answered 500, a projection retrying, `npm run verify-chain`) can find it.
 */
export class UnreadableEventError extends Error {
  constructor(
    readonly streamId: string,
    readonly revision: number,
    readonly part: 'data' | 'metadata',
    cause: unknown,
  ) {
    super(`stream ${streamId}: the event at revision ${revision} is unreadable (its ${part}: ${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = 'UnreadableEventError';
  }
}

/** withStreamsLocked: another process held a stream's turn longer than the store waits for it. */
export class StreamTurnTimeoutError extends Error {
  constructor(readonly streamIds: readonly string[], waitedMs: number) {
    super(`streams ${streamIds.join(', ')}: another process held their turn for more than ${waitedMs} ms`);
    this.name = 'StreamTurnTimeoutError';
  }
}

export interface EventStore {
  /** True when readStream(…, { allowCached: true }) may miss another process's latest appends. */
  readonly cachedReadsMayLag?: boolean;
  /**
   * Runs `work` holding the turn of these streams against other processes, where the store has
   * such a lock, granted in the order asked (PostgreSQL: advisory locks). handleCommand takes it
   * around read → decide → append, so that commands on one stream queue across processes as they
   * do within one, instead of racing on its revision: a process sending many commands to a stream
   * can then never starve another's into CONCURRENCY_CONFLICT. Without it, the revision alone
   * arbitrates (re-read and re-decide, a bounded number of times). Throws StreamTurnTimeoutError
   * when another process holds a turn too long.
   */
  withStreamsLocked?<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T>;
  /**
   * Resolves once no other process holds the turn of these streams (withStreamsLocked), taking
   * none itself and blocking no other reader: what a read between commands waits for. Throws
   * (as a read that failed would) when the wait exceeds the store's statement bound.
   */
  awaitStreamTurns?(streamIds: readonly string[]): Promise<void>;
  append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** The whole stream (or up to a revision / instant); [] when it does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /**
   * Several whole streams at once, each as readStream gives it ([] when absent), keyed by id:
   * where the store can read them in one request (PostgreSQL: one statement, one snapshot), a
   * command reads its person-year and the streams it depends on in one round trip.
   */
  readStreams?(streamIds: readonly string[], options?: Pick<ReadStreamOptions, 'allowCached'>): Promise<Map<string, StoredEvent[]>>;
  /** Current revision of a stream, -1 when absent. */
  streamRevision(streamId: string): Promise<number | -1>;
  /** Events with position > fromPosition, in global order, at most `limit`. */
  readAll(fromPosition: number, limit: number): Promise<StoredEvent[]>;
  /** Stream ids that start with a prefix (e.g. `creditYear-`), for the chain verifier. */
  listStreams(prefix: string): Promise<string[]>;
  /** Catch up from a position, then follow new appends until closed. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Last global position, 0 when empty. */
  headPosition(): Promise<number>;
  /** For health checks. */
  ping(): Promise<void>;
  /**
   * Commits what was asked for, waits for subscriptions' pages in flight, then releases the
   * store: every later call refuses with EventStoreClosedError. Closing again does nothing.
   */
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
