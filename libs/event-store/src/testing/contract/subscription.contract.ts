import type { StoredEvent } from '../../event-store.port';
import { Collector, deferred, expectStrictlyIncreasing, newEvent, nextTurn, positionsOf, uniqueStreamId } from '../event-fixtures';
import type { CurrentStore } from './contract-context';

export function subscriptionContract(current: CurrentStore): void {
  describe('subscribeToAll', () => {
    it('catches up in pages, then follows new appends in order without duplicates', async () => {
      const store = current();
      const head = await store.headPosition();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E0'), newEvent('E1'), newEvent('E2')], -1);
      const seen = new Collector();
      const subscription = store.subscribeToAll({ fromPosition: head, handle: seen.handle, pageSize: 2 });
      try {
        await seen.until(3);
        await store.append(streamId, [newEvent('E3')], 2);
        await store.append(uniqueStreamId('other'), [newEvent('X0')], -1);
        await store.append(streamId, [newEvent('E4')], 3);
        await seen.until(6);
      } finally {
        await subscription.close();
      }
      expect(seen.events.map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'X0', 'E4']);
      expect(seen.events).toEqual(await store.readAll(head, 100));
      expectStrictlyIncreasing(positionsOf(seen.events));
    });

    it('starts after fromPosition', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      const first = await store.append(streamId, [newEvent('E0'), newEvent('E1')], -1);
      await store.append(streamId, [newEvent('E2')], 1);
      const seen = new Collector();
      const subscription = store.subscribeToAll({ fromPosition: first.position, handle: seen.handle });
      await seen.until(1);
      await subscription.close();
      expect(seen.events.map((e) => e.type)).toEqual(['E2']);
    });

    it('awaits each page before the next: never concurrent, nothing skipped or repeated', async () => {
      const store = current();
      const head = await store.headPosition();
      const streamId = uniqueStreamId('s');
      let active = 0;
      let maxActive = 0;
      const delivered: StoredEvent[] = [];
      const allSeen = deferred();
      const subscription = store.subscribeToAll({
        fromPosition: head,
        pageSize: 3,
        handle: async (page) => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          await nextTurn(); // give appends a chance to land while this page is in flight
          delivered.push(...page);
          active -= 1;
          if (delivered.length >= 20) allSeen.resolve();
        },
      });
      try {
        for (let i = 0; i < 20; i += 1) {
          await store.append(streamId, [newEvent(`E${i}`)], i - 1);
          if (i % 4 === 0) await nextTurn();
        }
        await allSeen.promise;
      } finally {
        await subscription.close();
      }
      expect(maxActive).toBe(1);
      expect(delivered.map((e) => e.revision)).toEqual([...Array(20).keys()]);
      expectStrictlyIncreasing(positionsOf(delivered));
    });

    it('offers a page that failed again, after reporting the error, and skips nothing', async () => {
      const store = current();
      const head = await store.headPosition();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E0'), newEvent('E1')], -1);
      const failure = new Error('projection unavailable');
      const errors: unknown[] = [];
      const pages: string[][] = [];
      const done = deferred();
      const subscription = store.subscribeToAll({
        fromPosition: head,
        onError: (error) => errors.push(error),
        handle: async (page) => {
          pages.push(page.map((e) => e.type));
          if (pages.length === 1) throw failure;
          done.resolve();
        },
      });
      await done.promise;
      await subscription.close();
      expect(errors).toEqual([failure]);
      expect(pages).toEqual([['E0', 'E1'], ['E0', 'E1']]);
    });

    it('close() waits for the page in flight and stops delivery', async () => {
      const store = current();
      const head = await store.headPosition();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E0')], -1);
      const entered = deferred();
      const release = deferred();
      let calls = 0;
      const subscription = store.subscribeToAll({
        fromPosition: head,
        handle: async () => {
          calls += 1;
          entered.resolve();
          await release.promise;
        },
      });
      await entered.promise;
      let closed = false;
      const closing = subscription.close().then(() => (closed = true));
      await nextTurn();
      expect(closed).toBe(false);
      release.resolve();
      await closing;
      await store.append(streamId, [newEvent('E1')], 0);
      await nextTurn();
      expect(calls).toBe(1);
    });
  });
}
