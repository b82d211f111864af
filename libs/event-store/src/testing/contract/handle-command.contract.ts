import type { EventStore, StoredEvent } from '../../event-store.port';
import { ConcurrencyConflictError, handleCommand, readBetweenCommands, type CommandContext, type CommandSpec } from '../../handle-command';
import { KeyedMutex } from '../../keyed-mutex';
import { newEvent, testMetadata, uniqueStreamId } from '../event-fixtures';
import type { CurrentStore } from './contract-context';

/** A command that records an item once: a repeat decides nothing (idempotent). */
function addItem(streamId: string, item: string, relatedStreams: string[] = []): CommandSpec<{ item: string }> & { seen: CommandContext[] } {
  const seen: CommandContext[] = [];
  return {
    streamId,
    relatedStreams,
    metadata: { actor: { id: 'user-1', role: 'professional' }, correlationId: `corr-${item}`, causationId: null, at: '2024-05-06T08:00:00.000Z' },
    seen,
    decide: (ctx) => {
      seen.push(ctx);
      const present = ctx.stream.some((e) => e.data['item'] === item);
      return { events: present ? [] : [{ type: 'ItemAdded', data: { item } }], ruleSetId: 'rules-1', result: { item } };
    },
  };
}

/**
 * Another process writing between our read and our append, made deterministic: after the first
 * `times` reads of `streamId` a rival event lands. A stand-in, because two real processes cannot
 * be made to interleave at exactly that point.
 */
