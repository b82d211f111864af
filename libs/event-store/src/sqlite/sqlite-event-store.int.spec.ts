import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WrongExpectedRevisionError } from '../event-store.port';
import { Collector, describeCachedReadsAcrossInstances, describeEventStoreContract, newEvent } from '../testing';
import { SqliteEventStore, openSqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store.adapter';
import { SCHEMA_VERSION } from './sqlite-schema';

async function tempStore() {
  const dir = await mkdtemp(join(tmpdir(), 'jx-event-store-'));
  const store = openSqliteEventStore({ file: join(dir, 'nested', 'events.db'), pollIntervalMs: 20 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describeEventStoreContract('sqlite', tempStore);

describe('SqliteEventStore on a shared file', () => {
  let dir: string;
  let file: string;
  let opened: SqliteEventStore[] = [];
  /** Opened stores are closed after each test, even one that failed half-way. */
  const open = (options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore => {
    const store = openSqliteEventStore({ file, ...options });
    opened.push(store);
    return store;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jx-event-store-'));
    file = join(dir, 'events.db');
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
    opened = [];
    await rm(dir, { recursive: true, force: true });
  });

  it('close commits the appends already asked for (group commit) instead of dropping them; later ones are refused', async () => {
    const a = open();
    const asked = a.append('s-close', [newEvent('E0')], -1);
    await a.close();
    await expect(asked).resolves.toMatchObject({ revision: 0 });
    await expect(a.append('s-close', [newEvent('E1')], 0)).rejects.toThrow('closed');
    expect((await open().readStream('s-close')).map((e) => e.type)).toEqual(['E0']);
  });

  it('a group commit hit by a full disk answers each append as stored (acknowledged ⇔ written), and the cache does not lie', async () => {
    const store = open();
    await store.append('s-1', [newEvent('A0')], -1);
    expect(await store.readStream('s-3')).toEqual([]); // now cached as absent
    // The connection is the store's own (private): a full disk can only be simulated on it.
    const db = Reflect.get(store, 'db') as Database.Database;
    db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 2}`);
    const asked = [
      { streamId: 's-1', type: 'A1', write: () => store.append('s-1', [newEvent('A1')], 0) },
      { streamId: 's-2', type: 'Big', write: () => store.append('s-2', [newEvent('Big', { blob: 'x'.repeat(200_000) })], -1) },
      { streamId: 's-3', type: 'C0', write: () => store.append('s-3', [newEvent('C0')], -1) },
    ];
    const results = await Promise.allSettled(asked.map((a) => a.write()));
    db.pragma('max_page_count = 1073741823');
    expect(results[1]!.status).toBe('rejected');
    const fresh = open();
    for (const [i, a] of asked.entries()) {
      const acknowledged = results[i]!.status === 'fulfilled';
      expect({ stream: a.streamId, stored: (await fresh.readStream(a.streamId)).some((e) => e.type === a.type) }).toEqual({ stream: a.streamId, stored: acknowledged });
      expect({ stream: a.streamId, cached: (await store.readStream(a.streamId)).some((e) => e.type === a.type) }).toEqual({ stream: a.streamId, cached: acknowledged });
    }
    // And the store goes on.
    await expect(store.append('s-4', [newEvent('D0')], -1)).resolves.toMatchObject({ revision: 0 });
  });

  it('reopens an existing file without touching its schema or events', async () => {
    const first = open();
    await first.append('s-1', [newEvent('E0')], -1);
    await first.close();
    const again = open();
    expect(await again.readStream('s-1')).toHaveLength(1);
    await expect(again.append('s-1', [newEvent('E1')], 0)).resolves.toMatchObject({ revision: 1 });
    await again.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('accepts only the synchronous modes SQLite knows (the value reaches a PRAGMA)', () => {
    const bogus = 'NORMAL; DROP TABLE events' as SqliteEventStoreOptions['synchronous'];
    expect(() => openSqliteEventStore({ file, synchronous: bogus })).toThrow(RangeError);
    expect(() => open({ synchronous: 'FULL' })).not.toThrow();
  });

  it('refuses a file written by a newer schema', async () => {
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteEventStore({ file })).toThrow(/newer/);
  });

  it('a subscription sees appends made by another connection (another process) by polling', async () => {
    const writer = open();
    const reader = open({ pollIntervalMs: 10 });
    const seen = new Collector();
    const subscription = reader.subscribeToAll({ fromPosition: 0, handle: seen.handle });
    await writer.append('s-1', [newEvent('E0')], -1);
    await writer.append('s-2', [newEvent('F0'), newEvent('F1')], -1);
    await seen.until(3);
    await subscription.close();
    expect(seen.events.map((e) => e.type)).toEqual(['E0', 'F0', 'F1']);
  });

  it('a subscription handed its own appends from memory still gets another connection\'s in between, in global order', async () => {
    const a = open({ pollIntervalMs: 10 });
    const b = open();
    const seen = new Collector();
    const subscription = a.subscribeToAll({ fromPosition: 0, handle: seen.handle });
    await a.append('s-1', [newEvent('A0'), newEvent('A1')], -1);
    await seen.until(2);
    await b.append('s-2', [newEvent('B0')], -1);
    await a.append('s-1', [newEvent('A2')], 1);
    await seen.until(4);
    await subscription.close();
    expect(seen.events.map((e) => [e.position, e.type])).toEqual([[1, 'A0'], [2, 'A1'], [3, 'B0'], [4, 'A2']]);
  });

  it('of two connections appending under the same expected revision exactly one wins', async () => {
    const a = open();
    const b = open();
    await a.append('s-1', [newEvent('E0')], -1);
    await a.append('s-1', [newEvent('A1')], 0);
    await expect(b.append('s-1', [newEvent('B1')], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect((await b.readStream('s-1')).map((e) => e.type)).toEqual(['E0', 'A1']);
  });

  describeCachedReadsAcrossInstances(async () => open());

  it('close() ends open subscriptions', async () => {
    const store = open();
    const seen = new Collector();
    store.subscribeToAll({ fromPosition: 0, handle: seen.handle });
    await store.close();
    expect(seen.events).toEqual([]);
    await expect(store.ping()).rejects.toThrow();
  });
});

describe('SqliteEventStore in one process', () => {
  it('wakes a subscription on its own appends at once, without waiting for the poll', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jx-event-store-'));
    // A poll an hour away: only the in-process notification can deliver within the test timeout.
    const store = openSqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 3_600_000 });
    try {
      const seen = new Collector();
      store.subscribeToAll({ fromPosition: 0, handle: seen.handle });
      await seen.until(0);
      await store.append('s-1', [newEvent('E0')], -1);
      await seen.until(1);
      await store.append('s-1', [newEvent('E1')], 0);
      await seen.until(2);
      expect(seen.events.map((e) => e.type)).toEqual(['E0', 'E1']);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a subscription catching up lets the event loop run between full pages (requests are not held behind a backlog)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jx-event-store-'));
    const store = openSqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 3_600_000 });
    try {
      await store.append('s-1', [newEvent('E0'), newEvent('E1'), newEvent('E2'), newEvent('E3'), newEvent('E4')], -1);
      const order: string[] = [];
      const seen = new Collector();
      // Other work already waiting for the loop, as a request would be, when the catch-up starts.
      setImmediate(() => order.push('other work'));
      store.subscribeToAll({ fromPosition: 0, pageSize: 2, handle: async (page) => (order.push(`page of ${page.length}`), seen.handle(page)) });
      await seen.until(5);
      expect(order).toEqual(['page of 2', 'other work', 'page of 2', 'page of 1']);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
