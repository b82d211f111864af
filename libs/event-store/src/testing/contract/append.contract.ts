import { WrongExpectedRevisionError } from '../../event-store.port';
import { verifyStreamChain } from '../../hash-chain';
import {
  expectStrictlyIncreasing,
  minutesAfterT0,
  newEvent,
  positionsOf,
  testMetadata,
  uniqueStreamId,
} from '../event-fixtures';
import type { CurrentStore } from './contract-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function appendContract(current: CurrentStore): void {
  describe('append and read', () => {
    it('round-trips type, data and every metadata field', async () => {
      const store = current();
      const streamId = uniqueStreamId('creditYear');
      const metadata = testMetadata({
        actor: { id: 'hr-7', role: 'unit' },
        correlationId: 'corr-42',
        causationId: 'cause-41',
        ruleSetId: 'jx-2023-trial',
        at: '2024-05-06T08:00:00.123Z',
      });
      const data = { activityId: 'a1', hours: 18.5, nested: { list: [1, 'two', null, true] }, title: '公需科目 ✓' };
      const result = await store.append(streamId, [{ type: 'ActivityDeclared', data, metadata }], -1);
      const read = await store.readStream(streamId);
      expect(read).toEqual(result.events);
      expect(read).toHaveLength(1);
      expect(read[0]).toMatchObject({ streamId, revision: 0, type: 'ActivityDeclared', data, metadata });
      expect(read[0]!.id).toMatch(UUID);
      expect(result).toMatchObject({ revision: 0, position: read[0]!.position });
    });

    it('normalises `at` to ISO-8601 UTC with milliseconds', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E', {}, { at: '2024-05-06T16:00:00+08:00' })], -1);
      const [event] = await store.readStream(streamId);
      expect(event!.metadata.at).toBe('2024-05-06T08:00:00.000Z');
    });

    it("records an event stamped before its predecessor at the predecessor's time: a stream's times never go backwards, so reads up to an instant stay prefixes", async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E0', {}, { at: minutesAfterT0(5) })], -1);
      // Stamped earlier (another process's clock, a time taken before E0's append), in one append.
      const later = await store.append(streamId, [newEvent('E1', {}, { at: minutesAfterT0(3) }), newEvent('E2', {}, { at: minutesAfterT0(6) }), newEvent('E3', {}, { at: minutesAfterT0(4) })], 0);
      const expected = [minutesAfterT0(5), minutesAfterT0(5), minutesAfterT0(6), minutesAfterT0(6)];
      const read = await store.readStream(streamId);
      expect(read.map((e) => e.metadata.at)).toEqual(expected);
      expect(later.events.map((e) => e.metadata.at)).toEqual(expected.slice(1));
      expect(verifyStreamChain(read)).toEqual({ ok: true });
      expect((await store.readStream(streamId, { toTime: minutesAfterT0(5) })).map((e) => e.type)).toEqual(['E0', 'E1']);
      expect(await store.readStream(streamId, { toTime: minutesAfterT0(4) })).toEqual([]);
    });

    it('numbers revisions from 0 in each stream and assigns distinct ids', async () => {
      const store = current();
      const [a, b] = [uniqueStreamId('a'), uniqueStreamId('b')];
      const first = await store.append(a, [newEvent('E1'), newEvent('E2')], -1);
      await store.append(b, [newEvent('E1')], -1);
      const second = await store.append(a, [newEvent('E3')], 1);
      expect(first.revision).toBe(1);
      expect(second.revision).toBe(2);
      expect((await store.readStream(a)).map((e) => e.revision)).toEqual([0, 1, 2]);
      expect((await store.readStream(b)).map((e) => e.revision)).toEqual([0]);
      const ids = [...(await store.readStream(a)), ...(await store.readStream(b))].map((e) => e.id);
      expect(new Set(ids).size).toBe(4);
    });

    it('gives strictly increasing global positions across streams, in append order', async () => {
      const store = current();
      const head = await store.headPosition();
      const [a, b] = [uniqueStreamId('a'), uniqueStreamId('b')];
      await store.append(a, [newEvent('A0')], 'any');
      await store.append(b, [newEvent('B0'), newEvent('B1')], 'any');
      const last = await store.append(a, [newEvent('A1')], 'any');
      const all = await store.readAll(head, 100);
      expect(all.map((e) => e.type)).toEqual(['A0', 'B0', 'B1', 'A1']);
      expect(all[0]!.position).toBeGreaterThan(head);
      expectStrictlyIncreasing(positionsOf(all));
      expect(await store.headPosition()).toBe(last.position);
    });

    it('reads an absent stream as [] at revision -1', async () => {
      const store = current();
      const streamId = uniqueStreamId('absent');
      expect(await store.readStream(streamId)).toEqual([]);
      expect(await store.streamRevision(streamId)).toBe(-1);
    });

    it('refuses an empty append', async () => {
      const store = current();
      await expect(store.append(uniqueStreamId('s'), [], -1)).rejects.toThrow();
    });
  });

  describe('expected revision', () => {
    it('-1 refuses a stream that exists, and writes nothing', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E')], -1);
      const head = await store.headPosition();
      const attempt = store.append(streamId, [newEvent('Again')], -1);
      await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(attempt).rejects.toMatchObject({ streamId, expected: -1, actual: 0 });
      expect(await store.streamRevision(streamId)).toBe(0);
      expect(await store.headPosition()).toBe(head);
    });

    it('a number must equal the current revision', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E0'), newEvent('E1')], -1);
      await expect(store.append(streamId, [newEvent('Stale')], 0)).rejects.toMatchObject({ expected: 0, actual: 1 });
      await expect(store.append(streamId, [newEvent('Ahead')], 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(uniqueStreamId('s'), [newEvent('E')], 0)).rejects.toMatchObject({ actual: -1 });
      const ok = await store.append(streamId, [newEvent('E2')], 1);
      expect(ok.revision).toBe(2);
      expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(['E0', 'E1', 'E2']);
    });

    it('an append given the link of the event it continues (as read) is chained exactly as one without it; a stale one is a conflict', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E0'), newEvent('E1')], -1);
      const read = await store.readStream(streamId);
      const linked = await store.append(streamId, [newEvent('E2')], 1, { link: read[1]! });
      expect(linked.events[0]).toMatchObject({ revision: 2, prevHash: read[1]!.hash });
      expect(verifyStreamChain(await store.readStream(streamId))).toMatchObject({ ok: true });
      // Read before E2: its expected revision no longer holds, whatever the link says.
      await expect(store.append(streamId, [newEvent('Stale')], 1, { link: read[1]! })).rejects.toMatchObject({ expected: 1, actual: 2 });
      expect(await store.streamRevision(streamId)).toBe(2);
    });

    it('a link that is not the event at the expected revision of this stream, or whose hash does not cover it, is never chained onto', async () => {
      const store = current();
      const [streamId, other] = [uniqueStreamId('s'), uniqueStreamId('other')];
      await store.append(streamId, [newEvent('E0')], -1);
      await store.append(other, [newEvent('O0', {}, { at: '2999-01-01T00:00:00.000Z' })], -1);
      const [e0] = await store.readStream(streamId);
      const [o0] = await store.readStream(other);
      // Another stream's event at the expected revision (sound in itself, and recorded in 2999).
      await store.append(streamId, [newEvent('E1')], 0, { link: o0! });
      // A time it does not have (not what its hash covers).
      const [, e1] = await store.readStream(streamId);
      await store.append(streamId, [newEvent('E2')], 1, { link: { ...e1!, metadata: { ...e1!.metadata, at: '2999-01-01T00:00:00.000Z' } } });
      // A link given to a new stream.
      const fresh = uniqueStreamId('fresh');
      await store.append(fresh, [newEvent('F0')], -1, { link: e0! });
      for (const id of [streamId, fresh]) expect(verifyStreamChain(await store.readStream(id))).toMatchObject({ ok: true });
      expect((await store.readStream(streamId)).map((e) => e.metadata.at < '2999')).toEqual([true, true, true]);
    });

    it("'any' appends to a new or an existing stream", async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      expect((await store.append(streamId, [newEvent('E0')], 'any')).revision).toBe(0);
      expect((await store.append(streamId, [newEvent('E1')], 'any')).revision).toBe(1);
    });

    it('of concurrent appends under the same expected revision exactly one wins', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      const results = await Promise.allSettled(
        ['A', 'B', 'C'].map((type) => store.append(streamId, [newEvent(type)], -1)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(2);
      for (const reason of lost) expect(reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(streamId)).toHaveLength(1);
    });
  });

  // Guards on streams of other ids, and on the years of one person (one cardinal id: the
  // EventStoreDB adapter orders those through a ledger of its own).
  describe.each([
    ['on streams of other ids', (): [string, string, string] => [uniqueStreamId('main'), uniqueStreamId('other'), uniqueStreamId('absent')]],
    ['within one cardinal id', (): [string, string, string] => {
      const person = uniqueStreamId('year');
      return [`${person}+2024`, `${person}+2025`, `${person}+2026`];
    }],
  ])('guards %s', (_label, names) => {
    it('append commits while every guarded stream is where the caller saw it', async () => {
      const store = current();
      const [main, other, absent] = names();
      await store.append(other, [newEvent('O0')], -1);
      const guards = [{ streamId: other, expectedRevision: 0 }, { streamId: absent, expectedRevision: -1 }];
      await expect(store.append(main, [newEvent('M0')], -1, { guards })).resolves.toMatchObject({ revision: 0 });
    });

    it('a guarded stream that moved refuses the append, names that stream, and nothing is written', async () => {
      const store = current();
      const [main, other] = names();
      await store.append(other, [newEvent('O0')], -1);
      await store.append(other, [newEvent('O1')], 0); // moved after the caller read revision 0
      const head = await store.headPosition();
      const attempt = store.append(main, [newEvent('M0'), newEvent('M1')], -1, {
        guards: [{ streamId: other, expectedRevision: 0 }],
      });
      await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(attempt).rejects.toMatchObject({ streamId: other, expected: 0, actual: 1 });
      expect(await store.streamRevision(main)).toBe(-1);
      expect(await store.headPosition()).toBe(head);
    });

    it('a guard expecting absence refuses once the stream exists', async () => {
      const store = current();
      const [main, other] = names();
      await store.append(other, [newEvent('O0')], -1);
      const guards = [{ streamId: other, expectedRevision: -1 as const }];
      await expect(store.append(main, [newEvent('M0')], 'any', { guards })).rejects.toMatchObject({ streamId: other });
      expect(await store.readStream(main)).toEqual([]);
    });
  });

  describe('atomicity', () => {
    it('an event with an invalid instant refuses the whole append', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      await expect(store.append(streamId, [newEvent('E0'), newEvent('E1', {}, { at: 'not a time' })], -1)).rejects.toThrow();
      expect(await store.streamRevision(streamId)).toBe(-1);
    });

    it('appends started together stand or fall alone: a conflict or unstorable data refuses only its own append', async () => {
      const store = current();
      const [ok1, stale, bad, ok2] = [uniqueStreamId('ok1'), uniqueStreamId('stale'), uniqueStreamId('bad'), uniqueStreamId('ok2')];
      await store.append(stale, [newEvent('S0')], -1);
      const head = await store.headPosition();
      // Not awaited one by one: a store that commits appends in groups gets them in one group.
      const results = await Promise.allSettled([
        store.append(ok1, [newEvent('A0'), newEvent('A1')], -1),
        store.append(stale, [newEvent('S1')], -1),
        store.append(bad, [newEvent('B0'), newEvent('NotJson', { hours: Number.POSITIVE_INFINITY })], -1),
        store.append(ok2, [newEvent('C0')], 'any'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(ok1)).map((e) => e.type)).toEqual(['A0', 'A1']);
      expect((await store.readStream(stale)).map((e) => e.type)).toEqual(['S0']);
      expect(await store.readStream(bad)).toEqual([]);
      expect((await store.readStream(ok2)).map((e) => e.type)).toEqual(['C0']);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(head + 3);
    });

    it('appends to one stream started together each see the ones before them (whichever goes first)', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      const results = await Promise.all([store.append(streamId, [newEvent('E0')], 'any'), store.append(streamId, [newEvent('E1')], 'any')]);
      expect(results.map((r) => r.revision).sort()).toEqual([0, 1]);
      const events = await store.readStream(streamId);
      expect(events.map((e) => e.type).sort()).toEqual(['E0', 'E1']);
      expect(events.map((e) => e.revision)).toEqual([0, 1]);
      expect(events[1]!.prevHash).toBe(events[0]!.hash);
    });

    it('a batch with one unstorable event writes none of it', async () => {
      const store = current();
      const streamId = uniqueStreamId('s');
      await store.append(streamId, [newEvent('E0')], -1);
      const head = await store.headPosition();
      const batch = [newEvent('Fine'), newEvent('NotJson', { hours: Number.NaN }), newEvent('AlsoFine')];
      await expect(store.append(streamId, batch, 0)).rejects.toThrow();
      expect(await store.streamRevision(streamId)).toBe(0);
      expect(await store.headPosition()).toBe(head);
      // The stream is still usable where it was.
      await expect(store.append(streamId, [newEvent('E1', {}, { at: minutesAfterT0(1) })], 0)).resolves.toMatchObject({ revision: 1 });
    });
  });
}
