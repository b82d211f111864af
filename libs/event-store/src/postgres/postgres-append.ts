import { randomUUID } from 'node:crypto';
import { DatabaseError, type Pool, type PoolClient } from 'pg';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
  type StreamGuard,
} from '../event-store.port';
import { inStreamOrder } from '../append-rules';
import { GENESIS_HASH, chainHash } from '../hash-chain';
import { metadataColumn, toStoredEvent } from '../event-row';
import { STREAM_REVISION_CONSTRAINT, type StoreNames } from './postgres-schema';
import type { EventStoreSql } from './postgres-sql';

export interface AppendRequest {
  streamId: string;
  events: readonly NewEvent[];
  /** Each event's `at`, already normalised (recorded no earlier than the stream's last, see inStreamOrder). */
  ats: readonly string[];
  expected: ExpectedRevision;
  guards: readonly StreamGuard[];
}

/**
 * One append, one transaction (READ COMMITTED):
 * 1. lock the rows of the stream and of every guarded stream (creating absent ones at -1) and
 *    check the expected revision and the guards against what is committed: the locks keep them
 *    true until our commit, while appends to other streams go on in parallel;
 * 2. read the stream's last hash and compute the new events' chain;
 * 3. take the global append lock, insert the events, move the stream row and NOTIFY in one
 *    statement; commit.
 * Holding the global lock from the moment positions are drawn until commit is what makes
 * positions become visible in order (see postgres-event-store.adapter.ts). It is the one point
 * where all appends queue, so it covers as little as it can: one statement and the commit.
 */
export async function appendInTransaction(
  pool: Pool,
  sql: EventStoreSql,
  names: StoreNames,
  request: AppendRequest,
): Promise<AppendResult> {
  const client = await pool.connect();
  let unusable: Error | undefined;
  try {
    // READ COMMITTED whatever the server's default: each step must see what the writers it waited
    // for committed (under REPEATABLE READ a waited-for row update is a serialization failure).
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const result = await appendSteps(client, sql, names, request);
    await client.query('COMMIT');
    return result;
  } catch (error: unknown) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackFailed: unknown) {
      // The connection is in an unknown state: the pool must not hand it out again.
      unusable = rollbackFailed instanceof Error ? rollbackFailed : new Error(String(rollbackFailed));
      throw error;
    }
    if (isRevisionTaken(error)) throw await revisionTaken(client, sql, request);
    throw error;
  } finally {
    client.release(unusable);
  }
}

async function appendSteps(client: PoolClient, sql: EventStoreSql, names: StoreNames, request: AppendRequest): Promise<AppendResult> {
  const { streamId, events, ats, expected, guards } = request;
  const ids = [...new Set([streamId, ...guards.map((g) => g.streamId)])].sort();
  const locked = await client.query<{ stream_id: string; revision: number }>(sql.lockStreams, [ids]);
  const revisions = new Map(locked.rows.map((row) => [row.stream_id, row.revision]));
  const revisionOf = (id: string): number => {
    const revision = revisions.get(id);
    if (revision === undefined) throw new Error(`stream ${id} was not locked`); // cannot happen: every id got a row
    return revision;
  };
  const current = revisionOf(streamId);
  if (expected !== 'any' && expected !== current) throw new WrongExpectedRevisionError(streamId, expected, current);
  for (const guard of guards) {
    const actual = revisionOf(guard.streamId);
    if (actual !== guard.expectedRevision) throw new WrongExpectedRevisionError(guard.streamId, guard.expectedRevision, actual);
  }

  // The last event is committed and immutable, and our row lock keeps the stream from moving on:
  // the chain is computed before the global lock, which then covers only the insert and the commit.
  const previous = current === -1 ? undefined : (await client.query<{ hash: string; at: string }>(sql.lastEvent, [streamId, current])).rows[0];
  // Only a damaged table gets here: never restart a chain silently on top of a missing event.
  if (current !== -1 && previous === undefined) throw new Error(`stream ${streamId}: event ${current} is missing from the store`);
  const rows = chainRows(current, previous?.hash ?? GENESIS_HASH, events, inStreamOrder(ats, previous?.at ?? null));
  const inserted = await client.query<{ position: string | number }>(sql.insert, [
    rows.map((r) => r.id),
    streamId,
    rows.map((r) => r.revision),
    rows.map((r) => r.type),
    rows.map((r) => r.data),
    rows.map((r) => r.metadata),
    rows.map((r) => r.at),
    rows.map((r) => r.prevHash),
    rows.map((r) => r.hash),
    current + events.length,
    names.channel,
    names.appendLockKey,
  ]);
  // Hand back exactly what a read will return (parsed from the stored text, not the caller's objects).
  const stored: StoredEvent[] = rows.map((r, i) =>
    toStoredEvent([inserted.rows[i]!.position, r.id, streamId, r.revision, r.type, r.data, r.metadata, r.at, r.prevHash, r.hash]),
  );
  const last = stored[stored.length - 1]!;
  return { revision: last.revision, position: last.position, events: stored };
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

function chainRows(current: number, lastHash: string, events: readonly NewEvent[], ats: readonly string[]): ChainedRow[] {
  let prevHash = lastHash;
  return events.map((event, i) => {
    const revision = current + 1 + i;
    const metadata = { ...event.metadata, at: ats[i]! };
    const fields = { revision, type: event.type, at: metadata.at, actor: metadata.actor, data: event.data };
    const hash = chainHash(prevHash, fields); // also refuses data that is not plain JSON
    const row = { id: randomUUID(), revision, type: event.type, data: JSON.stringify(event.data), metadata: metadataColumn(metadata), at: metadata.at, prevHash, hash };
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
