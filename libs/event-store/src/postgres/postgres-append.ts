import { randomUUID } from 'node:crypto';
import { Client, DatabaseError, type ClientConfig, type Pool, type PoolClient } from 'pg';
import { CheckedOutClient, isQueryReadTimeout } from '@jx/postgres';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
  type StreamGuard,
} from '../event-store.port';
import { inStreamOrder, normaliseInstant } from '../append-rules';
import { GENESIS_HASH, chainHash, chainedFieldsOf } from '../hash-chain';
import { metadataColumn, toStoredEvent, type EventRow } from '../event-row';
import { MAX_REVISION, STREAM_REVISION_CONSTRAINT, WRONG_REVISION_SQLSTATE, type StoreNames } from './postgres-schema';
import type { EventStoreSql } from './postgres-sql';

export interface AppendRequest {
  streamId: string;
  events: readonly NewEvent[];
  /** Each event's `at`, already normalised (recorded no earlier than the stream's last, see inStreamOrder). */
  ats: readonly string[];
  expected: ExpectedRevision;
  guards: readonly StreamGuard[];
  /** The event at `expected` as the caller read it (AppendOptions.link; see trustedLink). */
  link?: StoredEvent;
}

/** The stream's last event as an append chains onto it: revision, hash and time (-1: none yet). */
interface Link {
  revision: number;
  hash: string;
  at: string | null;
}

const GENESIS: Link = { revision: -1, hash: GENESIS_HASH, at: null };

/** Connections already set to READ COMMITTED for their autocommit statements (see readCommitted). */
const readCommittedClients = new WeakSet<PoolClient>();

/**
 * One append, one statement (append_events, postgres-schema.ts), in two round trips:
 * 1. read the event the append chains onto — the one at the expected revision, committed and
 *    immutable, so no lock is needed — and compute the new events' chain;
 * 2. call append_events, which locks the stream's row and every guarded stream's, checks their
 *    revisions and the link, takes the global append lock, inserts the events, moves the stream
 *    row and NOTIFYs; the statement commits on its own.
 * Holding the global lock from the moment positions are drawn until commit is what makes
 * positions become visible in order (see postgres-event-store.adapter.ts). It is the one point
 * where all appends queue, so it is held only on the server: no round trip to the client, and no
 * wait for this process's event loop, happens while it is held.
 *
 * `settleWith`: the settings of a connection of its own that settles an append whose answer was
 * lost (settleLostAnswer) — not the pool's, whose queue it would join behind other requests.
 */
export async function appendEvents(pool: Pool, sql: EventStoreSql, names: StoreNames, request: AppendRequest, settleWith: ClientConfig): Promise<AppendResult> {
  const held = await CheckedOutClient.from(pool);
  const { client } = held;
  // The events' ids, known before anything is sent: what settles an append whose answer is lost.
  const ids = request.events.map(() => randomUUID());
  let session: Session | undefined;
  let answerLost: { failure: unknown };
  try {
    const { streamId, expected } = request;
    session = await sessionOf(client, sql);
    await refuseBeyondColumn(client, sql, request);
    if (expected === 'any') return await appendAtHead(client, sql, names, request, ids);
    await readCommitted(client);
    return await appendOnto(client, sql, names, request, trustedLink(request) ?? (await linkFor(client, sql, streamId, expected)), ids);
  } catch (error: unknown) {
    if (error instanceof ConnectionUnusable) {
      held.discard(error);
      answerLost = { failure: error.cause };
    } else {
      // Lost, ended by the server or unanswered: nothing more is asked on this connection.
      held.failed(error);
      if (held.lost === undefined) {
        // On the connection already held: another from the pool could wait for ever for one of those
        // held by appends that are all here (a pool of appends stuck on one damaged stream).
        const refusal = wrongRevision(error) ?? (isRevisionTaken(error) ? await revisionTaken(client, sql, request).catch((e: unknown) => e) : error);
        held.failed(refusal);
        throw refusal;
      }
      answerLost = { failure: error };
    }
  } finally {
    held.release();
  }
  // Settled once the lost connection is closed.
  return settleLostAnswer(settleWith, sql, session, request.streamId, ids, answerLost.failure);
}

