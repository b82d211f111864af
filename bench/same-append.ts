/**
 * What "the same append" means for the baselines of `npm run bench:http`: the very events a
 * DeclareActivity by a professional appends — an ActivityDeclared with every field the decider
 * writes (the request digest as a 64-hex string of the same size; the claimed hours of the bench's
 * 90 minutes), preceded by PersonYearOpened on a stream the server has not opened yet — with the
 * same metadata (a fresh correlation id per request). Nothing is read and nothing is decided.
 */
import { randomUUID } from 'node:crypto';
import { creditYearStream } from '@jx/domain';
import type { AppendResult, EventStore, NewEvent } from '@jx/event-store';

const DIGEST = 'd'.repeat(64);
const opened = new Set<string>();

export async function appendLikeDeclareActivity(store: EventStore, personId: string, year: number, body: Record<string, unknown>): Promise<AppendResult> {
  const streamId = creditYearStream(personId, year);
  const metadata = { actor: { id: `professional-${personId}`, role: 'professional' }, correlationId: randomUUID(), causationId: null, ruleSetId: 'jx-2023-trial', at: new Date().toISOString() };
  const events: NewEvent[] = [];
  if (!opened.has(streamId)) {
    opened.add(streamId);
    events.push({ type: 'PersonYearOpened', data: { personId, year, unitId: 'u1', field: 'general' }, metadata });
  }
  const data = {
    activityId: body.activityId, category: body.category, subject: body.subject, title: body.title, completedOn: body.completedOn,
    measure: body.measure, hours: 2, contentKey: body.contentKey ?? null, evidence: body.evidence ?? [], makeUp: false,
    declarant: { id: `professional-${personId}`, role: 'professional' }, institutionId: null, requestDigest: DIGEST,
  };
  events.push({ type: 'ActivityDeclared', data, metadata });
  return store.append(streamId, events, 'any');
}
