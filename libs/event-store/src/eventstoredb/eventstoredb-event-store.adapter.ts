/**
 * The EventStoreDB adapter, on the official Node gRPC client (@eventstore/db-client).
 *
 * What EventStoreDB gives and what it does not:
 * - Expected revisions are the server's own optimistic check (`expectedRevision`).
 * - The hash chain is computed here from the stream's last event, and the append is made under
 *   that event's revision, so a concurrent writer makes the append fail instead of forking the chain.
 * - Guards across streams (CONTENT_ALREADY_COUNTED): EventStoreDB appends to one stream at a time.
 *   Guarded appends within one cardinal id (a person's years) are put in one order by a ledger
 *   stream with write-ahead intents (eventstoredb-guard-ledger.ts); a guard on another cardinal id
 *   is checked just before the append, and a writer landing there in between is not seen.
 * - Global positions are the transaction-log commit positions (increasing, not consecutive): each
 *   event appended over gRPC has its own; events of an old-style TCP transaction, which this store
 *   never writes, would share one.
 * - `namespace` prefixes every stream, so that several stores (tests) share one server; reads of
 *   $all keep to the namespace and skip system events.
 */
import { EventStoreDBClient, jsonEvent, NO_STREAM, WrongExpectedVersionError, type JSONType } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { assertAppendable, inStreamOrder, normaliseInstant } from '../append-rules';
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
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { trackedFollowAll } from '../follow-all';
import { chainHash, GENESIS_HASH } from '../hash-chain';
import { forgettingFailedCapabilities } from './eventstoredb-capabilities';
import { GuardLedger, ledgerOf } from './eventstoredb-guard-ledger';
import { EsdbReads, RESERVED_STREAM_PREFIX, withinDeadline, type StoredMetadata } from './eventstoredb-reads';

export interface EventStoreDbOptions {
  /** `esdb://host:2113?tls=false` */
  connectionString: string;
  /**
   * Prefix of every stream this store writes and reads (letters and digits: with `_` allowed, the
   * streams of namespace `a_` would have begun with namespace `a`'s prefix); none by default.
   */
  namespace?: string;
  pollIntervalMs?: number;
  /** How long a read may take before it is cancelled and refused as unavailable (default 30 s; a ping waits 5 s at most). */
  readTimeoutMs?: number;
  /**
   * How long an append's answer is waited for (default 10 s): then it is refused as unavailable,
   * unless its events are found there.
   */
  appendTimeoutMs?: number;
}

/** EventStoreDbOptions.appendTimeoutMs unless given. */
const DEFAULT_APPEND_TIMEOUT_MS = 10_000;
const ANY_RETRIES = 5;
/** Tries at a ledger's turn, each after settling the intent written before it. */
const LEDGER_RETRIES = 8;

export class EventStoreDbEventStore implements EventStore {
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly appending = new Set<Promise<AppendResult>>();
  private readonly prefix: string;
  private readonly reads: EsdbReads;
  private readonly ledger: GuardLedger;
  readonly pollIntervalMs: number;
  private readonly appendTimeoutMs: number;
  private closing: Promise<void> | undefined;
  /** The client is (being) disposed: every call refuses, as the port says. */
  private closed = false;

  constructor(private readonly client: EventStoreDBClient, options: Omit<EventStoreDbOptions, 'connectionString'> = {}) {
    if (options.namespace !== undefined && !/^[A-Za-z0-9]{1,64}$/.test(options.namespace)) throw new RangeError('namespace: 1 to 64 letters or digits');
    this.prefix = options.namespace ? `${options.namespace}__` : '';
    this.reads = new EsdbReads(client, this.prefix, () => this.closed, options.readTimeoutMs);
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.appendTimeoutMs = options.appendTimeoutMs ?? DEFAULT_APPEND_TIMEOUT_MS;
    this.ledger = new GuardLedger(client, this.reads, this.prefix, this.appendTimeoutMs, () => this.notify());
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    // Tracked until settled: close() lets appends already asked for finish before the client goes.
    const appending = this.appendTracked(streamId, events, expected, options);
    this.appending.add(appending);
    const settled = () => this.appending.delete(appending);
    appending.then(settled, settled);
    return appending;
  }

