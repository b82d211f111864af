import type { StoredEvent } from './event-store.port';
import { MAX_REVISION, RecentStreams } from './recent-streams';

const events = (n: number) => Array.from({ length: n }, (_, revision) => ({ revision }) as StoredEvent);

/** Reads a stream through the cache, counting the reads that reached the rows. */
function reader(cache: RecentStreams, rows: Record<string, number>) {
  let queries = 0;
  const read = (streamId: string) =>
    cache.read(streamId, MAX_REVISION, { dataVersion: () => 1, allowCached: false }, (after) => {
      queries += 1;
      return events(rows[streamId] ?? 0).slice(after + 1);
    });
  return { read, queries: () => queries };
}

describe('RecentStreams: a cache bounded by the events it holds', () => {
  it('keeps many absent or short streams where a few long ones would fill it', () => {
    const cache = new RecentStreams(100);
    const rows: Record<string, number> = { busy: 10 };
    const { read, queries } = reader(cache, rows);
    read('busy');
    for (let y = 0; y < 50; y++) read(`empty-${y}`); // 50 absent streams weigh 50
    expect(cache.weight).toBe(11 + 50);
    const before = queries();
    read('busy');
    for (let y = 0; y < 50; y++) read(`empty-${y}`);
    expect(queries()).toBe(before); // every one answered from the cache
  });

  it('drops the least recently read streams once the events held pass the capacity', () => {
    const cache = new RecentStreams(30);
    const { read, queries } = reader(cache, { a: 9, b: 9, c: 9 });
    read('a');
    read('b');
    read('c'); // 10 + 10 + 10 = 30: all kept
    read('a'); // a is now the most recent
    const before = queries();
    read('d'); // weighs 1: b, the least recently read, goes
    expect(cache.weight).toBe(21);
    read('a');
    read('c');
    expect(queries()).toBe(before + 1);
    read('b');
    expect(queries()).toBe(before + 2);
  });

  it('keeps a stream longer than the whole capacity until another is read, and counts what it forgets', () => {
    const cache = new RecentStreams(5);
    const { read } = reader(cache, { long: 20 });
    expect(read('long')).toHaveLength(20);
    expect(cache.weight).toBe(21);
    read('other');
    expect(cache.weight).toBe(1);
    cache.forget('other');
    cache.forget('never-read');
    expect(cache.weight).toBe(0);
  });

  it('an append extends a cached stream and its weight; one that does not continue it drops the entry', () => {
    const cache = new RecentStreams(100);
    const { read } = reader(cache, { s: 3 });
    read('s');
    cache.extend('s', events(5).slice(3));
    expect(cache.weight).toBe(6);
    cache.extend('s', events(9).slice(7)); // revisions 7–8 after 0–4: a gap
    expect(cache.weight).toBe(0);
  });

  it('a revision below 0 on a stream not cached answers nothing and keeps nothing', () => {
    const cache = new RecentStreams(3);
    const answer = cache.read('x', -1, { dataVersion: () => 1, allowCached: false }, () => []);
    expect(answer).toEqual([]);
    expect(cache.weight).toBe(0);
    const { read } = reader(cache, { a: 2, b: 5 });
    read('a');
    read('b'); // over the capacity: a goes, b stays alone
    expect(cache.weight).toBe(6);
  });

  it('a revision below 0 answers nothing, also of a cached stream (never a slice from its end)', () => {
    const cache = new RecentStreams(100);
    const { read } = reader(cache, { s: 5 });
    expect(read('s')).toHaveLength(5);
    for (const toRevision of [-1, -2, -5]) {
      expect(cache.read('s', toRevision, { dataVersion: () => 1, allowCached: true }, () => events(5))).toEqual([]);
    }
  });

  it('a read whose rows arrive after an append of this process extended the entry does not set the entry back', () => {
    const cache = new RecentStreams(100);
    const { read } = reader(cache, { s: 1 });
    read('s');
    // A read planned now (nothing after revision 0 yet), answered only after the process appended revision 1.
    const pending = cache.plan('s', MAX_REVISION, { dataVersion: () => 2, allowCached: false });
    if ('answer' in pending) throw new Error('expected a read of the rows');
    cache.extend('s', events(2).slice(1));
    expect(cache.settle(pending, [])).toHaveLength(1); // the read, as it stood when made
    // The entry still holds the append: a read allowed to lag is not sent back before it.
    const cached = cache.plan('s', MAX_REVISION, { dataVersion: () => 3, allowCached: true });
    expect('answer' in cached && cached.answer.map((e) => e.revision)).toEqual([0, 1]);
  });
});
