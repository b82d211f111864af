import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEvent } from '../testing/event-fixtures';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite-event-store.adapter';

/**
 * A subscription whose page keeps failing (a projection whose store is away) on the real SQLite
 * store, under Jest's clock: when each attempt comes.
 */
let dir: string;
let store: SqliteEventStore;
beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  dir = mkdtempSync(join(tmpdir(), 'jx-follow-'));
  store = openSqliteEventStore({ file: join(dir, 'events.sqlite'), pollIntervalMs: 100 });
});
afterEach(async () => {
  await store.close();
  jest.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

it('a page failing again and again is retried after the poll interval, then twice as long after each failure up to 1 s (within API.md\'s 2 s once the store is back); a success starts over', async () => {
  await store.append('s-1', [newEvent('E0')], -1);
  const start = Date.now();
  const attempts: number[] = [];
  let failuresLeft = 5;
  let recoveries = 0;
  const subscription = store.subscribeToAll({
    fromPosition: 0,
    onError: () => undefined,
    onRecovered: () => (recoveries += 1),
    handle: async () => {
      attempts.push(Date.now() - start);
      if (failuresLeft-- > 0) throw new Error('read models away');
    },
  });
  try {
    await jest.advanceTimersByTimeAsync(5000);
    expect(attempts).toEqual([0, 100, 300, 700, 1500, 2500]);
    expect(recoveries).toBe(1); // told once, when the page went through
    // Delivered at last: the next failure waits the poll interval again, not 1 s.
    failuresLeft = 1;
    await store.append('s-1', [newEvent('E1')], 0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(attempts.slice(6).map((at) => at - attempts[6]!)).toEqual([0, 100]);
  } finally {
    await subscription.close();
  }
});