  private async appendTracked(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions): Promise<AppendResult> {
    // Refused once close() began: it waits only for the appends asked for before.
    if (this.closing !== undefined) throw new EventStoreClosedError();
    this.assertOpen();
    assertAppendable(events, expected);
    // EventStoreDB keeps `$` names for itself: such events would be written but never read back (reads skip system events).
    if (streamId.startsWith('$')) throw new RangeError(`stream ${streamId}: names starting with $ are EventStoreDB's own`);
    if (streamId.startsWith(RESERVED_STREAM_PREFIX)) throw new RangeError(`stream ${streamId}: names starting with ${RESERVED_STREAM_PREFIX} are this store's own (guard ledgers)`);
    for (const e of events) if (e.type.startsWith('$')) throw new RangeError(`event type ${e.type}: types starting with $ are EventStoreDB's own`);
    const ats = events.map((e) => normaliseInstant(e.metadata.at));
    const guards = options.guards ?? [];
    const ledger = ledgerOf(streamId, guards);
    // Two budgets: tries at the ledger's turn, and 'any' appends trying again on a stream's new end.
    let ledgerTries = 0;
    let anyTries = 0;
    for (let first = true; ; first = false) {
      // Through the ledger, every pass settles its last intent and checks the guards anew.
      const ledgerRevision = ledger === undefined ? undefined : await this.ledger.settleHead(ledger);
      if (guards.length > 0 && (ledger !== undefined || first)) await this.checkGuards(guards);
      const last = await this.reads.lastEvent(streamId);
      const current = last === null ? -1 : last.revision;
      if (expected !== 'any' && expected !== current) throw new WrongExpectedRevisionError(streamId, expected, current);
      const drafts = this.draftsAt(events, inStreamOrder(ats, last?.metadata.at ?? null), current, last?.hash ?? GENESIS_HASH);
      const intended = ledger === undefined ? undefined : await this.ledger.intend(ledger, ledgerRevision!, { stream: streamId, expectedRevision: current, events: drafts.map(({ id, type, data, metadata }) => ({ id, type, data, metadata: metadata as JSONType })) });
      if (ledger !== undefined && intended === undefined) {
        // Another guarded append of this cardinal id (another year, maybe) was ordered first: settle
        // it and check again — a conflict only if it moved this stream or a guarded one.
        ledgerTries += 1;
        if (ledgerTries < LEDGER_RETRIES) continue;
        throw new WrongExpectedRevisionError(streamId, expected, await this.streamRevision(streamId));
      }
      try {
        const appended = await this.appendAt(streamId, drafts, current, ledger !== undefined);
        if (ledger !== undefined) this.ledger.rememberLanded(ledger, intended!);
        return appended;
      } catch (error: unknown) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Another writer moved the stream after our read: 'any' tries again on the new end.
        anyTries += 1;
        if (expected !== 'any' || anyTries >= ANY_RETRIES) throw new WrongExpectedRevisionError(streamId, expected, await this.streamRevision(streamId));
      }
    }
  }

  private async checkGuards(guards: AppendOptions['guards'] & object): Promise<void> {
    for (const guard of guards) {
      const actual = await this.streamRevision(guard.streamId);
      if (actual !== guard.expectedRevision) throw new WrongExpectedRevisionError(guard.streamId, guard.expectedRevision, actual);
    }
  }

  /** The events as stored after revision `current`: ids and hash-chain links, fixed before anything is written. */
  private draftsAt(events: readonly NewEvent[], ats: string[], current: number, lastHash: string) {
    let prevHash = lastHash;
    return events.map((e, i) => {
      const revision = current + 1 + i;
      const hash = chainHash(prevHash, { revision, type: e.type, at: ats[i]!, actor: e.metadata.actor, data: e.data });
      const metadata: StoredMetadata = { ...e.metadata, at: ats[i]!, prevHash, hash };
      prevHash = hash;
      return jsonEvent({ id: randomUUID(), type: e.type, data: e.data as JSONType, metadata: metadata as unknown as JSONType });
    });
  }

  /**
   * `viaLedger`: the drafts are a ledger's intent, which another guarded append may have written
   * for us meanwhile: a conflict is then a success if they are there.
   */
  private async appendAt(streamId: string, drafts: ReturnType<EventStoreDbEventStore['draftsAt']>, current: number, viaLedger: boolean): Promise<AppendResult> {
    try {
      const appending = this.client.appendToStream(this.prefix + streamId, drafts, { expectedRevision: current === -1 ? NO_STREAM : BigInt(current) });
      const result = await withinDeadline(appending, 'append', this.appendTimeoutMs);
      // A connection string with throwOnAppendFailure=false makes a conflict resolve instead of throw.
      if (!result.success) throw new WrongExpectedVersionError(undefined, { streamName: this.prefix + streamId, expected: current === -1 ? NO_STREAM : BigInt(current), current: result.nextExpectedRevision });
    } catch (error: unknown) {
      // An answer lost (a deadline, a dropped connection) does not say the append failed: if our
      // events are there, by their ids, it committed — and saying otherwise would have the caller
      // decide again on a stream that already holds its answer.
      if ((error instanceof WrongExpectedVersionError && !viaLedger) || !(await this.landed(streamId, current, drafts.map((d) => d.id)))) throw error;
    }
    this.notify();
    const appended = await this.reads.readStream(streamId, { fromRevision: current + 1, toRevision: current + drafts.length });
    const lastEvent = appended[appended.length - 1]!;
    return { revision: lastEvent.revision, position: lastEvent.position, events: appended };
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Whether the events with these ids are the stream's, right after `current`; false if that cannot be read either. */
  private async landed(streamId: string, current: number, ids: readonly string[]): Promise<boolean> {
    try {
      const after = await this.reads.readStream(streamId, { fromRevision: current + 1, toRevision: current + ids.length });
      return after.length === ids.length && after.every((e, i) => e.id === ids[i]);
    } catch {
      return false;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    return this.reads.readStream(streamId, options);
  }

  async streamRevision(streamId: string): Promise<number | -1> {
    this.assertOpen();
    return (await this.reads.lastEvent(streamId))?.revision ?? -1;
  }

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    this.assertOpen();
    return this.reads.readAllAfter(fromPosition, limit);
  }

  async listStreams(prefix: string): Promise<string[]> {
    this.assertOpen();
    return this.reads.listStreams(prefix);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    if (this.closing !== undefined) throw new EventStoreClosedError();
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
    return this.reads.headPosition();
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.reads.ping();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // The port's promise: what was asked for is committed (or refused), never cut off by
      // dispose() — an append answered by the server still has its events to read back. Every
      // step of an append has its deadline (the answer 10 s, each read 30 s), so this ends.
      await Promise.allSettled([...this.appending]);
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      this.closed = true;
      await this.client.dispose();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}

export function openEventStoreDbEventStore(options: EventStoreDbOptions): EventStoreDbEventStore {
  const client = EventStoreDBClient.connectionString(options.connectionString);
  return new EventStoreDbEventStore(forgettingFailedCapabilities(client, options.appendTimeoutMs ?? DEFAULT_APPEND_TIMEOUT_MS), options);
}
