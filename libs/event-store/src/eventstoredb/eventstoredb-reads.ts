/**
 * The EventStoreDB adapter's reads, on the official client. Two facts of that client shape them:
 * - A read is a gRPC call that leaving a `for await` early does not end: the client keeps tracking
 *   it, and the server keeps its HTTP/2 stream while it has more to send. `dispose()` cancels the
 *   calls it tracks, but waited for ever on one whose answer the server had already sent in full
 *   (seen with the real client: a single abandoned one-record read, as the adapter's revision
 *   lookup was, hung close); and calls held open on the server count against its streams per
 *   connection (100 by default). So every read here is read to its end, cancelled first when the
 *   rest is not wanted (`consume`).
 * - A `$all` position is where a record starts in the transaction log: the server repositions its
 *   reader there, so a number that is not a record's start is refused (InvalidArgument in the
 *   server's source, which the client reports as UnknownError). Positions this store hands out are
 *   records' own; any other number is found by scanning (readAllAfter).
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError,
  UnknownError,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type Position,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { normaliseReadBound } from '../append-rules';
import { EventStoreClosedError, type EventMetadata, type ReadStreamOptions, type StoredEvent } from '../event-store.port';

export type StoredMetadata = EventMetadata & { prevHash: string; hash: string };
type AnyRecorded = { streamId: string; id: string; revision: bigint; type: string; data: unknown; metadata: unknown; position?: Position };

/** Stream names of this store starting with it are the adapter's own (guard ledgers), never the caller's: reads skip them. */
export const RESERVED_STREAM_PREFIX = '_';

/**
 * Every read but the health ping is served by the cluster's leader: a follower may lag behind
 * appends already acknowledged, and a decision, a guard or a ledger's intent read there could miss
 * them (two guarded appends would then both commit). A node that is not the leader refuses the
 * read (NotLeader): that request answers 503, and the client reconnects to the leader it names for
 * the next.
 */
const ON_LEADER = { requiresLeader: true } as const;

/** Records per read of `$all`: a bounded call, read to its end. */
const ALL_PAGE = 512;

/**
 * A read or an append the server did not finish in time. Client 6.2 gives reads and appends an
 * infinite gRPC deadline (a read's overrides any asked for; BatchAppend's only tells the server),
 * and keep-alive finds dead connections, not a stalled server: without this, a health check, a
 * command or close() could wait for ever. Typed as the client's own DeadlineExceededError is, so
 * that it answers 503 like one. A read is cancelled; an append cannot be (it shares one stream
 * with the others) and may still commit: the adapter then reads back whether it did.
 */
export class EsdbDeadlineError extends Error {
  readonly type = 'deadline-exceeded';
  constructor(what: 'read' | 'append', ms: number) {
    super(`EventStoreDB did not finish ${what === 'read' ? 'a read' : 'an append'} within ${ms} ms${what === 'read' ? '; it was cancelled' : ''}`);
    this.name = 'EsdbDeadlineError';
  }
}

/** `work`, or EsdbDeadlineError once `ms` passed; the work goes on (its outcome then unreported). */
export function withinDeadline<T>(work: Promise<T>, what: 'read' | 'append', ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EsdbDeadlineError(what, ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => {
    clearTimeout(timer);
    work.catch(() => undefined);
  });
}

/** A read being consumed: whether its answer is complete (the rest unwanted), and whether visiting it failed. */
interface DrainProgress {
  stopped: boolean;
  failure?: { error: unknown };
}

export class EsdbReads {
  constructor(
    private readonly client: EventStoreDBClient,
    /** Prefix of this store's streams ('' for none). */
    private readonly prefix: string,
    private readonly isClosed: () => boolean,
    /** How long a read may take before it is cancelled (EsdbDeadlineError). */
    private readonly readTimeoutMs = 30_000,
  ) {}

