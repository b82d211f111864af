/**
 * A stream holds an event type this version does not know: written by a newer version (a rolling
 * deployment, a rollback) or not by this system at all. Folding on without it would decide, show
 * or project the stream as if that event had not happened, so whatever reads a stream whole
 * refuses it instead (an answer of 500, a projection that stops and says why).
 */
export class UnknownEventTypeError extends Error {
  readonly code = 'UNKNOWN_EVENT_TYPE';
  constructor(
    readonly eventType: string,
    readonly revision: number,
    readonly streamId: string | undefined,
  ) {
    super(
      `${streamId ?? 'a stream'} holds an event of type "${eventType}" at revision ${revision}, which this version does not know ` +
        '(written by a newer version: upgrade this process; or not by this system); the stream is not read without it',
    );
    this.name = 'UnknownEventTypeError';
  }
}

/** Refuses an event whose type is not among `known` (see UnknownEventTypeError). */
export function requireKnownType(known: ReadonlySet<string>, event: { type: string; revision?: number; streamId?: string }, index: number): void {
  if (!known.has(event.type)) throw new UnknownEventTypeError(event.type, event.revision ?? index, event.streamId);
}
