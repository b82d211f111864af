/**
 * Two instances of one store on the same storage, as two processes have, for an adapter whose
 * reads allowed to lag (EventStore.cachedReadsMayLag) come from a cache of its own: whatever one
 * appends is never hidden from the other's reads by that cache, and a command the other decided on
 * a stale cache is decided again on a fresh read, whether it appends, decides nothing or refuses.
 * `open` opens another instance on the suite's storage; the suite closes none of them.
 */
import type { EventStore, StoredEvent } from '../../event-store.port';
import { handleCommand } from '../../handle-command';
import { newEvent, uniqueStreamId } from '../event-fixtures';

export function describeCachedReadsAcrossInstances(open: () => Promise<EventStore>): void {
  describe('cached reads across instances on the same storage (processes)', () => {
    let s1: string;
    let s2: string;
    let s3: string;
    let r1: string;
    beforeEach(() => {
      [s1, s2, s3, r1] = [uniqueStreamId('s'), uniqueStreamId('s'), uniqueStreamId('s'), uniqueStreamId('r')];
    });

    it('a cached read (even of an absent stream) never hides what another connection appended since', async () => {
      const a = await open();
      const b = await open();
      // a caches s1 as absent and s2 as complete, then extends s2 itself.
      expect(await a.readStream(s1)).toEqual([]);
      await a.append(s2, [newEvent('A0')], -1);
      expect((await a.readStream(s2)).map((e) => e.type)).toEqual(['A0']);
      // b writes to both streams; a must see it on its next read, from its cache or not.
      await b.append(s1, [newEvent('B0')], -1);
      await b.append(s2, [newEvent('B1')], 0);
      expect((await a.readStream(s1)).map((e) => e.type)).toEqual(['B0']);
      expect((await a.readStream(s2)).map((e) => e.type)).toEqual(['A0', 'B1']);
      // a's own append after b's: a complete entry is extended, not trusted past b's write.
      await a.append(s2, [newEvent('A2')], 1);
      await b.append(s3, [newEvent('B2')], -1);
      expect((await a.readStream(s2)).map((e) => e.type)).toEqual(['A0', 'B1', 'A2']);
      expect((await a.readStream(s2, { toRevision: 0 })).map((e) => e.type)).toEqual(['A0']);
      expect((await b.readStream(s2)).map((e) => e.type)).toEqual(['A0', 'B1', 'A2']);
    });

    describe('a command decided on a cached stream that another connection has since extended', () => {
      /** Open while the stream's last event is not Closed; appends Done once (a repeat decides nothing). */
      const command = (streamId: string, decided: Array<readonly string[]>) => ({
        streamId,
        metadata: { actor: { id: 'user-1', role: 'professional' }, correlationId: 'corr-1', causationId: null, at: '2024-05-06T08:00:00.000Z' },
        decide: ({ stream }: { stream: readonly StoredEvent[] }) => {
          const types = stream.map((e) => e.type);
          decided.push(types);
          if (types[types.length - 1] === 'Closed') throw new Error('closed');
          return { events: types.includes('Done') ? [] : [{ type: 'Done', data: {} }], ruleSetId: 'rules-1' };
        },
      });
      const types = async (store: EventStore, streamId: string) => (await store.readStream(streamId)).map((e) => e.type);
      /** Connection a writes `mine` and holds the stream in its cache; then connection b appends `theirs`. */
      const cachedThenExtended = async (streamId: string, mine: string[], theirs: string[]): Promise<[EventStore, EventStore]> => {
        const [a, b] = [await open(), await open()];
        await a.append(streamId, mine.map((t) => newEvent(t)), -1);
        expect(await types(a, streamId)).toHaveLength(mine.length); // now in a's cache
        await b.append(streamId, theirs.map((t) => newEvent(t)), mine.length - 1);
        return [a, b];
      };

      it('appends: the stale decision fails on its expected revision and is made again on a fresh read', async () => {
        const [a, b] = await cachedThenExtended(s1, ['Opened'], ['Noted']);
        const decided: Array<readonly string[]> = [];
        // The stale try costs no attempt: one is enough.
        await handleCommand(a, command(s1, decided), { maxAttempts: 1 });
        expect(decided).toEqual([['Opened'], ['Opened', 'Noted']]);
        expect(await types(b, s1)).toEqual(['Opened', 'Noted', 'Done']);
      });

      it('decides nothing: the answer waits until a fresh read finds the stream unchanged', async () => {
        const [a] = await cachedThenExtended(s1, ['Opened', 'Done'], ['Reset']);
        // Cached: Opened, Done (nothing to do). Stored: … Reset, and Done is still there: nothing to do.
        const decided: Array<readonly string[]> = [];
        const outcome = await handleCommand(a, command(s1, decided), { maxAttempts: 1 });
        expect(outcome.events).toEqual([]);
        expect(outcome.stream.map((e) => e.type)).toEqual(['Opened', 'Done', 'Reset']);
        expect(decided).toEqual([['Opened', 'Done'], ['Opened', 'Done', 'Reset']]);
      });

      it('refuses: a refusal by the cached state is given only if a fresh read still refuses', async () => {
        const [a, b] = await cachedThenExtended(s1, ['Opened', 'Closed'], ['Reopened']);
        const decided: Array<readonly string[]> = [];
        await handleCommand(a, command(s1, decided), { maxAttempts: 1 });
        expect(decided).toEqual([['Opened', 'Closed'], ['Opened', 'Closed', 'Reopened']]);
        expect(await types(b, s1)).toEqual(['Opened', 'Closed', 'Reopened', 'Done']);
        // Nothing changed since: the refusal stands after one fresh look.
        await a.append(s2, [newEvent('Closed')], -1);
        await expect(handleCommand(a, command(s2, []))).rejects.toThrow('closed');
      });

      it('refuses on a related stream: the fresh look covers the related streams too', async () => {
        const [a, b] = await cachedThenExtended(r1, ['Closed'], ['Reopened']);
        const seen: Array<readonly string[]> = [];
        await handleCommand(a, {
          ...command(s1, []),
          relatedStreams: [r1],
          decide: ({ related }) => {
            const types = (related.get(r1) ?? []).map((e) => e.type);
            seen.push(types);
            if (types[types.length - 1] === 'Closed') throw new Error('closed');
            return { events: [{ type: 'Done', data: {} }], ruleSetId: 'rules-1' };
          },
        }, { maxAttempts: 1 });
        expect(seen).toEqual([['Closed'], ['Closed', 'Reopened']]);
        expect(await types(b, s1)).toEqual(['Done']);
      });

      it('a refusal decided on a fresh read is given at once, however busy the stream (no CONCURRENCY_CONFLICT)', async () => {
        const [a, b] = [await open(), await open()];
        await a.append(s1, [newEvent('Opened'), newEvent('Closed')], -1);
        // Another process appends after every read of a: the stream never stands still.
        const busy = new Proxy(a, {
          get: (target, prop) => {
            if (prop !== 'readStream') return Reflect.get(target, prop) as unknown;
            return async (...args: Parameters<EventStore['readStream']>) => {
              const events = await target.readStream(...args);
              await b.append(s1, [newEvent('Noted')], 'any');
              return events;
            };
          },
        });
        const decided: Array<readonly string[]> = [];
        const alwaysRefused = { ...command(s1, decided), decide: ({ stream }: { stream: readonly StoredEvent[] }) => {
          decided.push(stream.map((e) => e.type));
          throw new Error('closed');
        } };
        await expect(handleCommand(busy, alwaysRefused, { maxAttempts: 2 })).rejects.toThrow('closed');
        // The cached try, found stale, then one fresh attempt, whose refusal stands.
        expect(decided).toHaveLength(2);
      });
    });
  });
}