  /**
   * Reads a call to its end. Once `visit` returns false (or throws), the call is cancelled — the
   * server stops sending — and what had already arrived is read on to the end without visiting it:
   * leaving the loop instead would drop the client's reader while the gRPC stream, if the server had
   * already sent everything, kept the rest unread and never finished; dispose() then waited for it
   * for ever (the API hung at close after an institution flag's two reads). A close meanwhile
   * cancels the call too, which the client then ends without an error: what was read is not the
   * whole answer, and the store refuses.
   */
  async consume<E>(read: StreamingRead<E>, visit: (item: E) => boolean | void, timeoutMs = this.readTimeoutMs): Promise<void> {
    const progress: DrainProgress = { stopped: false };
    let timer: NodeJS.Timeout | undefined;
    // Raced rather than awaited after a cancel: cancel() first waits for the call to exist, which
    // with several hosts or DNS discovery means for discovery, however long that takes.
    const deadline = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        read.cancel().catch(() => undefined);
        // Stopped already, the answer was whole (or visiting it failed): only its draining was slow.
        if (progress.failure !== undefined) reject(progress.failure.error);
        else if (progress.stopped) resolve();
        else reject(new EsdbDeadlineError('read', timeoutMs));
      }, timeoutMs);
    });
    const drained = this.drain(read, visit, progress);
    try {
      await Promise.race([drained, deadline]);
    } catch (error: unknown) {
      // The read goes on ending by itself: its own failure, if any, is not reported a second time.
      drained.catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async drain<E>(read: StreamingRead<E>, visit: (item: E) => boolean | void, progress: DrainProgress): Promise<void> {
    let cancelled: Promise<void> | undefined;
    try {
      for await (const item of read) {
        if (progress.stopped) continue;
        try {
          progress.stopped = visit(item) === false;
        } catch (error: unknown) {
          progress.failure = { error };
          progress.stopped = true;
        }
        if (progress.stopped) cancelled = read.cancel();
      }
    } catch (error: unknown) {
      // The read failed: end its call too (a failure of the client's reader could leave it live).
      if (cancelled === undefined) void read.cancel().catch(() => undefined);
      // After the answer was complete (the rest unwanted), a failure while draining changes nothing.
      if (!progress.stopped) throw error;
    }
    await cancelled;
    if (progress.failure !== undefined) throw progress.failure.error;
    if (!progress.stopped && this.isClosed()) throw new EventStoreClosedError();
  }

  async readStream(streamId: string, options: ReadStreamOptions & { fromRevision?: number } = {}): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    const toTime = options.toTime === undefined ? undefined : normaliseReadBound(options.toTime);
    const from = options.fromRevision ?? 0;
    // Bounded on the server when a last revision is asked for: revisions are consecutive.
    const to = options.toRevision === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(Math.min(options.toRevision, Number.MAX_SAFE_INTEGER));
    const count = to === Number.MAX_SAFE_INTEGER ? undefined : to - from + 1;
    // A guard ledger is the store's own, never read as events.
    if ((count !== undefined && count <= 0) || streamId.startsWith(RESERVED_STREAM_PREFIX)) return [];
    const read = this.client.readStream(this.prefix + streamId, { fromRevision: from === 0 ? START : BigInt(from), direction: FORWARDS, ...(count === undefined ? {} : { maxCount: BigInt(count) }), ...ON_LEADER });
    try {
      await this.consume(read, (resolved) => {
        const event = this.toStored(resolved);
        // Read whole or not at all, as the folds read streams (UnknownEventTypeError): answering
        // without a record another writer put in it would show the stream as it is not.
        if (event === null) throw notWrittenHere(streamId, resolved, 'refusing to read it');
        if (toTime !== undefined && event.metadata.at > toTime) return false;
        events.push(event);
        return true;
      });
    } catch (error: unknown) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /**
   * The stream's last event (one record, read to its end), or null for an absent stream. A last
   * event this store did not write (another writer's, with no hash-chain link) is refused: the
   * stream's revision and chain cannot be told from it, and taking the stream as empty made every
   * append to it fail as a conflict with no end.
   */
  async lastEvent(streamId: string): Promise<StoredEvent | null> {
    const resolved = await this.lastResolved(this.prefix + streamId);
    if (resolved === null) return null;
    const last = this.toStored(resolved);
    if (last === null) throw notWrittenHere(streamId, resolved, 'refusing to read its revision or append to it', 'its last event');
    return last;
  }

  /** The last record of a stream, by its full name (a ledger: not one of this store's events), or null for an absent stream. */
  async lastRecord(streamName: string): Promise<{ revision: number; type: string; data: unknown } | null> {
    const recorded = (await this.lastResolved(streamName))?.event as AnyRecorded | undefined;
    return recorded === undefined ? null : { revision: Number(recorded.revision), type: recorded.type, data: recorded.data };
  }

  /** A stream's last record as the client resolves it (one record, read to its end), or null for an absent stream. */
  private async lastResolved(streamName: string): Promise<ResolvedEvent | null> {
    let last: ResolvedEvent | null = null;
    try {
      await this.consume(this.client.readStream(streamName, { fromRevision: END, direction: BACKWARDS, maxCount: 1, ...ON_LEADER }), (resolved) => {
        last = resolved;
      });
    } catch (error: unknown) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
    return last;
  }

  /**
   * This store's events after `after` (exclusive), in `$all`'s order, at most `limit`. A position
   * this store handed out is a record's start and is read from directly (the read is inclusive: its
   * first record must be the one there, which proves it). A number between records is refused by
   * the server: the first record after it is then found from the nearer end of the log (walking
   * back from its end, or reading on from its start); one beyond the end reads nothing.
   */
  async readAllAfter(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    if (limit <= 0) return out;
    const after = Math.floor(fromPosition); // positions are whole: > 1.5 is ≥ 2
    const take = (resolved: AllStreamResolvedEvent): boolean => {
      const event = this.toStored(resolved);
      if (event === null || event.position <= after) return true;
      out.push(event);
      return out.length < limit;
    };
    if (after <= 0) {
      await this.forwards(START, take);
      return out;
    }
    const at: Position = { commit: BigInt(after), prepare: BigInt(after) };
    let proven: boolean | undefined;
    try {
      await this.forwards(at, (resolved) => {
        proven ??= commitOf(resolved) === at.commit;
        return proven && take(resolved);
      });
    } catch (error: unknown) {
      // Only the server's refusal of the position; anything else (unavailable, a deadline, not the
      // leader) is the caller's to retry, not a reason to scan the whole log.
      if (proven !== undefined || !(error instanceof UnknownError)) throw error;
      proven = false;
    }
    if (proven === true) return out;
    const end = await this.lastRecordPosition();
    if (end === undefined || end <= at.commit) return out; // nothing after it
    // Nearer the end than the start (the head's neighbour, a follower nearly caught up): walk back
    // from the end to the first record after it, and read on from that record's own start.
    if (at.commit > end / 2n) {
      const first = await this.firstRecordAfter(at.commit);
      if (first !== undefined) await this.forwards(first, take);
      return out;
    }
    await this.forwards(START, take);
    return out;
  }

  /** The position of the first record (any writer's) after `after`, walking back from the log's end. */
  private async firstRecordAfter(after: bigint): Promise<Position | undefined> {
    let first: Position | undefined;
    await this.pages(END, BACKWARDS, (resolved) => {
      const position = positionOf(resolved);
      if (position === undefined) return true;
      if (position.commit <= after) return false;
      first = position;
      return true;
    });
    return first;
  }

  /** The position of this store's last event, 0 when it has none. */
  async headPosition(): Promise<number> {
    let head = 0;
    await this.pages(END, BACKWARDS, (resolved) => {
      const event = this.toStored(resolved);
      if (event === null) return true;
      head = event.position;
      return false;
    });
    return head;
  }

  async listStreams(prefix: string): Promise<string[]> {
    const ids = new Set<string>();
    await this.forwards(START, (resolved) => {
      const event = this.toStored(resolved);
      if (event !== null && event.streamId.startsWith(prefix)) ids.add(event.streamId);
    });
    return [...ids].sort();
  }

  /** One record of `$all`, read to its end within 5 s: the server answers. */
  async ping(): Promise<void> {
    await this.consume(this.client.readAll({ fromPosition: START, direction: FORWARDS, maxCount: 1 }), () => undefined, Math.min(5_000, this.readTimeoutMs));
  }

  /** Our events of this namespace as StoredEvents; null for system events, other namespaces and other writers' events. */
  toStored(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | null {
    const recorded = resolved.event as AnyRecorded | undefined;
    if (recorded === undefined || recorded.type.startsWith('$') || recorded.streamId.startsWith('$')) return null;
    if (!recorded.streamId.startsWith(this.prefix) || recorded.streamId.startsWith(RESERVED_STREAM_PREFIX, this.prefix.length)) return null;
    const meta = recorded.metadata as Partial<StoredMetadata> | null | undefined;
    if (typeof meta !== 'object' || meta === null || typeof meta.hash !== 'string' || typeof meta.prevHash !== 'string') return null;
    const { prevHash, hash, ...metadata } = meta as StoredMetadata;
    return {
      id: recorded.id,
      streamId: recorded.streamId.slice(this.prefix.length),
      revision: Number(recorded.revision),
      position: Number(recorded.position?.commit ?? (resolved as AllStreamResolvedEvent).commitPosition ?? 0n),
      type: recorded.type,
      data: recorded.data as Record<string, unknown>,
      metadata,
      prevHash,
      hash,
    };
  }

  private forwards(from: Position | typeof START, visit: (resolved: AllStreamResolvedEvent) => boolean | void): Promise<void> {
    return this.pages(from, FORWARDS, visit);
  }

  /**
   * `$all` in bounded reads, each read to its end, the next one from the last record's own
   * position (the record there comes again first, and is skipped), until `visit` returns false or
   * a read comes back short (the end of the log).
   */
  private async pages(from: Position | typeof START | typeof END, direction: typeof FORWARDS | typeof BACKWARDS, visit: (resolved: AllStreamResolvedEvent) => boolean | void): Promise<void> {
    let next = from;
    /** The record the next read starts with (a forwards read includes it), whole: events of one transaction share a commit position. */
    let seen: Position | undefined;
    for (;;) {
      let records = 0;
      let last: Position | undefined;
      let stopped = false;
      await this.consume(this.client.readAll({ fromPosition: next, direction, maxCount: ALL_PAGE, ...ON_LEADER }), (resolved) => {
        records += 1;
        const position = positionOf(resolved);
        if (seen !== undefined && position !== undefined && position.commit === seen.commit && position.prepare === seen.prepare) return true; // seen already
        last = position;
        if (visit(resolved) === false) {
          stopped = true;
          return false;
        }
        return true;
      });
      if (stopped || records < ALL_PAGE || last === undefined) return;
      next = last;
      seen = last;
    }
  }

  /** The position of the log's last record (any writer's), or undefined for an empty log. */
  private async lastRecordPosition(): Promise<bigint | undefined> {
    let end: bigint | undefined;
    await this.consume(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, ...ON_LEADER }), (resolved) => {
      end = commitOf(resolved);
    });
    return end;
  }
}

function positionOf(resolved: AllStreamResolvedEvent): Position | undefined {
  const own = (resolved.event as AnyRecorded | undefined)?.position;
  if (own !== undefined) return own;
  return resolved.commitPosition === undefined ? undefined : { commit: resolved.commitPosition, prepare: resolved.commitPosition };
}

const commitOf = (resolved: AllStreamResolvedEvent): bigint | undefined => positionOf(resolved)?.commit;

/** A record of one of this store's streams that this store did not write (no hash-chain link). */
function notWrittenHere(streamId: string, resolved: ResolvedEvent, refusal: string, what = 'its event'): Error {
  return new Error(`stream ${streamId}: ${what} (revision ${(resolved.event as AnyRecorded | undefined)?.revision}) was not written by this store (no hash-chain link); ${refusal}`);
}
