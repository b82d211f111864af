/**
 * EventStoreDB's idempotent write, as a test either fake (and a real server) can run through the
 * client's own calls: the same events (by id) appended again under the revision they were first
 * appended under are answered with success and not written again; any other repeat conflicts. The
 * adapter meets it when a guarded append's intent is written by another process (the ledger) while
 * its own append of the same events is still on its way.
 */
import { NO_STREAM, WrongExpectedVersionError, jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';

export function itAnswersTheSameAppendAgainAsTheServer(open: () => { client: EventStoreDBClient; streamName: string; close: () => Promise<void> }): void {
  it('answers an append of the same events (by id) again under their first revision with success, writing nothing; any other repeat conflicts', async () => {
    const { client, streamName: name, close } = open();
    try {
      const drafts = [jsonEvent({ type: 'T', data: { n: 1 } }), jsonEvent({ type: 'T', data: { n: 2 } })];
      await client.appendToStream(name, drafts, { expectedRevision: NO_STREAM });
      expect(await client.appendToStream(name, drafts, { expectedRevision: NO_STREAM })).toMatchObject({ success: true, nextExpectedRevision: 1n });
      await client.appendToStream(name, jsonEvent({ type: 'T', data: { n: 3 } }), { expectedRevision: 1n });
      await expect(client.appendToStream(name, drafts, { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(client.appendToStream(name, [drafts[0]!], { expectedRevision: NO_STREAM })).resolves.toMatchObject({ success: true, nextExpectedRevision: 0n });
      await expect(client.appendToStream(name, [jsonEvent({ type: 'T', data: { n: 1 } })], { expectedRevision: NO_STREAM })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const stored: unknown[] = [];
      for await (const resolved of client.readStream(name)) stored.push(resolved.event?.data);
      expect(stored).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    } finally {
      await close();
    }
  });
}
