import { GENESIS_HASH, chainHash, chainedFieldsOf, verifyChain, verifyStreamChain } from '../../hash-chain';
import { expectStrictlyIncreasing, minutesAfterT0, newEvent, positionsOf, uniqueStreamId } from '../event-fixtures';
import type { CurrentStore } from './contract-context';

export function readsContract(current: CurrentStore): void {
  describe('time travel reads', () => {
    /** Five events, one a minute from T0. */
    async function fiveMinutes(): Promise<string> {
      const streamId = uniqueStreamId('creditYear');
      const events = [0, 1, 2, 3, 4].map((m) => newEvent(`E${m}`, { m }, { at: minutesAfterT0(m) }));
      await current().append(streamId, events, -1);
      return streamId;
    }

    it('toRevision is inclusive', async () => {
      const streamId = await fiveMinutes();
      const store = current();
      expect((await store.readStream(streamId, { toRevision: 2 })).map((e) => e.revision)).toEqual([0, 1, 2]);
      expect((await store.readStream(streamId, { toRevision: 0 })).map((e) => e.revision)).toEqual([0]);
      expect(await store.readStream(streamId, { toRevision: 99 })).toHaveLength(5);
    });

    it('a toRevision below 0 reads nothing, also of a stream just read whole (where a store caches it)', async () => {
      const streamId = await fiveMinutes();
      const store = current();
      expect(await store.readStream(streamId)).toHaveLength(5);
      for (const toRevision of [-1, -2, -4]) expect(await store.readStream(streamId, { toRevision })).toEqual([]);
    });

    it('toTime is inclusive and compares instants, whatever the zone it is written in', async () => {
      const streamId = await fiveMinutes();
      const store = current();
      expect((await store.readStream(streamId, { toTime: minutesAfterT0(2) })).map((e) => e.type)).toEqual(['E0', 'E1', 'E2']);
      // 08:02Z written as 16:02+08:00: the same instant.
      expect(await store.readStream(streamId, { toTime: '2024-05-06T16:02:00+08:00' })).toHaveLength(3);
      expect(await store.readStream(streamId, { toTime: '2024-05-06T08:02:59.999Z' })).toHaveLength(3);
      expect(await store.readStream(streamId, { toTime: '2024-05-06T07:59:59.999Z' })).toEqual([]);
      expect(await store.readStream(streamId, { toTime: '2030-01-01T00:00:00.000Z' })).toHaveLength(5);
    });

    it('toTime beyond the four-digit years still compares as an instant: after every event, or before every one', async () => {
      const streamId = await fiveMinutes();
      const store = current();
      // In year 10000 once in UTC (toISOString would write `+010000-…`, which sorts before `2024-…`).
      expect(await store.readStream(streamId, { toTime: '9999-12-31T23:59:59.999-00:01' })).toHaveLength(5);
      expect(await store.readStream(streamId, { toTime: '9999-12-31T23:59:59.999Z' })).toHaveLength(5);
      // In year -1 once in UTC.
      expect(await store.readStream(streamId, { toTime: '0000-01-01T00:00:00.000+00:01' })).toEqual([]);
    });

    it('toRevision and toTime together give the shorter prefix', async () => {
      const streamId = await fiveMinutes();
      const store = current();
      expect(await store.readStream(streamId, { toRevision: 1, toTime: minutesAfterT0(3) })).toHaveLength(2);
      expect(await store.readStream(streamId, { toRevision: 4, toTime: minutesAfterT0(3) })).toHaveLength(4);
    });
  });

  describe('readAll', () => {
    it('pages through the store, each page starting after fromPosition', async () => {
      const store = current();
      const head = await store.headPosition();
      const [a, b] = [uniqueStreamId('a'), uniqueStreamId('b')];
      for (let i = 0; i < 7; i += 1) await store.append(i % 2 === 0 ? a : b, [newEvent(`E${i}`)], 'any');
      const pages = [];
      let from = head;
      // Bounded: a store that never returned an empty page must fail here, not spin.
      for (let guard = 0; guard < 10; guard += 1) {
        const page = await store.readAll(from, 3);
        if (page.length === 0) break;
        pages.push(page);
        from = page[page.length - 1]!.position;
      }
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      const all = pages.flat();
      expect(all.map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
      expectStrictlyIncreasing(positionsOf(all));
      expect(await store.readAll(all[2]!.position, 2)).toEqual(all.slice(3, 5));
    });
  });

  describe('hash chain', () => {
    it('stores each link as sha256(prevHash + JCS(...)), starting from 64 zeros', async () => {
      const store = current();
      const streamId = uniqueStreamId('creditYear');
      await store.append(streamId, [newEvent('E0', { b: 1, a: [0.5, 'x'] }), newEvent('E1', { n: -0 })], -1);
      await store.append(streamId, [newEvent('E2', { deep: { z: null, y: true } }, { at: minutesAfterT0(5) })], 1);
      const events = await store.readStream(streamId);
      expect(events[0]!.prevHash).toBe(GENESIS_HASH);
      events.forEach((event, i) => {
        expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : events[i - 1]!.hash);
        expect(event.hash).toBe(chainHash(event.prevHash, chainedFieldsOf(event)));
      });
      expect(verifyStreamChain(events)).toEqual({ ok: true });
    });

    it('verifyChain over the whole store finds nothing broken', async () => {
      const store = current();
      await store.append(uniqueStreamId('creditYear'), [newEvent('E0'), newEvent('E1')], -1);
      await store.append(uniqueStreamId('unit'), [newEvent('U0')], -1);
      const report = await verifyChain(store);
      expect(report).toMatchObject({ ok: true, broken: [] });
      expect(report.streamsChecked).toBeGreaterThanOrEqual(2);
    });
  });

  describe('listStreams', () => {
    it('lists the streams with a prefix, sorted, matching the prefix literally', async () => {
      const store = current();
      const tag = uniqueStreamId('t').replace(/-/g, '');
      const ids = [`${tag}creditYear-p2+2024`, `${tag}creditYear-p1+2024`, `${tag}unit-u1`, `${tag}a_b`, `${tag}axb`];
      for (const id of ids) await store.append(id, [newEvent('E')], -1);
      expect(await store.listStreams(`${tag}creditYear-`)).toEqual([`${tag}creditYear-p1+2024`, `${tag}creditYear-p2+2024`]);
      expect(await store.listStreams(`${tag}a_`)).toEqual([`${tag}a_b`]);
      expect(await store.listStreams(`${tag}`)).toHaveLength(5);
      expect(await store.listStreams(`${tag}nothing-`)).toEqual([]);
      expect(await store.listStreams('')).toEqual(expect.arrayContaining(ids));
    });
  });

  describe('close', () => {
    /** How a call ended: its error's message, or 'answered' (messages, not classes: errors may come from another realm). */
    const outcome = (call: () => Promise<unknown>): Promise<string> =>
      call().then(
        () => 'answered',
        (error: unknown) => String((error as { message?: unknown }).message),
      );

    it('refuses every call once closed, even for what it holds in a cache; closing again does nothing', async () => {
      const store = current();
      const streamId = uniqueStreamId('closing');
      await store.append(streamId, [newEvent('E0')], -1);
      const head = await store.headPosition();
      // Read once, so that a store keeping recent reads or its own appends in memory holds them.
      expect(await store.readStream(streamId)).toHaveLength(1);
      expect(await store.readAll(head - 1, 10)).toHaveLength(1);
      await store.close();
      await store.close();
      const calls: Record<string, () => Promise<unknown>> = {
        readStream: () => store.readStream(streamId),
        readStreamCached: () => store.readStream(streamId, { allowCached: true }),
        readAll: () => store.readAll(head - 1, 10),
        append: () => store.append(streamId, [newEvent('E1')], 0),
        streamRevision: () => store.streamRevision(streamId),
        listStreams: () => store.listStreams('closing'),
        headPosition: () => store.headPosition(),
        ping: () => store.ping(),
        subscribeToAll: async () => store.subscribeToAll({ fromPosition: 0, handle: async () => undefined }),
      };
      const outcomes: Record<string, string> = {};
      for (const [name, call] of Object.entries(calls)) outcomes[name] = await outcome(call);
      expect(outcomes).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, 'event store is closed'])));
    });
  });
}
