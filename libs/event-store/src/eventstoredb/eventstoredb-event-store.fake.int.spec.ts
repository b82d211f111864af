/**
 * The shared contract through the EventStoreDB adapter on an in-memory FAKE of the client
 * (testing/in-memory-esdb-client.ts), because no EventStoreDB server can run here. It checks the
 * adapter's own logic; the real server is checked by eventstoredb-event-store.int.spec.ts.
 */
import { EventStoreClosedError, WrongExpectedRevisionError, type NewEvent } from '../event-store.port';
import { describeEventStoreContract } from '../testing';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { EsdbReads } from './eventstoredb-reads';
import { InMemoryEsdbClient } from './testing/in-memory-esdb-client';
import { itAnswersTheSameAppendAgainAsTheServer } from './testing/repeated-append';

const meta = { actor: { id: 'x', role: 'unit' }, correlationId: 'c', causationId: null, ruleSetId: 'r', at: '2024-01-01T00:00:00.000Z' };
const events = (n: number): NewEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'T', data: { n: i }, metadata: meta }));

describeEventStoreContract('eventstoredb adapter on a client fake', async () => {
  const store = new EventStoreDbEventStore(new InMemoryEsdbClient().asClient(), { namespace: 'contract', pollIntervalMs: 20 });
  return { store, cleanup: () => store.close() };
});

describe('the client fake, as the server', () => {
  itAnswersTheSameAppendAgainAsTheServer(() => ({ client: new InMemoryEsdbClient().asClient(), streamName: 'again', close: async () => undefined }));
});

describe('namespaces on one server', () => {
  it('two stores see only their own streams, positions and heads', async () => {
    const client = new InMemoryEsdbClient().asClient();
    const a = new EventStoreDbEventStore(client, { namespace: 'a' });
    const b = new EventStoreDbEventStore(client, { namespace: 'b' });
    await a.append('s-1', [{ type: 'T', data: { n: 1 }, metadata: meta }], -1);
    await b.append('s-1', [{ type: 'T', data: { n: 2 }, metadata: meta }], -1);
    expect((await a.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }]);
    expect(await a.listStreams('')).toEqual(['s-1']);
    expect((await b.readAll(0, 10)).map((e) => e.data)).toEqual([{ n: 2 }]);
    expect(await a.headPosition()).toBeLessThan(await b.headPosition());
  });

  it('takes letters and digits only: with `_`, namespace a_ (prefix a___) would have shown its streams to namespace a (prefix a__)', () => {
    const client = new InMemoryEsdbClient().asClient();
    for (const namespace of ['a_', '_', 'a-b', '', 'x'.repeat(65)]) expect(() => new EventStoreDbEventStore(client, { namespace })).toThrow(RangeError);
  });
});


describe('a stream another writer wrote to', () => {
  it('is refused, naming the stream and the revision, rather than taken as empty (every append then failed as a conflict with no end), or read without that record', async () => {
    const fake = new InMemoryEsdbClient();
    const store = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r' });
    await store.append('s-1', events(1), -1);
    await fake.appendToStream('r__s-1', [{ id: 'f1', type: 'SomethingElse', data: { x: 1 } }]);
    const refusal = /stream s-1: its last event \(revision 1\) was not written by this store/;
    await expect(store.streamRevision('s-1')).rejects.toThrow(refusal);
    await expect(store.append('s-1', events(1), 1)).rejects.toThrow(refusal);
    await expect(store.readStream('s-1')).rejects.toThrow(/stream s-1: its event \(revision 1\) was not written by this store/);
    // As it stood before that record, the stream is still read.
    expect((await store.readStream('s-1', { toRevision: 0 })).map((e) => e.revision)).toEqual([0]);
    await store.close();
  });
});