/**
 * A revision expected beyond the column's range is refused as any other wrong one, naming where
 * the stream is, rather than failing to bind (the port takes any safe integer).
 */
async function refuseBeyondColumn(client: PoolClient, sql: EventStoreSql, { streamId, expected, guards }: AppendRequest): Promise<void> {
  const expectations: Array<[string, ExpectedRevision]> = [[streamId, expected], ...guards.map((g): [string, ExpectedRevision] => [g.streamId, g.expectedRevision])];
  for (const [id, revision] of expectations) {
    if (revision === 'any' || revision <= MAX_REVISION) continue;
    const current = (await client.query<{ revision: number }>(sql.revision, [id])).rows[0]?.revision ?? -1;
    throw new WrongExpectedRevisionError(id, revision, current);
  }
}

/** The connection is in an unknown state (a failed ROLLBACK, a statement unanswered): the pool must not hand it out again. */
class ConnectionUnusable extends Error {}

/** A connection's server session: its process id, and when it started (a pid is reused by later sessions). */
interface Session {
  pid: number;
  started: string;
}

/** Each connection's session, asked once per connection. */
const sessions = new WeakMap<PoolClient, Session>();

/**
 * Its start as whole microseconds since 1970, compared as a number: as text it would depend on
 * the session's DateStyle and TimeZone (`CST` read back as US Central, not China).
 */
async function sessionOf(client: PoolClient, sql: EventStoreSql): Promise<Session | undefined> {
  const known = sessions.get(client);
  if (known !== undefined) return known;
  try {
    const session = (await client.query<Session>(sql.ownSession)).rows[0];
    if (session !== undefined) sessions.set(client, session);
    return session;
  } catch (error: unknown) {
    // Unreadable (the activity view revoked, say): this append goes on, unsettled were its answer lost.
    // A failure of the connection itself fails the append's next statement.
    process.emitWarning(`cannot read this connection's session; a lost append answer will not be settled: ${error instanceof Error ? error.message : String(error)}`, 'EventStoreSettle');
    return undefined;
  }
}

/** How long settling an append whose answer was lost may take before its outcome is left unknown. */
const SETTLE_WITHIN_MS = 3000;
const SESSION_GONE_POLL_MS = 20;

/**
 * An append whose answer never came — its connection lost, ended by the server, or the answer
 * overdue (the statement may still be running there, waiting for a lock, and commit after the
 * caller was told it failed) — is settled before its stream's turn is given up, on a connection of
 * its own: its server session is ended, so that it can no longer commit, and once that session is
 * gone (its transaction then committed or aborted) its events are looked for by their ids. Found,
 * the append is answered as committed (what a retry would otherwise write twice: a second fraud
 * flag, say); not found, it never will be, and the failure is reported as it came (a 503; a
 * refusal as a refusal). When that cannot be done within SETTLE_WITHIN_MS — PostgreSQL refuses,
 * is full or away, its activity view is unreadable — the outcome stays unknown: the failure as
 * it came, and a warning saying why.
 */
