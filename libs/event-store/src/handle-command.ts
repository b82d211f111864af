import {
  StreamTurnTimeoutError,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type StoredEvent,
} from './event-store.port';
import { KeyedMutex } from './keyed-mutex';

export interface CommandContext {
  stream: readonly StoredEvent[];
  /** The related and the watched streams, as read for this try. */
  related: ReadonlyMap<string, readonly StoredEvent[]>;
  /** The time this try decides at, and records its events at (ISO-8601). */
  at: string;
}
export interface EventDraft { type: string; data: Record<string, unknown> }
export interface Decision<R> { events: EventDraft[]; ruleSetId: string; result?: R }
interface CommandSpecBase<R> {
  streamId: string;
  /** Streams also read and guarded (their revision must not change before the append). */
  relatedStreams?: readonly string[];
  /**
   * Streams also read, but neither serialised on nor guarded when read afresh: streams that many
   * commands read and that are rarely written (a unit's, read by every declaration of its staff).
   * Serialising on them would queue those commands behind one another. A decision made on a cached
   * read of one is appended only if it is still as read (a guard), so a cache never decides alone.
   * The decider finds them in `related`.
   */
  watchedStreams?: readonly string[];
  /** Pure; throws a domain error to refuse. */
  decide(ctx: CommandContext): Decision<R>;
}
/**
 * `now`: a clock read at every try, so that a command retried after a conflict (up to a second
 * later, under contention) decides at the time it lands — the year may have closed meanwhile —
 * and records its events at that time (a `metadata.at` given besides is not used). Without it,
 * every try uses `metadata.at`.
 */
export type CommandSpec<R> = CommandSpecBase<R> &
  ({ metadata: Omit<EventMetadata, 'ruleSetId'>; now?: undefined } | { metadata: Omit<EventMetadata, 'ruleSetId' | 'at'>; now: () => string });
export interface CommandOutcome<R> { events: StoredEvent[]; stream: StoredEvent[]; result: R | undefined }

/** Another writer kept changing the stream (or a related one) through every attempt. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(readonly streamId: string, readonly attempts: number, detail = `still conflicting after ${attempts} attempts`) {
    super(`stream ${streamId}: ${detail}`);
    this.name = 'ConcurrencyConflictError';
  }
}

/** Serialises commands per stream within this process (the default for every caller). */
export const defaultCommandLocks = new KeyedMutex();

/**
 * Runs `read` once no command is under way on `streamId`: in this process (its lock, `locks`) and,
 * where the store keeps turns across processes, in any (awaitStreamTurns, holding none). A command
 * reads the clock for its events' time only once it holds its turn, and keeps the turn until its
 * append committed: so when `read` runs, an event time-stamped at or before an instant already
 * past is committed, or will never be. For reads of a stream as it stood at an instant (asOf),
 * which must answer the same whenever asked. Not covered: processes sharing a store that keeps no
 * turns (SQLite, EventStoreDB), a turn wait beyond the store's statement bound (the stream is then
 * read as it stands), and clocks of different hosts apart by more than the instant's age.
 */
export async function readBetweenCommands<T>(store: EventStore, streamId: string, read: () => Promise<T>, locks: KeyedMutex = defaultCommandLocks): Promise<T> {
  // The in-process lock only to wait for this process's commands: released before reading.
  await locks.runExclusive([streamId], async () => undefined);
  if (store.awaitStreamTurns !== undefined) await store.awaitStreamTurns([streamId]).catch(() => undefined);
  return read();
}

const lastRevision = (events: readonly StoredEvent[]): number => events.length - 1;

/**
 * Before attempt n + 1: a random wait of 1 to 1 + 2^(n+1) ms (at most 65). Two processes retrying
 * in step would otherwise keep colliding; a random delay lets one of them through (timers count
 * whole milliseconds, so the spread starts at 4). Short against a request's time, it holds only
 * this stream's commands of this process.
 */
const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * Math.min(2 ** (attempt + 1), 64)));

/**
 * Whether the streams a decision was made on are still as read, by reads that look for other
 * processes' appends. Stored events never change, so the same length means the same events.
 */
async function unchanged(store: EventStore, streamId: string, stream: readonly StoredEvent[], related: ReadonlyMap<string, readonly StoredEvent[]>): Promise<boolean> {
  const now = await readAll(store, streamId, [...related.keys()], {});
  if (now.stream.length !== stream.length) return false;
  for (const [id, events] of related) if (now.related.get(id)!.length !== events.length) return false;
  return true;
}

