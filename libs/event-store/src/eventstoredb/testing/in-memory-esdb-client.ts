/**
 * A FAKE of the few @eventstore/db-client calls the adapter makes, for this machine where no
 * EventStoreDB server can run. It follows the server's documented behaviour (optimistic expected
 * revisions, StreamNotFoundError on reading an absent stream, inclusive $all positions, system
 * events in $all, JSON round trips) so that the adapter's own logic — hash chain, revisions,
 * namespaces, filtering, paging — runs through the shared contract. It proves nothing about the
 * server itself: that is the job of the real contract run with EVENTSTORE_URL.
 */
import { StreamNotFoundError, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client';

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
type ReadOptions = { fromRevision?: 'start' | 'end' | bigint; fromPosition?: 'start' | 'end' | Position; direction?: 'forwards' | 'backwards'; maxCount?: number | bigint };
type Draft = { id: string; type: string; data: unknown; metadata?: unknown };

export class InMemoryEsdbClient {
  private readonly log: Row[] = [];
  private readonly heads = new Map<string, number>();
  private position = 1000n;

  constructor() {
    this.systemEvent('$settings');
  }

  async appendToStream(streamName: string, events: Draft | Draft[], options: { expectedRevision?: 'any' | 'no_stream' | 'stream_exists' | bigint } = {}) {
    const current = this.heads.get(streamName) ?? -1;
    const expected = options.expectedRevision ?? 'any';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === -1) ||
      (expected === 'stream_exists' && current >= 0) ||
      (typeof expected === 'bigint' && BigInt(current) === expected);
    if (!ok) throw new WrongExpectedVersionError(undefined, { streamName, expected, current: current === -1 ? 'no_stream' : BigInt(current) });
    let revision = current;
    for (const e of Array.isArray(events) ? events : [events]) {
      revision += 1;
      // The server stores bytes: what comes back is a JSON round trip, never the caller's objects.
      this.push({ streamId: streamName, id: e.id, revision: BigInt(revision), type: e.type, data: JSON.parse(JSON.stringify(e.data)), metadata: JSON.parse(JSON.stringify(e.metadata ?? null)) });
    }
    this.heads.set(streamName, revision);
    // Other writers' system events interleave in the real $all.
    this.systemEvent(`$$${streamName}`);
    return { success: true, nextExpectedRevision: BigInt(revision), position: this.log[this.log.length - 1]!.position };
  }

  async *readStream(streamName: string, options: ReadOptions = {}): AsyncGenerator<{ event: Row }> {
    if (!this.heads.has(streamName)) throw new StreamNotFoundError(undefined, streamName);
    let rows = this.log.filter((r) => r.streamId === streamName);
    if (options.direction === 'backwards') {
      rows = rows.reverse();
      if (typeof options.fromRevision === 'bigint') rows = rows.filter((r) => r.revision <= (options.fromRevision as bigint));
    } else if (typeof options.fromRevision === 'bigint') rows = rows.filter((r) => r.revision >= (options.fromRevision as bigint));
    yield* this.limited(rows, options.maxCount);
  }

  async *readAll(options: ReadOptions = {}): AsyncGenerator<{ event: Row; commitPosition: bigint }> {
    let rows = [...this.log];
    const from = options.fromPosition;
    if (options.direction === 'backwards') {
      rows = rows.reverse();
      if (typeof from === 'object') rows = rows.filter((r) => r.position.commit <= from.commit);
    } else if (typeof from === 'object') rows = rows.filter((r) => r.position.commit >= from.commit);
    for await (const { event } of this.limited(rows, options.maxCount)) yield { event, commitPosition: event.position.commit };
  }

  async dispose(): Promise<void> {}

  asClient(): EventStoreDBClient {
    return this as unknown as EventStoreDBClient;
  }

  private async *limited(rows: Row[], maxCount: number | bigint | undefined): AsyncGenerator<{ event: Row }> {
    const max = maxCount === undefined ? Number.MAX_SAFE_INTEGER : Number(maxCount);
    for (const event of rows.slice(0, max)) yield { event };
  }

  private systemEvent(streamId: string): void {
    this.push({ streamId, id: `sys-${this.position}`, revision: 0n, type: '$metadata', data: {}, metadata: null });
  }

  private push(row: Omit<Row, 'isJson' | 'created' | 'position'>): void {
    this.position += 37n; // commit positions grow, but not one by one
    this.log.push({ ...row, isJson: true, created: new Date(), position: { commit: this.position, prepare: this.position } });
  }
}
