/**
 * Guards across streams on EventStoreDB, which appends to one stream at a time.
 *
 * The port's guard (AppendOptions.guards: other streams must still be as read when the append
 * commits) is what keeps CONTENT_ALREADY_COUNTED true when two processes declare the same content
 * in two years of one person at once. SQLite and PostgreSQL check it in the append's transaction.
 * Here, the guarded appends of one cardinal id (`creditYear-p1` for `creditYear-p1+2024` and
 * `creditYear-p1+2025`: the message-db naming of ARCHITECTURE.md) are put in one order by a ledger
 * stream of their own, `_guards-{cardinal}`, with a write-ahead intent:
 *
 * 1. read the ledger's last intent and settle it: if its events are not in its stream yet and the
 *    stream is still where the intent found it, append them there (rolled forward, by their ids:
 *    whoever writes them first wins, the other finds them there); otherwise it is settled already
 *    (landed, or dead: its stream moved on without it, and its expected revision can never match);
 * 2. check the guards (and the stream's own revision);
 * 3. append this append's intent — its stream, its expected revision and its events whole, ids and
 *    hash-chain links included — to the ledger under the revision read in 1: a rival that wrote
 *    an intent since makes this fail, and the append starts again at 1 (it is a conflict for the
 *    caller only if the rival moved this stream or a guarded one, or after 8 turns lost to rivals:
 *    the adapter's LEDGER_RETRIES);
 * 4. append the events to their stream under the expected revision.
 *
 * Why it holds (given reads that see every acknowledged append: EsdbReads reads on the leader):
 * an intent is written only after every earlier one is settled, and settled intents never land
 * later; so when a guarded append's intent is written, every rival guarded append ordered before it
 * has either landed (and its guard check in 2 saw it) or never will, and every one ordered after it
 * settles it first and then sees it in its own check. Appends without guards
 * (a withdrawal, a verification without a content key) are not ordered by the ledger: they bring no
 * content, and a guard sees them only if they land before its check, as before. Guards on streams
 * of another cardinal id (a unit's stream, read from a cache) are checked just before the intent,
 * without this order. A writer that stops between 3 and 4 leaves its intent to the next guarded
 * append of that cardinal id, which completes it: like an append whose answer was lost, an append
 * answered with an error (a deadline, a server away) may still be committed.
 */
import { AccessDeniedError, jsonEvent, NO_STREAM, WrongExpectedVersionError, type EventStoreDBClient, type JSONType } from '@eventstore/db-client';
import type { StreamGuard } from '../event-store.port';
import { WeightedCache } from '../weighted-cache';
import { RESERVED_STREAM_PREFIX, withinDeadline, type EsdbReads } from './eventstoredb-reads';

const INTENT = 'GuardedAppendIntended';
/** Intents the ledger's reads keep (`$maxCount`): only the last one is ever read. */
const LEDGER_MAX_COUNT = 16;

/** An append written ahead: its events whole, so that anyone can complete it. */
export interface AppendIntent {
  stream: string;
  expectedRevision: number;
  events: { id: string; type: string; data: JSONType; metadata: JSONType }[];
}

/** `creditYear-p1` for `creditYear-p1+2024`: a stream's name up to its first `+`. */
export const cardinalOf = (streamId: string): string => streamId.split('+', 1)[0]!;

/** The ledger ordering this append, if any of its guards shares its cardinal id. */
export function ledgerOf(streamId: string, guards: readonly StreamGuard[]): string | undefined {
  const cardinal = cardinalOf(streamId);
  return guards.some((g) => cardinalOf(g.streamId) === cardinal) ? `${RESERVED_STREAM_PREFIX}guards-${cardinal}` : undefined;
}

const expectation = (revision: number) => (revision === -1 ? NO_STREAM : BigInt(revision));

function isIntent(data: unknown): data is AppendIntent {
  if (typeof data !== 'object' || data === null) return false;
  const { stream, expectedRevision, events } = data as Partial<AppendIntent>;
  return (
    typeof stream === 'string' &&
    Number.isSafeInteger(expectedRevision) &&
    expectedRevision! >= -1 &&
    Array.isArray(events) &&
    events.length > 0 &&
    events.every((e) => typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.type === 'string')
  );
}

export class GuardLedger {
  /**
   * Ledgers whose last intent this process wrote and saw land, by that intent's revision: when the
   * ledger's head is still there, that intent needs no settling read. (Skipping the head's read too
   * cost more than it saved where two processes take turns: their intents fail and every check
   * runs twice.)
   */
  private readonly leftAt = new WeightedCache<string, number>(10_000, () => 1);

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly reads: EsdbReads,
    private readonly prefix: string,
    private readonly appendTimeoutMs: number,
    /** Told when this ledger wrote events into their stream (a rolled-forward intent): subscriptions read on. */
    private readonly appended: () => void,
  ) {}

  /** This process's intent at `revision` landed. */
  rememberLanded(ledger: string, revision: number): void {
    this.leftAt.set(ledger, revision);
  }

  /** Step 1: the ledger's revision (-1: none yet), its last intent settled. */
  async settleHead(ledger: string): Promise<number> {
    const last = await this.reads.lastRecord(this.prefix + ledger);
    if (last === null) {
      // Before its first intent: older intents (never read again) may go at the server's next
      // scavenge. Where writing stream metadata is not allowed (an ACL without $mw for this user),
      // the ledger keeps them all rather than refuse every guarded append of the person.
      try {
        await withinDeadline(this.client.setStreamMetadata(this.prefix + ledger, { maxCount: LEDGER_MAX_COUNT }), 'append', this.appendTimeoutMs);
      } catch (error: unknown) {
        if (!(error instanceof AccessDeniedError)) throw error;
      }
      return -1;
    }
    // Revisions are the ledger's own, never reused: the intent there is this process's, landed.
    if (this.leftAt.get(ledger) === last.revision) return last.revision;
    if (last.type !== INTENT || !isIntent(last.data)) throw new Error(`ledger ${ledger}: its last event (revision ${last.revision}) is no append intent this store wrote; refusing guarded appends of ${ledger.slice(RESERVED_STREAM_PREFIX.length + 'guards-'.length)}`);
    await this.settle(last.data);
    return last.revision;
  }

  /** Step 3: this append's intent, after the ledger's `revision`: its own revision, or undefined if a rival's came first. */
  async intend(ledger: string, revision: number, intent: AppendIntent): Promise<number | undefined> {
    try {
      const result = await withinDeadline(
        this.client.appendToStream(this.prefix + ledger, jsonEvent({ type: INTENT, data: intent as unknown as JSONType }), { expectedRevision: expectation(revision) }),
        'append',
        this.appendTimeoutMs,
      );
      if (result.success) return revision + 1;
    } catch (error: unknown) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    return undefined;
  }

  /** The intent's events in its stream, unless the stream has moved on from where the intent found it. */
  private async settle(intent: AppendIntent): Promise<void> {
    const after = intent.expectedRevision + 1;
    // Streams never go back: anything after the expected revision (the intent's events or
    // another's) settles it; nothing there means the stream is still where it was.
    if ((await this.reads.readStream(intent.stream, { fromRevision: after, toRevision: after })).length > 0) return;
    const events = intent.events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }));
    try {
      const result = await withinDeadline(this.client.appendToStream(this.prefix + intent.stream, events, { expectedRevision: expectation(intent.expectedRevision) }), 'append', this.appendTimeoutMs);
      if (result.success) this.appended();
    } catch (error: unknown) {
      // Another writer moved the stream meanwhile (its own writer, another settler, or a writer
      // without guards): settled either way. Anything else leaves it for the next guarded append.
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }
}
