/**
 * A FAKE of the few @eventstore/db-client calls the adapter makes, for this machine where no
 * EventStoreDB server can run. It follows the server's and the client's behaviour (optimistic
 * expected revisions, StreamNotFoundError on reading an absent stream, inclusive $all positions
 * that must be a record's start, system events in $all, JSON round trips, maxCount) so that the
 * adapter's own logic — hash chain, revisions, namespaces, filtering, paging — runs through the
 * shared contract. Like the real client, a read stays open until it is read to its end or
 * cancelled — leaving a `for await` early does not end it (its ReadStream) — and dispose() waited
 * for ever on such a read whose answer had been sent in full: here dispose() refuses any read left
 * so, naming how many (stricter than the client, which ends those the server is still sending).
 * It proves nothing about the server itself: that is the job of the real contract run with
 * EVENTSTORE_URL. Its test controls — `holdNextAppend` (a writer paused or stopped between its
 * steps), `followerHas` (a lagging follower for reads without `requiresLeader`),
 * `metadataWritesDenied` (an ACL without `$mw`), `streamReads` (round trips counted) — model
 * situations for the tests; they are not behaviour observed on a server.
 */
import { AccessDeniedError, END, StreamNotFoundError, UnknownError, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client';

interface Row {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: true;
  created: Date;
  position: { commit: bigint; prepare: bigint };
}

type Position = { commit: bigint; prepare: bigint };
type ReadOptions = { fromRevision?: 'start' | 'end' | bigint; fromPosition?: 'start' | 'end' | Position; direction?: 'forwards' | 'backwards'; maxCount?: number | bigint; requiresLeader?: boolean };
type Draft = { id: string; type: string; data: unknown; metadata?: unknown };

/**
 * A read as the client gives it: async-iterable, with cancel(). Open until read to its end,
 * refused (the server's error ends the call), or cancelled; leaving a `for await` early abandons
 * it, still open.
 */
class FakeRead<T> implements AsyncIterable<T> {
  /** Left by its reader before its end, without cancel(). */
  abandoned = false;
  private cut = false;

  /** A stalled read answers nothing until it is cancelled (a server that stopped sending). */
  private release: (() => void) | undefined;
  private readonly released: Promise<void> | undefined;

  constructor(
    private readonly open: Set<FakeRead<unknown>>,
    /** The records, computed at the first step (a refusal is thrown there, as the server's error). */
    private readonly records: () => T[],
    stalled = false,
    /** A cluster discovery the call waits for first (it fails: no node answers). */
    private readonly discovery?: Promise<never>,
  ) {
    open.add(this);
    if (stalled) this.released = new Promise((resolve) => (this.release = resolve));
  }

  async cancel(): Promise<void> {
    // The real client's cancel() first waits for the call to exist (discovery, with several hosts).
    if (this.discovery !== undefined) {
      await this.discovery;
      this.open.delete(this);
      return;
    }
    this.cut = this.released !== undefined;
    this.release?.();
    this.open.delete(this);
  }

  /** dispose() cancels the reads still being read: the client then just ends them, without an error. */
  cutShort(): void {
    this.cut = true;
    this.release?.();
    this.open.delete(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    let items: T[] | undefined;
    let next = 0;
    return {
      next: async () => {
        if (this.discovery !== undefined) {
          this.open.delete(this);
          await this.discovery;
        }
        await this.released;
        try {
          items ??= this.records();
        } catch (refusal: unknown) {
          this.open.delete(this);
          throw refusal;
        }
        if (!this.cut && next < items.length) return { value: items[next++]!, done: false };
        this.open.delete(this);
        return { value: undefined, done: true };
      },
      // Leaving a `for await` early ends only the client's side: the call stays open.
      return: async () => {
        if (this.open.has(this)) this.abandoned = true;
        return { value: undefined, done: true };
      },
    };
  }
}

export class InMemoryEsdbClient {
  private readonly log: Row[] = [];
  private readonly openReads = new Set<FakeRead<unknown>>();
  private readonly heads = new Map<string, number>();
  private position = 1000n;

  constructor() {
    this.systemEvent('$settings');
  }

  async appendToStream(streamName: string, events: Draft | Draft[], options: { expectedRevision?: 'any' | 'no_stream' | 'stream_exists' | bigint } = {}) {
    if (this.appendsUnanswered) return new Promise<never>(() => undefined);
    const held = this.held.get(streamName);
    if (held !== undefined) {
      this.held.delete(streamName);
      held.reached();
      // Decided once released, on the log as it is then (a writer paused between its steps).
      const { failure } = await held.released;
      if (failure !== undefined) throw failure;
    }
    const current = this.heads.get(streamName) ?? -1;
    const expected = options.expectedRevision ?? 'any';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === -1) ||
      (expected === 'stream_exists' && current >= 0) ||
      (typeof expected === 'bigint' && BigInt(current) === expected);
    const drafts = Array.isArray(events) ? events : [events];
    if (!ok) {
      const again = this.appendedAlready(streamName, expected, drafts);
      if (again !== undefined) return again;
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current: current === -1 ? 'no_stream' : BigInt(current) });
    }
    let revision = current;
    for (const e of drafts) {
      revision += 1;
      // The server stores bytes: what comes back is a JSON round trip, never the caller's objects.
      this.push({ streamId: streamName, id: e.id, revision: BigInt(revision), type: e.type, data: JSON.parse(JSON.stringify(e.data)), metadata: JSON.parse(JSON.stringify(e.metadata ?? null)) });
    }
    this.heads.set(streamName, revision);
    // Other writers' system events interleave in the real $all.
    this.systemEvent(`$$${streamName}`);
    return { success: true, nextExpectedRevision: BigInt(revision), position: this.log[this.log.length - 1]!.position };
  }

  /**
   * The same events (by id) appended again under the revision they were first appended under: the
   * server answers success and writes nothing (its idempotent write). Other repeats conflict.
   */
  private appendedAlready(streamName: string, expected: 'any' | 'no_stream' | 'stream_exists' | bigint, drafts: readonly Draft[]) {
    if (expected !== 'no_stream' && typeof expected !== 'bigint') return undefined;
    const after = expected === 'no_stream' ? -1n : expected;
    const records = this.log.filter((r) => r.streamId === streamName && r.revision > after && r.revision <= after + BigInt(drafts.length));
    if (drafts.length === 0 || records.length !== drafts.length || records.some((r, i) => r.id !== drafts[i]!.id)) return undefined;
    const last = records[records.length - 1]!;
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  /** Only the stream's `$maxCount` (the one setting the adapter makes), kept as the server keeps it: in `$$stream`. */
  async setStreamMetadata(streamName: string, metadata: { maxCount?: number | bigint }) {
    if (this.metadataWritesDenied) throw new AccessDeniedError(undefined as never);
    if (metadata.maxCount !== undefined) this.maxCounts.set(streamName, BigInt(metadata.maxCount));
    this.systemEvent(`$$${streamName}`);
    return { success: true };
  }

  /** While true, stream metadata may not be written: an ACL without `$mw` for this user. */
  metadataWritesDenied = false;

  /** `$maxCount` set on each stream: reads see only that many of its last events, as the server's do. */
  readonly maxCounts = new Map<string, bigint>();

  /**
   * The next append to this stream waits until `release()` is called, then is decided on the log
   * as it is then — or fails with `failure` without writing (a writer stopped between its steps).
   */
  holdNextAppend(streamName: string): { reached: Promise<void>; release: (failure?: Error) => void } {
    let release!: (failure?: Error) => void;
    let reached!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    this.held.set(streamName, { reached, released: new Promise((resolve) => (release = (failure) => resolve({ failure }))) });
    return { reached: arrived, release };
  }

  private readonly held = new Map<string, { reached: () => void; released: Promise<{ failure: Error | undefined }> }>();

  /** Reads asked for, by stream name (what a round trip costs). */
  readonly streamReads = new Map<string, number>();

  readStream(streamName: string, options: ReadOptions = {}): FakeRead<{ event: Row }> {
    this.streamReads.set(streamName, (this.streamReads.get(streamName) ?? 0) + 1);
    return this.read(() => {
      const ofStream = this.visibleLog(options).filter((r) => r.streamId === streamName);
      if (ofStream.length === 0) throw new StreamNotFoundError(undefined, streamName);
      const kept = this.maxCounts.get(streamName);
      const head = ofStream[ofStream.length - 1]!.revision;
      let rows = ofStream.filter((r) => kept === undefined || r.revision > head - kept);
      if (options.direction === 'backwards') {
        rows = rows.reverse();
        if (typeof options.fromRevision === 'bigint') rows = rows.filter((r) => r.revision <= (options.fromRevision as bigint));
      } else if (options.fromRevision === END) rows = []; // forwards from the end: nothing, as the server answers
      else if (typeof options.fromRevision === 'bigint') rows = rows.filter((r) => r.revision >= (options.fromRevision as bigint));
      return this.limited(rows, options.maxCount).map((event) => ({ event }));
    });
  }

  readAll(options: ReadOptions = {}): FakeRead<{ event: Row; commitPosition: bigint }> {
    return this.read(() => {
      const log = this.visibleLog(options);
      let rows = [...log];
      const from = options.fromPosition;
      // The server repositions its log reader there: a position must be where a record starts.
      const beforeEnd = typeof from === 'object' && log.some((r) => r.position.commit > from.commit);
      if (typeof from === 'object' && beforeEnd && !rows.some((r) => r.position.commit === from.commit)) throw new UnknownError({ code: 3, details: 'Trying to read from an invalid position.', message: '3 INVALID_ARGUMENT: Trying to read from an invalid position.' } as never);
      if (options.direction === 'backwards') {
        rows = rows.reverse();
        if (typeof from === 'object') rows = rows.filter((r) => r.position.commit < from.commit);
      } else if (typeof from === 'object') rows = rows.filter((r) => r.position.commit >= from.commit);
      const served = this.limited(rows, options.maxCount);
      this.allRecordsServed += served.length;
      return served.map((event) => ({ event, commitPosition: event.position.commit }));
    });
  }

  /**
   * While set, the node the client reads from is a follower that has only the log's first this many
   * records: a read not asking for the leader (`requiresLeader`) sees no more. Appends go to the leader.
   */
  followerHas: number | undefined;

  /** Records in the log (for `followerHas`). */
  get logLength(): number {
    return this.log.length;
  }

  private visibleLog(options: ReadOptions): Row[] {
    return this.followerHas === undefined || options.requiresLeader === true ? this.log : this.log.slice(0, this.followerHas);
  }

  /** Records of `$all` every read so far has been given (what a read costs the server). */
  allRecordsServed = 0;

  /** Reads still open: the real client's dispose() would wait for the abandoned ones for ever. */
  get openReadCount(): number {
    return this.openReads.size;
  }

  async dispose(): Promise<void> {
    const abandoned = [...this.openReads].filter((r) => r.abandoned).length;
    if (abandoned > 0) throw new Error(`fake EventStoreDB client: ${abandoned} read(s) left open, neither read to their end nor cancelled (the real client's dispose() would wait for them for ever)`);
    for (const read of [...this.openReads]) read.cutShort();
  }

  asClient(): EventStoreDBClient {
    return this as unknown as EventStoreDBClient;
  }

  private read<T>(records: () => T[]): FakeRead<T> {
    return new FakeRead(this.openReads as Set<FakeRead<unknown>>, records, this.stalled, this.discovering === undefined ? undefined : this.failedDiscovery(this.discovering));
  }

  /** While set, every new read first waits for a cluster discovery, which fails once this settles. */
  discovering: Promise<unknown> | undefined;

  private failedDiscovery(until: Promise<unknown>): Promise<never> {
    return until.then(() => {
      throw new Error('Failed to discover after 4 attempts.');
    });
  }

  /** While true, appends are never answered (a server that keeps the connection but stopped answering). */
  appendsUnanswered = false;

  /** While true, every new read answers nothing until cancelled: a server that stopped sending. */
  stalled = false;

  private limited(rows: Row[], maxCount: number | bigint | undefined): Row[] {
    return maxCount === undefined ? rows : rows.slice(0, Number(maxCount));
  }

  private systemEvent(streamId: string): void {
    this.push({ streamId, id: `sys-${this.position}`, revision: 0n, type: '$metadata', data: {}, metadata: null });
  }

  private push(row: Omit<Row, 'isJson' | 'created' | 'position'>): void {
    this.position += 37n; // commit positions grow, but not one by one
    this.log.push({ ...row, isJson: true, created: new Date(), position: { commit: this.position, prepare: this.position } });
  }
}