async function settleLostAnswer(settleWith: ClientConfig, sql: EventStoreSql, session: Session | undefined, streamId: string, ids: readonly string[], failure: unknown): Promise<AppendResult> {
  if (session === undefined) throw failure;
  const { pid, started } = session;
  const giveUpAt = Date.now() + SETTLE_WITHIN_MS;
  const client = new Client({ ...settleWith, connectionTimeoutMillis: SETTLE_WITHIN_MS, query_timeout: SETTLE_WITHIN_MS, statement_timeout: SETTLE_WITHIN_MS });
  client.on('error', () => undefined); // a loss fails the statement in flight, which is what counts
  let rows: EventRow[];
  try {
    await client.connect();
    await client.query(sql.endSession, [pid, started]);
    while (((await client.query(sql.sessionAlive, [pid, started])).rowCount ?? 0) > 0) {
      if (Date.now() > giveUpAt) throw new Error(`session ${pid} still there after ${SETTLE_WITHIN_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, SESSION_GONE_POLL_MS));
    }
    rows = (await client.query<EventRow>({ text: sql.eventsByIds, values: [ids], rowMode: 'array' })).rows;
  } catch (error: unknown) {
    process.emitWarning(`an append's lost answer could not be settled (its outcome is unknown): ${error instanceof Error ? error.message : String(error)}`, 'EventStoreSettle');
    throw failure;
  } finally {
    void client.end().catch(() => undefined);
  }
  if (rows.length === 0) throw wrongRevision(failure) ?? failure;
  const events = rows.map((row) => toStoredEvent(row));
  if (events.length !== ids.length || events.some((e) => e.streamId !== streamId)) throw failure;
  const last = events[events.length - 1]!;
  return { revision: last.revision, position: last.position, events };
}

/**
 * append_events refuses to run under any isolation but READ COMMITTED (its checks must see what
 * the writers they waited for committed), whatever the server's default or the connection
 * string's options: each connection is set to it once, before its first append.
 */
async function readCommitted(client: PoolClient): Promise<void> {
  if (readCommittedClients.has(client)) return;
  await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED');
  readCommittedClients.add(client);
}

/**
 * 'any' asks for no particular revision, so the append is chained onto whatever is last once the
 * stream's row is locked: in a transaction of its own, holding the rows append_events locks (in the
 * same order) from the read of the last event to the commit. Writers of the same stream then queue
 * instead of conflicting; the global lock is held across the COMMIT's round trip here.
 */
async function appendAtHead(client: PoolClient, sql: EventStoreSql, names: StoreNames, request: AppendRequest, ids: readonly string[]): Promise<AppendResult> {
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  try {
    await client.query(sql.lockStreams, [lockOrder(request)]);
    const { rows } = await client.query<{ revision: number; hash: string | null; at: string | null }>(sql.head, [request.streamId]);
    const head = rows[0];
    if (head !== undefined && head.revision >= 0 && head.hash === null) throw missingEvent(request.streamId, head.revision);
    const link = head === undefined || head.revision === -1 ? GENESIS : { revision: head.revision, hash: head.hash!, at: head.at };
    const result = await appendOnto(client, sql, names, request, link, ids);
    await client.query('COMMIT');
    return result;
  } catch (error: unknown) {
    if (isQueryReadTimeout(error)) throw new ConnectionUnusable('a statement got no answer', { cause: error });
    try {
      await client.query('ROLLBACK');
    } catch {
      throw new ConnectionUnusable('ROLLBACK failed', { cause: error });
    }
    throw error;
  }
}

/**
 * The caller's link (the event it read at the expected revision), when it can stand in for a read:
 * of this stream, at that revision, and its hash recomputed over what it says (its time included,
 * which orders the new events). append_events then checks that hash is the stored event's, and the
 * stream's revision: a stale or forged link is refused there, never chained onto.
 */
function trustedLink({ streamId, expected, link }: AppendRequest): Link | undefined {
  if (link === undefined || typeof expected !== 'number' || expected < 0 || link.revision !== expected || link.streamId !== streamId) return undefined;
  if (!SHA256_HEX.test(link.prevHash) || !SHA256_HEX.test(link.hash)) return undefined;
  try {
    // Escaped as events stored before unpaired surrogates were refused were hashed (the same for any other text).
    if (chainHash(link.prevHash, chainedFieldsOf(link), { unpairedSurrogates: 'escape' }) !== link.hash) return undefined;
    return { revision: link.revision, hash: link.hash, at: normaliseInstant(link.metadata.at) };
  } catch {
    // Anything it cannot vouch for is read afresh instead.
    return undefined;
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The event at the expected revision, read with the stream's revision in one snapshot. */
async function linkFor(client: PoolClient, sql: EventStoreSql, streamId: string, expected: number): Promise<Link> {
  if (expected === -1) return GENESIS;
  const { rows } = await client.query<{ revision: number | null; hash: string | null; at: string | null }>(sql.linkAt, [streamId, expected]);
  const current = rows[0]?.revision ?? -1;
  // Elsewhere already: the usual conflict, refused without going further.
  if (current !== expected) throw new WrongExpectedRevisionError(streamId, expected, current);
  if (rows[0]?.hash == null) throw missingEvent(streamId, expected);
  return { revision: expected, hash: rows[0].hash, at: rows[0].at };
}

/** Only a damaged table gets here: never restart a chain silently on top of a missing event. */
const missingEvent = (streamId: string, revision: number): Error => new Error(`stream ${streamId}: event ${revision} is missing from the store`);

/** Every row an append locks, sorted: two appends can never wait for each other in a cycle. */
const lockOrder = ({ streamId, guards }: AppendRequest): string[] => [...new Set([streamId, ...guards.map((g) => g.streamId)])].sort();

async function appendOnto(client: PoolClient, sql: EventStoreSql, names: StoreNames, request: AppendRequest, link: Link, ids: readonly string[]): Promise<AppendResult> {
  const { streamId, events, ats, guards } = request;
  const rows = chainRows(link.revision, link.hash, events, inStreamOrder(ats, link.at), ids);
  const inserted = await client.query<{ position: string | number }>(sql.append, [
    streamId,
    link.revision,
    link.hash,
    lockOrder(request),
    guards.map((g) => g.streamId),
    guards.map((g) => g.expectedRevision),
    rows.map((r) => r.id),
    rows.map((r) => r.revision),
    rows.map((r) => r.type),
    rows.map((r) => r.data),
    rows.map((r) => r.metadata),
    rows.map((r) => r.at),
    rows.map((r) => r.prevHash),
    rows.map((r) => r.hash),
    names.appendLockKey,
    names.channel,
  ]);
  // Hand back exactly what a read will return (parsed from the stored text, not the caller's objects).
  const stored: StoredEvent[] = rows.map((r, i) =>
    toStoredEvent([inserted.rows[i]!.position, r.id, streamId, r.revision, r.type, r.data, r.metadata, r.at, r.prevHash, r.hash]),
  );
  const last = stored[stored.length - 1]!;
  return { revision: last.revision, position: last.position, events: stored };
}

/** append_events found a stream elsewhere than expected (its detail names which, in JSON). */
function wrongRevision(error: unknown): WrongExpectedRevisionError | undefined {
  if (!(error instanceof DatabaseError) || error.code !== WRONG_REVISION_SQLSTATE || error.detail === undefined) return undefined;
  const { streamId, expected, actual } = JSON.parse(error.detail) as { streamId: string; expected: number; actual: number };
  return new WrongExpectedRevisionError(streamId, expected, actual);
}

interface ChainedRow {
  id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  at: string;
  prevHash: string;
  hash: string;
}

function chainRows(current: number, lastHash: string, events: readonly NewEvent[], ats: readonly string[], ids: readonly string[]): ChainedRow[] {
  let prevHash = lastHash;
  return events.map((event, i) => {
    const revision = current + 1 + i;
    const metadata = { ...event.metadata, at: ats[i]! };
    const fields = { revision, type: event.type, at: metadata.at, actor: metadata.actor, data: event.data };
    const hash = chainHash(prevHash, fields); // also refuses data that is not plain JSON
    const row = { id: ids[i]!, revision, type: event.type, data: JSON.stringify(event.data), metadata: metadataColumn(metadata), at: metadata.at, prevHash, hash };
    prevHash = hash;
    return row;
  });
}

/** A writer that bypassed the stream row lock (older code, a manual insert) took the revision first. */
function isRevisionTaken(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === '23505' && error.constraint === STREAM_REVISION_CONSTRAINT;
}

async function revisionTaken(client: PoolClient, sql: EventStoreSql, request: AppendRequest): Promise<WrongExpectedRevisionError> {
  const { rows } = await client.query<{ revision: number }>(sql.lastRevisionInEvents, [request.streamId]);
  return new WrongExpectedRevisionError(request.streamId, request.expected, rows[0]?.revision ?? -1);
}