describe('reads on the real client’s terms (a read stays open until read to its end or cancelled; dispose() waits for it)', () => {
  it('leaves no read open, whatever stops it early: a bound, a page limit, the first event found', async () => {
    const fake = new InMemoryEsdbClient();
    const store = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r' });
    await store.append('s-1', events(8), -1);
    await store.append('s-2', events(3), -1);
    const second = (await store.readAll(0, 100))[1]!.position;
    await store.readStream('s-1', { toRevision: 2 });
    await store.readStream('s-1', { toTime: '2023-12-31T00:00:00.000Z' });
    await store.readAll(0, 2);
    await store.readAll(second, 1);
    await store.readAll(second + 1, 1); // not a record's position: found by a scan
    await store.streamRevision('s-1');
    await store.headPosition();
    await store.ping();
    await store.listStreams('s-');
    expect(fake.openReadCount).toBe(0);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('a read cut short by close refuses (EventStoreClosedError) instead of answering part of the stream', async () => {
    const store = new EventStoreDbEventStore(new InMemoryEsdbClient().asClient(), { namespace: 'r' });
    await store.append('long', events(200), -1);
    const reading = store.readStream('long');
    await store.close();
    await expect(reading).rejects.toThrow(EventStoreClosedError);
  });

  it('reads pages of $all beyond one read (512 records), in order, each event once', async () => {
    const store = new EventStoreDbEventStore(new InMemoryEsdbClient().asClient(), { namespace: 'r' });
    for (let i = 0; i < 6; i++) await store.append(`s-${i}`, events(100), -1); // with the fake's system records: 607 records, two reads
    const all = await store.readAll(0, 1000);
    expect(all).toHaveLength(600);
    expect(all.map((e) => `${e.streamId}/${e.revision}`)).toEqual(Array.from({ length: 600 }, (_, i) => `s-${Math.floor(i / 100)}/${i % 100}`));
    expect(await store.readAll(all[549]!.position, 1000)).toEqual(all.slice(550));
    expect(await store.headPosition()).toBe(all[599]!.position);
    await store.close();
  });

  it('a position between records near the end is found walking back from the end, not by reading the whole log (an institution flag reads after head − 1)', async () => {
    const fake = new InMemoryEsdbClient();
    const store = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r' });
    for (let i = 0; i < 30; i++) await store.append(`s-${i}`, events(100), -1); // 3,030 records with the fake's system ones
    const all = await store.readAll(0, 5000);
    const head = await store.headPosition();
    const before = fake.allRecordsServed;
    expect(await store.readAll(head - 1, 1)).toEqual([all[2999]]);
    // A read back from the end and one on from the record found (512 records each at most), not the 3,030 from the start.
    expect(fake.allRecordsServed - before).toBeLessThan(1100);
    // Far from the end, it reads on from the start; either way each event once and in order.
    expect(await store.readAll(all[10]!.position + 1, 5000)).toEqual(all.slice(11));
    expect(await store.readAll(all[2980]!.position + 1, 5000)).toEqual(all.slice(2981));
    expect(fake.openReadCount).toBe(0);
    await store.close();
  });

  it('finds its head behind more than a read of other writers\u2019 records (backwards, page by page)', async () => {
    const client = new InMemoryEsdbClient().asClient();
    const ours = new EventStoreDbEventStore(client, { namespace: 'a' });
    const theirs = new EventStoreDbEventStore(client, { namespace: 'b' });
    const [last] = (await ours.append('s-1', events(1), -1)).events;
    for (let i = 0; i < 4; i++) await theirs.append(`s-${i}`, events(200), -1); // 800 of theirs (and system records) after ours
    expect(await ours.headPosition()).toBe(last!.position);
    await ours.close();
  });
});

describe('a server that stops answering', () => {
  it('a read it does not finish in time is cancelled and refused as a deadline exceeded (503), a ping within 5 s at most; the store answers again once it does', async () => {
    const fake = new InMemoryEsdbClient();
    const store = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r', readTimeoutMs: 50 });
    await store.append('s-1', events(1), -1);
    fake.stalled = true;
    await expect(store.readStream('s-1')).rejects.toMatchObject({ name: 'EsdbDeadlineError', type: 'deadline-exceeded' });
    await expect(store.ping()).rejects.toMatchObject({ type: 'deadline-exceeded' });
    expect(fake.openReadCount).toBe(0);
    fake.stalled = false;
    await store.ping();
    expect((await store.readStream('s-1')).map((e) => e.revision)).toEqual([0]);
    await store.close();
  });
});

describe('a server that stops answering, further', () => {
  it('a read waiting for a cluster discovery longer than its deadline is refused at the deadline; the discovery failing later is nobody’s unhandled error', async () => {
    const fake = new InMemoryEsdbClient();
    const store = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r', readTimeoutMs: 50 });
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      let endDiscovery!: () => void;
      const discovery = new Promise<void>((resolve) => (endDiscovery = resolve));
      fake.discovering = discovery;
      // Refused while the discovery is still under way: at the deadline, not at the discovery's end.
      await expect(store.ping()).rejects.toMatchObject({ name: 'EsdbDeadlineError', type: 'deadline-exceeded' });
      // The discovery fails now; Node then has its turns to report a rejection nobody handled.
      endDiscovery();
      await discovery;
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
    fake.discovering = undefined;
    await store.close();
  });

  it('an append never answered is refused as a deadline exceeded (503), and close() does not wait for it beyond that', async () => {
    const fake = new InMemoryEsdbClient();
    const store = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r', appendTimeoutMs: 50 });
    await store.append('s-1', events(1), -1);
    fake.appendsUnanswered = true;
    const appending = store.append('s-1', events(1), 0);
    const closing = store.close();
    await expect(appending).rejects.toMatchObject({ type: 'deadline-exceeded' });
    await expect(closing).resolves.toBeUndefined();
  });
});

describe('consume(): reading a call to its end within its deadline', () => {
  /** A stand-in for the client's streaming read: one item, then its end only after `endAfterMs`. */
  const slowToEnd = (endAfterMs: number) => {
    let cancelled = false;
    return {
      cancel: async () => {
        cancelled = true;
      },
      async *[Symbol.asyncIterator]() {
        yield { n: 1 };
        await new Promise((resolve) => setTimeout(resolve, endAfterMs));
        if (!cancelled) yield { n: 2 };
      },
    };
  };

  it('a failure of the visit is reported even when the rest of the call is slow to end', async () => {
    const reads = new EsdbReads(new InMemoryEsdbClient().asClient(), '', () => false, 50);
    const refusal = new Error('not a stored event');
    await expect(reads.consume(slowToEnd(200) as never, () => {
      throw refusal;
    })).rejects.toBe(refusal);
  });

  it('an answer complete before its deadline stands, however slow the rest of the call is to end', async () => {
    const reads = new EsdbReads(new InMemoryEsdbClient().asClient(), '', () => false, 50);
    const seen: unknown[] = [];
    await expect(reads.consume(slowToEnd(200) as never, (item) => (seen.push(item), false))).resolves.toBeUndefined();
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('an answer not complete by its deadline is refused as a deadline exceeded', async () => {
    const reads = new EsdbReads(new InMemoryEsdbClient().asClient(), '', () => false, 50);
    await expect(reads.consume(slowToEnd(200) as never, () => true)).rejects.toMatchObject({ type: 'deadline-exceeded' });
  });
});

describe('close() and appends in flight', () => {
  it('an append the server answers while close() waits is answered as committed, its events read back, not cut off', async () => {
    const fake = new InMemoryEsdbClient();
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const slow = Object.assign(Object.create(fake) as InMemoryEsdbClient, {
      appendToStream: async (...args: Parameters<InMemoryEsdbClient['appendToStream']>) => {
        await answered; // the server answers once close() has begun, well within the append's deadline
        return fake.appendToStream(...args);
      },
    });
    const store = new EventStoreDbEventStore(slow.asClient(), { namespace: 'r', appendTimeoutMs: 10_000 });
    const appending = store.append('s-1', events(1), -1);
    const closing = store.close();
    answer();
    await expect(appending).resolves.toMatchObject({ revision: 0 });
    await closing;
  });

  it('close() ends even when the server is silent: each step of an append has its deadline, its read-back included', async () => {
    const fake = new InMemoryEsdbClient();
    const silent = Object.assign(Object.create(fake) as InMemoryEsdbClient, {
      appendToStream: () => {
        fake.stalled = true; // from now on nothing answers, reads included
        return new Promise<never>(() => undefined);
      },
    });
    const store = new EventStoreDbEventStore(silent.asClient(), { namespace: 'r', appendTimeoutMs: 50, readTimeoutMs: 100 });
    const appending = store.append('s-1', events(1), -1);
    appending.catch(() => undefined);
    await expect(store.close()).resolves.toBeUndefined(); // after ≈ 150 ms (the test's own limit is 5 s)
    await expect(appending).rejects.toMatchObject({ type: 'deadline-exceeded' });
  });
});

describe('appends on EventStoreDB’s terms', () => {
  it('refuses stream names and event types starting with $ (EventStoreDB’s own: written, they would never be read back)', async () => {
    const store = new EventStoreDbEventStore(new InMemoryEsdbClient().asClient(), { namespace: 'r' });
    await expect(store.append('$s-1', events(1), -1)).rejects.toThrow(RangeError);
    await expect(store.append('s-1', [{ ...events(1)[0]!, type: '$T' }], -1)).rejects.toThrow(RangeError);
    expect(await store.headPosition()).toBe(0);
    await store.close();
  });

  it('close() lets an append already asked for commit, and refuses one asked for after it began', async () => {
    const fake = new InMemoryEsdbClient();
    const store = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r' });
    const inFlight = store.append('s-1', events(2), -1);
    const closing = store.close();
    await expect(store.append('s-2', events(1), -1)).rejects.toThrow(EventStoreClosedError);
    await expect(inFlight).resolves.toMatchObject({ revision: 1 });
    await closing;
    const reopened = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r' });
    expect((await reopened.readStream('s-1')).map((e) => e.revision)).toEqual([0, 1]);
    expect(await reopened.streamRevision('s-2')).toBe(-1);
  });

  it('an append whose answer is lost (a deadline) but which committed answers as committed; one that did not commit still fails', async () => {
    const fake = new InMemoryEsdbClient();
    let lose: 'after commit' | 'before commit' | null = null;
    const losing = Object.assign(Object.create(fake) as InMemoryEsdbClient, {
      appendToStream: async (...args: Parameters<InMemoryEsdbClient['appendToStream']>) => {
        const deadline = Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { type: 'deadline-exceeded' });
        if (lose === 'before commit') throw deadline;
        const result = await fake.appendToStream(...args);
        if (lose === 'after commit') throw deadline;
        return result;
      },
    });
    const store = new EventStoreDbEventStore(losing.asClient(), { namespace: 'r' });
    await store.append('s-1', events(1), -1);
    lose = 'after commit';
    await expect(store.append('s-1', events(2), 0)).resolves.toMatchObject({ revision: 2 });
    lose = 'before commit';
    await expect(store.append('s-1', events(1), 2)).rejects.toMatchObject({ type: 'deadline-exceeded' });
    expect((await store.readStream('s-1')).map((e) => e.revision)).toEqual([0, 1, 2]);
    await store.close();
  });

  it('an append the client answers as failed (throwOnAppendFailure=false in the connection string) is a conflict, not a success', async () => {
    const fake = new InMemoryEsdbClient();
    const answering = Object.assign(Object.create(fake) as InMemoryEsdbClient, {
      appendToStream: async (...args: Parameters<InMemoryEsdbClient['appendToStream']>) => {
        try {
          return await fake.appendToStream(...args);
        } catch {
          return { success: false, nextExpectedRevision: 0n, position: undefined };
        }
      },
    });
    const store = new EventStoreDbEventStore(answering.asClient(), { namespace: 'r' });
    await store.append('s-1', events(1), -1);
    // Another writer lands between the adapter's read of the stream's end and its append.
    const racing = new EventStoreDbEventStore(fake.asClient(), { namespace: 'r' });
    const paused = fake.holdNextAppend('r__s-1');
    const appending = store.append('s-1', events(1), 0);
    await paused.reached;
    await racing.append('s-1', events(1), 0);
    paused.release();
    await expect(appending).rejects.toThrow(WrongExpectedRevisionError);
    expect((await racing.readStream('s-1')).map((e) => e.revision)).toEqual([0, 1]);
  });
});

