import type { AppendResult, StoredEvent } from '../event-store.port';
import { Collector, expectStrictlyIncreasing, newEvent, positionsOf, uniqueStreamId } from '../testing';
import { storeNames } from './postgres-schema';
import { TestDatabase, eventually } from './postgres-test-database';

const db = new TestDatabase();
beforeAll(() => db.setUp());
afterAll(() => db.tearDown());
afterEach(() => db.closeStores());

/** Pages through readAll from `from` to the end. */
async function readToEnd(read: (from: number, limit: number) => Promise<StoredEvent[]>, from: number): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (let page = await read(from, 500); page.length > 0; page = await read(all[all.length - 1]!.position, 500)) all.push(...page);
  return all;
}

describe('PostgresEventStore global order', () => {
  /** A session-level advisory lock the test holds to stop an append half-way through its insert. */
  const HOLD_KEY = 7_340_033n;

  it('an append never becomes visible ahead of an earlier position that is still committing', async () => {
    const [first, second] = [await db.open(), await db.open()];
    const events = db.table('events');
    // Stops any append of a 'Held' event inside its INSERT, after it drew its position, until the
    // test lets go: the one moment where a plain sequence would let a later position commit first.
    await db.sql(`CREATE FUNCTION ${db.schema}.hold_append() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(${HOLD_KEY}); RETURN NULL; END $$`);
    await db.sql(`CREATE TRIGGER hold_append AFTER INSERT ON ${events} FOR EACH ROW
      WHEN (NEW.type = 'Held') EXECUTE FUNCTION ${db.schema}.hold_append()`);
    await db.sql('SELECT pg_advisory_lock($1)', [HOLD_KEY.toString()]);
    let released = false;
    try {
      const head = await first.headPosition();
      const held = first.append(uniqueStreamId('a'), [newEvent('Held')], -1);
      held.catch(() => undefined); // awaited below; keeps an early failure from going unhandled
      await eventually(async () => (await db.waitersFor(HOLD_KEY)) === 1, 'the first append to stop inside its insert');

      let nextSettled = false;
      const next = second.append(uniqueStreamId('b'), [newEvent('Next')], -1);
      next.then(() => (nextSettled = true), () => (nextSettled = true));
      // Either the second append commits (the bug) or it queues behind the first for the append lock.
      const appendLock = storeNames(db.schema).appendLockKey;
      await eventually(async () => nextSettled || (await db.waitersFor(appendLock)) === 1, 'the second append to commit or queue');

      expect(nextSettled).toBe(false);
      expect(await second.readAll(head, 10)).toEqual([]);
      await db.sql('SELECT pg_advisory_unlock($1)', [HOLD_KEY.toString()]);
      released = true;
      const [a, b] = [await held, await next];
      expect(a.position).toBeLessThan(b.position);
      expect((await second.readAll(head, 10)).map((e) => e.type)).toEqual(['Held', 'Next']);
    } finally {
      if (!released) await db.sql('SELECT pg_advisory_unlock($1)', [HOLD_KEY.toString()]);
      await db.sql(`DROP TRIGGER hold_append ON ${events}`);
    }
  });

  it('many concurrent appenders on different streams: a live subscription gets every event once, in position order', async () => {
    const reader = await db.open({ pollIntervalMs: 20 });
    const writers = await Promise.all([1, 2, 3, 4].map(() => db.open({ pool: { max: 6 } })));
    const head = await reader.headPosition();
    const seen = new Collector();
    let reached: { position: number; resolve: () => void } | undefined;
    const subscription = reader.subscribeToAll({
      fromPosition: head,
      pageSize: 16,
      handle: async (page) => {
        await seen.handle(page);
        if (reached && page[page.length - 1]!.position >= reached.position) reached.resolve();
      },
    });
    /** Resolves once the subscription delivered `position`, or passed it having skipped it. */
    const delivered = (position: number): Promise<void> =>
      seen.events.some((e) => e.position >= position) ? Promise.resolve() : new Promise((resolve) => (reached = { position, resolve }));
    try {
      // 24 appenders (6 per writer process), 12 appends each of 1 to 3 events, all at once.
      const appenders = writers.flatMap((writer) =>
        [...Array(6).keys()].map(async () => {
          const streamId = uniqueStreamId('s');
          const results: AppendResult[] = [];
          for (let i = 0; i < 12; i += 1) {
            const batch = [...Array((i % 3) + 1).keys()].map((n) => newEvent(`E${i}.${n}`));
            results.push(await writer.append(streamId, batch, results.length === 0 ? -1 : results[results.length - 1]!.revision));
          }
          return results.flatMap((r) => r.events);
        }),
      );
      const appended = (await Promise.all(appenders)).flat();
      expect(appended).toHaveLength(24 * 12 * 2);
      // Waiting for the last position, not for a count: a subscription that skipped fails below.
      await delivered(Math.max(...positionsOf(appended)));

      expectStrictlyIncreasing(positionsOf(seen.events));
      const ids = seen.events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length); // nothing twice
      expect([...ids].sort()).toEqual(appended.map((e) => e.id).sort()); // nothing skipped, nothing foreign
      expect(seen.events).toEqual(await readToEnd((from, limit) => reader.readAll(from, limit), head));
    } finally {
      await subscription.close();
    }
  }, 30_000);
});