function withRivalWriter(store: EventStore, streamId: string, times: number): EventStore {
  let remaining = times;
  const rivalAfterReading = async (ids: readonly string[]): Promise<void> => {
    if (ids.includes(streamId) && remaining > 0) {
      remaining -= 1;
      await store.append(streamId, [newEvent('RivalWrote')], 'any');
    }
  };
  const readStream: EventStore['readStream'] = async (id, options) => {
    const events = await store.readStream(id, options);
    await rivalAfterReading([id]);
    return events;
  };
  // Where the store reads several streams at once, the rival writes after that read just the same.
  const readStreams: EventStore['readStreams'] = async (ids, options) => {
    const streams = await store.readStreams!(ids, options);
    await rivalAfterReading(ids);
    return streams;
  };
  return new Proxy(store, {
    get: (target, prop) => {
      if (prop === 'readStream') return readStream;
      if (prop === 'readStreams' && target.readStreams !== undefined) return readStreams;
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const items = (stream: readonly StoredEvent[]): unknown[] => stream.filter((e) => e.type === 'ItemAdded').map((e) => e.data['item']);

export function handleCommandContract(current: CurrentStore): void {
  describe('handleCommand', () => {
    it('runs distinct commands on one stream in parallel and loses none', async () => {
      const streamId = uniqueStreamId('creditYear');
      const names = [...Array(12).keys()].map((i) => `item-${i}`);
      const outcomes = await Promise.all(names.map((n) => handleCommand(current(), addItem(streamId, n))));
      expect(outcomes.every((o) => o.events.length === 1)).toBe(true);
      const stream = await current().readStream(streamId);
      expect(items(stream).sort()).toEqual([...names].sort());
      expect(stream.map((e) => e.revision)).toEqual([...Array(12).keys()]);
    });

    it('commands racing from separate processes (separate locks) all land through retries', async () => {
      const streamId = uniqueStreamId('creditYear');
      const names = ['a', 'b', 'c', 'd'];
      await Promise.all(names.map((n) => handleCommand(current(), addItem(streamId, n), { locks: new KeyedMutex(), maxAttempts: 5 })));
      expect(items(await current().readStream(streamId)).sort()).toEqual(names);
    });

    it('a decider that returns no events appends nothing and still answers', async () => {
      const streamId = uniqueStreamId('creditYear');
      await handleCommand(current(), addItem(streamId, 'x'));
      const head = await current().headPosition();
      const repeat = await handleCommand(current(), addItem(streamId, 'x'));
      expect(repeat.events).toEqual([]);
      expect(repeat.result).toEqual({ item: 'x' });
      expect(repeat.stream).toEqual(await current().readStream(streamId));
      expect(await current().headPosition()).toBe(head);
    });

    it('stamps every event of one command with its metadata and the decision’s rule set', async () => {
      const streamId = uniqueStreamId('creditYear');
      const metadata = { ...testMetadata(), causationId: 'cmd-9' };
      const { ruleSetId: _ignored, ...commandMetadata } = metadata;
      const outcome = await handleCommand(current(), {
        streamId,
        metadata: commandMetadata,
        decide: () => ({ events: [{ type: 'A', data: {} }, { type: 'B', data: { n: 1 } }], ruleSetId: 'jx-2024' }),
      });
      expect(outcome.events.map((e) => e.metadata)).toEqual([
        { ...commandMetadata, ruleSetId: 'jx-2024' },
        { ...commandMetadata, ruleSetId: 'jx-2024' },
      ]);
      expect(outcome.stream).toEqual(await current().readStream(streamId));
    });

    it('lets a domain error from decide through unchanged and writes nothing', async () => {
      const streamId = uniqueStreamId('creditYear');
      const refusal = new Error('YEAR_FINALIZED');
      const spec = { ...addItem(streamId, 'x'), decide: (): never => { throw refusal; } };
      await expect(handleCommand(current(), spec)).rejects.toBe(refusal);
      expect(await current().streamRevision(streamId)).toBe(-1);
    });

    it('re-reads and re-decides when another writer got in first', async () => {
      const streamId = uniqueStreamId('creditYear');
      const spec = addItem(streamId, 'mine');
      const outcome = await handleCommand(withRivalWriter(current(), streamId, 2), spec, { locks: new KeyedMutex() });
      expect(spec.seen).toHaveLength(3);
      expect(spec.seen[2]!.stream.map((e) => e.type)).toEqual(['RivalWrote', 'RivalWrote']);
      expect(outcome.events.map((e) => e.revision)).toEqual([2]);
    });

    it('with a clock, every try decides at the time it is made and records its events at that time', async () => {
      const streamId = uniqueStreamId('creditYear');
      const { seen, decide } = addItem(streamId, 'mine');
      const timeless = { actor: { id: 'user-1', role: 'professional' }, correlationId: 'corr-mine', causationId: null };
      const times = ['2030-01-01T00:00:01.000Z', '2030-01-01T00:00:02.000Z', '2030-01-01T00:00:03.000Z', '2030-01-01T00:00:04.000Z'];
      let reads = 0;
      const spec: CommandSpec<{ item: string }> = { streamId, metadata: timeless, now: () => times[reads++]!, decide };
      // A store whose cached reads may lag first tries on them; a rival then makes one more try.
      const rivals = 1 + (current().cachedReadsMayLag === true ? 1 : 0);
      const outcome = await handleCommand(withRivalWriter(current(), streamId, rivals), spec, { locks: new KeyedMutex() });
      expect(seen.map((c) => c.at)).toEqual(times.slice(0, rivals + 1));
      expect(outcome.events.map((e) => e.metadata.at)).toEqual([times[rivals]]);
    });

    it('a read between commands (asOf) waits for a command that stamped its events\u2019 time but has not committed them: the answer for that instant never changes afterwards', async () => {
      const streamId = uniqueStreamId('creditYear');
      const store = current();
      await store.append(streamId, [newEvent('Before')], -1);
      const stampedAt = '2030-01-01T00:00:05.000Z';
      let appendCalled!: () => void;
      const appending = new Promise<void>((resolve) => (appendCalled = resolve));
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      // The command's append waits (a slow round trip) once called: its events are stamped by then.
      const slow = new Proxy(store, {
        get: (target, prop) => {
          if (prop === 'append') {
            return async (...args: Parameters<EventStore['append']>) => {
              appendCalled();
              await committing;
              return target.append(...args);
            };
          }
          const value: unknown = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const { decide } = addItem(streamId, 'late');
      const timeless = { actor: { id: 'user-1', role: 'professional' }, correlationId: 'corr-late', causationId: null };
      const command = handleCommand(slow, { streamId, metadata: timeless, now: () => stampedAt, decide });
      await appending;
      let answered = false;
      const asOf = readBetweenCommands(store, streamId, () => store.readStream(streamId, { toTime: stampedAt })).finally(() => (answered = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(false);
      commit();
      await command;
      expect((await asOf).map((e) => e.type)).toEqual(['Before', 'ItemAdded']);
    });

    it('gives up with CONCURRENCY_CONFLICT after maxAttempts, having written nothing of its own', async () => {
      const streamId = uniqueStreamId('creditYear');
      const spec = addItem(streamId, 'mine');
      // A store whose cached reads may lag first tries on them, and that try is no attempt.
      const tries = 3 + (current().cachedReadsMayLag === true ? 1 : 0);
      const attempt = handleCommand(withRivalWriter(current(), streamId, tries), spec, { maxAttempts: 3, locks: new KeyedMutex() });
      await expect(attempt).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(attempt).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId });
      expect(spec.seen).toHaveLength(tries);
      expect(items(await current().readStream(streamId))).toEqual([]);
    });

    it('reads related streams and refuses to append when one of them moved', async () => {
      const [main, related] = [uniqueStreamId('creditYear'), uniqueStreamId('creditYear')];
      await current().append(related, [newEvent('Before')], -1);
      const spec = addItem(main, 'x', [related]);
      const outcome = await handleCommand(withRivalWriter(current(), related, 1), spec, { locks: new KeyedMutex() });
      expect(spec.seen).toHaveLength(2);
      expect(spec.seen[0]!.related.get(related)!.map((e) => e.type)).toEqual(['Before']);
      expect(spec.seen[1]!.related.get(related)!.map((e) => e.type)).toEqual(['Before', 'RivalWrote']);
      expect(outcome.events).toHaveLength(1);
      expect(await current().streamRevision(main)).toBe(0);
    });

    it('reads watched streams without serialising on them', async () => {
      const [main, watched] = [uniqueStreamId('creditYear'), uniqueStreamId('unit')];
      await current().append(watched, [newEvent('UnitPut')], -1);
      const locks = new KeyedMutex();
      let release = (): void => undefined;
      // Another command holds the watched stream's turn in this process for as long as the test likes.
      const holding = locks.runExclusive([watched], () => new Promise<void>((resolve) => (release = resolve)));
      const spec = { ...addItem(main, 'x'), watchedStreams: [watched] };
      const outcome = await handleCommand(current(), spec, { locks });
      release();
      await holding;
      expect(spec.seen[spec.seen.length - 1]!.related.get(watched)!.map((e) => e.type)).toEqual(['UnitPut']);
      expect(outcome.events).toHaveLength(1);
    });

    it('a decision on a cached read of a watched stream is appended only if that stream is still as read', async () => {
      const [main, watched] = [uniqueStreamId('creditYear'), uniqueStreamId('unit')];
      await current().append(watched, [newEvent('UnitPut')], -1);
      await current().readStream(watched); // now cached, where the store caches
      const spec = { ...addItem(main, 'x'), watchedStreams: [watched] };
      const outcome = await handleCommand(withRivalWriter(current(), watched, 1), spec, { locks: new KeyedMutex() });
      if (current().cachedReadsMayLag === true) {
        // The try on the cached read met the rival's event at the append, and the next read afresh.
        expect(spec.seen.map((c) => c.related.get(watched)!.length)).toEqual([1, 2]);
      } else {
        // Read afresh, a watched stream is not guarded: what was read then decides.
        expect(spec.seen.map((c) => c.related.get(watched)!.length)).toEqual([1]);
      }
      expect(outcome.events).toHaveLength(1);
      expect(await current().streamRevision(main)).toBe(0);
    });
  });
}
