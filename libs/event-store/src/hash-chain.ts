import { createHash } from 'node:crypto';
import { UnreadableEventError, type Actor, type EventStore, type StoredEvent } from './event-store.port';
import { canonicalJson, type CanonicalOptions } from './jcs';

/**
 * The per-stream hash chain of API.md "History": each event's hash covers its predecessor's hash,
 * so altering, removing or reordering a stored event breaks every later link.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  revision: number;
  type: string;
  at: string;
  actor: Actor;
  data: Record<string, unknown>;
}

/**
 * Lowercase hex SHA-256 of the UTF-8 string prevHash + JCS({revision, type, at, actor, data}).
 * Appends refuse text with an unpaired surrogate (not I-JSON); verifiers pass `escape` for events
 * stored before it was refused (see CanonicalOptions).
 */
export function chainHash(prevHash: string, fields: ChainedFields, options?: CanonicalOptions): string {
  const { revision, type, at, actor, data } = fields;
  // Only id and role of the actor are part of the chain (API.md), whatever else a caller attached.
  const canonical = canonicalJson({ revision, type, at, actor: { id: actor.id, role: actor.role }, data }, options);
  return createHash('sha256').update(prevHash + canonical, 'utf8').digest('hex');
}

/** The hashed fields of a stored event, as a verifier recomputes them. */
export function chainedFieldsOf(event: StoredEvent): ChainedFields {
  return {
    revision: event.revision,
    type: event.type,
    at: event.metadata.at,
    actor: event.metadata.actor,
    data: event.data,
  };
}

export type ChainBreak = 'revision-gap' | 'prev-hash-mismatch' | 'hash-mismatch' | 'truncated' | 'unreadable';

export type StreamChainReport =
  | { ok: true }
  | { ok: false; revision: number; reason: ChainBreak; message: string };

/**
 * Checks a whole stream, from revision 0, and names the first broken link. `revision` is the
 * revision the chain expected at the break (for a gap: the first one missing).
 */
export function verifyStreamChain(events: readonly StoredEvent[]): StreamChainReport {
  let prevHash = GENESIS_HASH;
  for (const [expected, event] of events.entries()) {
    if (event.revision !== expected) {
      return broken(expected, 'revision-gap', `expected revision ${expected}, found ${event.revision}`);
    }
    if (event.prevHash !== prevHash) {
      return broken(expected, 'prev-hash-mismatch', `prevHash does not equal the previous event's hash`);
    }
    if (chainHash(prevHash, chainedFieldsOf(event), { unpairedSurrogates: 'escape' }) !== event.hash) {
      return broken(expected, 'hash-mismatch', `stored hash does not match the event's content`);
    }
    prevHash = event.hash;
  }
  return { ok: true };
}

function broken(revision: number, reason: ChainBreak, message: string): StreamChainReport {
  return { ok: false, revision, reason, message };
}

export interface BrokenStream {
  streamId: string;
  revision: number;
  reason: ChainBreak;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  streamsChecked: number;
  eventsChecked: number;
  /** The first broken link of each broken stream, in stream-id order. */
  broken: BrokenStream[];
}

/** How far a verification has come: streams checked of those it lists at its start. */
export interface ChainProgress {
  streamsChecked: number;
  streamsTotal: number;
  eventsChecked: number;
}

/**
 * Verifies every stream whose id starts with one of `prefixes` (default: all streams);
 * `onProgress` is told after each stream (a long store takes minutes on PostgreSQL).
 */
export async function verifyChain(
  store: EventStore,
  options: { prefixes?: readonly string[]; onProgress?: (progress: ChainProgress) => void } = {},
): Promise<ChainReport> {
  const prefixes = options.prefixes ?? [''];
  const streamIds = [...new Set((await Promise.all(prefixes.map((p) => store.listStreams(p)))).flat())].sort();
  const report: ChainReport = { ok: true, streamsChecked: 0, eventsChecked: 0, broken: [] };
  for (const streamId of streamIds) {
    // Read the counter first: appends landing in between can only make the stream longer.
    const recorded = await store.streamRevision(streamId);
    const events = await readOrBreak(store, streamId);
    report.streamsChecked += 1;
    if (!Array.isArray(events)) {
      // Altered beyond decoding: a break at that event, and the other streams are still checked.
      report.broken.push(events);
      options.onProgress?.({ streamsChecked: report.streamsChecked, streamsTotal: streamIds.length, eventsChecked: report.eventsChecked });
      continue;
    }
    report.eventsChecked += events.length;
    options.onProgress?.({ streamsChecked: report.streamsChecked, streamsTotal: streamIds.length, eventsChecked: report.eventsChecked });
    const result = verifyStreamChain(events);
    if (!result.ok) {
      report.broken.push({ streamId, revision: result.revision, reason: result.reason, message: result.message });
      continue;
    }
    // The chain cannot see events cut off its end; the store's own revision counter can.
    if (events.length - 1 < recorded) {
      report.broken.push({
        streamId,
        revision: events.length,
        reason: 'truncated',
        message: `the store records revision ${recorded}, the stream ends at ${events.length - 1}`,
      });
    }
  }
  report.ok = report.broken.length === 0;
  return report;
}

async function readOrBreak(store: EventStore, streamId: string): Promise<StoredEvent[] | BrokenStream> {
  try {
    return await store.readStream(streamId);
  } catch (error: unknown) {
    if (!(error instanceof UnreadableEventError)) throw error;
    return { streamId, revision: error.revision, reason: 'unreadable', message: `its ${error.part} cannot be read: ${(error.cause as Error).message}` };
  }
}