/** A command's stream and the streams it reads besides: in one request where the store can. */
async function readAll(
  store: EventStore,
  streamId: string,
  readIds: readonly string[],
  read: { allowCached?: boolean },
): Promise<{ stream: StoredEvent[]; related: Map<string, StoredEvent[]> }> {
  if (store.readStreams !== undefined && readIds.length > 0) {
    const streams = await store.readStreams([streamId, ...readIds], read);
    return { stream: streams.get(streamId)!, related: new Map(readIds.map((id) => [id, streams.get(id)!])) };
  }
  const stream = await store.readStream(streamId, read);
  return { stream, related: new Map(await Promise.all(readIds.map(async (id) => [id, await store.readStream(id, read)] as const))) };
}

/** Read → decide → append under the revisions read; on a conflict re-read and re-decide. */
export async function handleCommand<R>(
  store: EventStore,
  spec: CommandSpec<R>,
  options: {
    maxAttempts?: number;
    locks?: KeyedMutex;
    /** Take the store's cross-process turns where it has them (default true; see EventStore.withStreamsLocked). */
    storeTurns?: boolean;
  } = {},
): Promise<CommandOutcome<R>> {
  // Commands are serialised per stream within a process, and across processes where the store has
  // turns (PostgreSQL). Without turns (EventStoreDB, or SQLite shared by processes) the rivals are
  // other processes: one of them sending many commands to a stream at once keeps taking it between
  // another's read and append. 8 attempts left about one in 400 such commands with
  // CONCURRENCY_CONFLICT (two API processes, 128 commands on one stream, in a review; on PostgreSQL,
  // before it had turns); each further attempt makes it rarer. A command holds the turns of its
  // related streams too, so with turns only writers that take none (a bare append) race it.
  const maxAttempts = options.maxAttempts ?? 16;
  const relatedIds = [...new Set(spec.relatedStreams ?? [])].filter((id) => id !== spec.streamId);
  const watchedIds = [...new Set(spec.watchedStreams ?? [])].filter((id) => id !== spec.streamId && !relatedIds.includes(id));
  const readIds = [...relatedIds, ...watchedIds];
  const locks = options.locks ?? defaultCommandLocks;
  const streamIds = [spec.streamId, ...relatedIds];
  const attempts = async (): Promise<CommandOutcome<R>> => {
    // Where reads may come from a cache, a first try decides on them, as a try of its own that
    // counts as no attempt: an append checks every revision read, and an answer without one (a
    // refusal, an idempotent repeat) is given only once fresh reads find the streams unchanged.
    // A revision conflict, or streams found changed, send it on to the attempts, which read afresh
    // exactly as without a cache; any other error is thrown as it is.
    let cachedTry = store.cachedReadsMayLag === true;
    let attempt = 0;
    while (attempt < maxAttempts) {
      const fromCache = cachedTry;
      cachedTry = false;
      if (!fromCache) attempt += 1;
      const read = { allowCached: fromCache };
      const { stream, related } = await readAll(store, spec.streamId, readIds, read);
      const stale = async () => fromCache && !(await unchanged(store, spec.streamId, stream, related));
      const at = spec.now === undefined ? spec.metadata.at : spec.now();
      let decision: Decision<R>;
      try {
        decision = spec.decide({ stream, related, at });
      } catch (refusal: unknown) {
        if (await stale()) continue;
        throw refusal;
      }
      if (decision.events.length === 0) {
        if (await stale()) continue;
        return { events: [], stream, result: decision.result };
      }
      const metadata: EventMetadata = { ...spec.metadata, at, ruleSetId: decision.ruleSetId };
      const guarded = fromCache ? readIds : relatedIds;
      const guards = guarded.map((id) => ({ streamId: id, expectedRevision: lastRevision(related.get(id) ?? []) }));
      try {
        const drafts = decision.events.map((e) => ({ type: e.type, data: e.data, metadata }));
        const last = stream[stream.length - 1];
        const appended = await store.append(spec.streamId, drafts, lastRevision(stream), { guards, ...(last === undefined ? {} : { link: last }) });
        return { events: appended.events, stream: [...stream, ...appended.events], result: decision.result };
      } catch (error: unknown) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (!fromCache && attempt < maxAttempts) await backOff(attempt);
      }
    }
    throw new ConcurrencyConflictError(spec.streamId, maxAttempts);
  };
  // Within the process first (cheap), then across processes where the store can: only one command
  // per stream and process ever waits for the store's turn.
  const takeTurns = options.storeTurns !== false && store.withStreamsLocked !== undefined;
  return locks.runExclusive(streamIds, async () => {
    if (!takeTurns) return attempts();
    try {
      return await store.withStreamsLocked!(streamIds, attempts);
    } catch (error: unknown) {
      if (error instanceof StreamTurnTimeoutError) throw new ConcurrencyConflictError(spec.streamId, 0, 'another process held its turn too long');
      throw error;
    }
  });
}
