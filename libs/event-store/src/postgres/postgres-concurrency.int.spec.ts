import { EventStoreClosedError, WrongExpectedRevisionError, type AppendResult, type EventStore, type StoredEvent } from '../event-store.port';
import { handleCommand, readBetweenCommands, type CommandSpec } from '../handle-command';
import { verifyChain } from '../hash-chain';
import { KeyedMutex } from '../keyed-mutex';
import { deferred, newEvent, uniqueStreamId } from '../testing';
import { TestDatabase, eventually } from './postgres-test-database';

const db = new TestDatabase();
beforeAll(() => db.setUp());
afterAll(() => db.tearDown());
afterEach(() => db.closeStores());

/** Records an item once; a repeat decides nothing. */
function addItem(streamId: string, item: string): CommandSpec<void> {
  return {
    streamId,
    metadata: { actor: { id: 'user-1', role: 'professional' }, correlationId: `corr-${item}`, causationId: null, at: '2024-05-06T08:00:00.000Z' },
    decide: ({ stream }) => ({
      events: stream.some((e) => e.data['item'] === item) ? [] : [{ type: 'ItemAdded', data: { item } }],
      ruleSetId: 'rules-1',
    }),
  };
}

/** Lets `parties` callers through only once all of them have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  const all = deferred();
  return () => {
    arrived += 1;
    if (arrived === parties) all.resolve();
    return all.promise;
  };
}

/**
 * One "process": its own store (pool) and its own command locks. Its first read of `streamId`
 * waits at `meet`, so both processes are sure to decide on the same revision at least once; its
 * appends that lost on revision are counted.
 */
function processView(store: EventStore, streamId: string, meet: () => Promise<void>): { store: EventStore; conflicts: () => number } {
  let first = true;
  let conflicts = 0;
  const view: EventStore = Object.create(store) as EventStore;
  view.readStream = async (id, options) => {
    const events = await store.readStream(id, options);
    if (id === streamId && first) {
      first = false;
      await meet();
    }
    return events;
  };
  view.append = async (...args) => {
    try {
      return await store.append(...args);
    } catch (error: unknown) {
      if (error instanceof WrongExpectedRevisionError) conflicts += 1;
      throw error;
    }
  };
  return { store: view, conflicts: () => conflicts };
}

const items = (stream: readonly StoredEvent[]): unknown[] => stream.map((e) => e.data['item']);

describe('PostgresEventStore under concurrent writers', () => {
  it.each(['read committed', 'repeatable read'])('without turns, two processes running handleCommand on one stream: every distinct command lands, conflicts re-read and re-decide (server default: %s)', async (isolation) => {
    const streamId = uniqueStreamId('creditYear');
    const meet = barrier(2);
    // The connections' default isolation as a server could be configured: appends set their own.
    const pool = { max: 4, options: `-c default_transaction_isolation=${isolation.replace(' ', '\\ ')}` };
    const processes = [await db.open({ pool }), await db.open({ pool })].map((s) => processView(s, streamId, meet));
    const names = (p: string): string[] => [...Array(15).keys()].map((i) => `${p}-${i}`);
    await Promise.all(
      processes.map(({ store }, p) => {
        const locks = new KeyedMutex(); // per process: only the store arbitrates between the two
        // Turns would queue the two instead: the revision alone arbitrates here (as on EventStoreDB).
        return Promise.all(names(`p${p}`).map((n) => handleCommand(store, addItem(streamId, n), { locks, maxAttempts: 30, storeTurns: false })));
      }),
    );
    const stream = await processes[0]!.store.readStream(streamId);
    expect(items(stream).sort()).toEqual([...names('p0'), ...names('p1')].sort());
    expect(stream.map((e) => e.revision)).toEqual([...Array(30).keys()]);
    expect(processes[0]!.conflicts() + processes[1]!.conflicts()).toBeGreaterThanOrEqual(1);
    expect(await verifyChain(processes[1]!.store, { prefixes: [streamId] })).toMatchObject({ ok: true, eventsChecked: 30 });
  });

  it('with turns, commands on one stream from two processes queue: 2 × 60 distinct commands all land on their first attempt (API.md: none is lost)', async () => {
    const streamId = uniqueStreamId('creditYear');
    const processes = [await db.open({ pool: { max: 4 } }), await db.open({ pool: { max: 4 } })];
    const names = (p: string): string[] => [...Array(60).keys()].map((i) => `${p}-${i}`);
    await Promise.all(
      processes.map((store, p) => {
        const locks = new KeyedMutex();
        // One attempt: a single revision conflict would fail the command (CONCURRENCY_CONFLICT).
        return Promise.all(names(`p${p}`).map((n) => handleCommand(store, addItem(streamId, n), { locks, maxAttempts: 1 })));
      }),
    );
    const stream = await processes[0]!.readStream(streamId);
    expect(items(stream).sort()).toEqual([...names('p0'), ...names('p1')].sort());
    expect(await verifyChain(processes[1]!, { prefixes: [streamId] })).toMatchObject({ ok: true, eventsChecked: 120 });
  });

  it('an asOf read in one process waits for a command of another that stamped its events\u2019 time but has not committed them (its turn): the answer for that instant never changes', async () => {
    const streamId = uniqueStreamId('creditYear');
    const [writer, reader] = [await db.open(), await db.open()];
    await writer.append(streamId, [newEvent('Before')], -1);
    const stampedAt = '2030-01-01T00:00:05.000Z';
    const appendCalled = deferred();
    const commit = deferred();
    const slow: EventStore = Object.create(writer) as EventStore;
    slow.append = async (...args) => {
      appendCalled.resolve();
      await commit.promise;
      return writer.append(...args);
    };
    const { decide } = addItem(streamId, 'late');
    const command = handleCommand(slow, { streamId, metadata: { actor: { id: 'user-1', role: 'professional' }, correlationId: 'corr-late', causationId: null }, now: () => stampedAt, decide }, { locks: new KeyedMutex() });
    await appendCalled.promise;
    let answered = false;
    const asOf = readBetweenCommands(reader, streamId, () => reader.readStream(streamId, { toTime: stampedAt }), new KeyedMutex()).finally(() => (answered = true));
    // The reader's turn request reaches the server and waits there: a round trip is not enough to tell.
    await reader.readStream(streamId);
    await reader.readStream(streamId);
    expect(answered).toBe(false);
    commit.resolve();
    await command;
    expect((await asOf).map((e) => e.type)).toEqual(['Before', 'ItemAdded']);
  });

  it('reads waiting for a command’s turn hold none of the request connections: the process’s other reads, and the command they wait for, go on', async () => {
    const streamId = uniqueStreamId('creditYear');
    // One request connection, given up for after 2 s: a wait holding it would fail both below.
    const store = await db.open({ pool: { max: 1, connectionTimeoutMillis: 2000 } });
    await store.append(streamId, [newEvent('Before')], -1);
    const [inside, go] = [deferred(), deferred()];
    const command = store.withStreamsLocked([streamId], async () => {
      inside.resolve();
      await go.promise;
      return store.append(streamId, [newEvent('During')], 0);
    });
    await inside.promise;
    const asOf = readBetweenCommands(store, streamId, () => store.readStream(streamId), new KeyedMutex());
    const waiting = "SELECT 1 FROM pg_stat_activity WHERE wait_event = 'advisory' AND state = 'active' AND query LIKE '%pg_advisory_xact_lock_shared%'";
    await eventually(async () => ((await db.sql(waiting)).rowCount ?? 0) > 0, 'the read to wait for the turn on the server');
    expect(await store.readStream(uniqueStreamId('other'))).toEqual([]);
    go.resolve();
    await command;
    expect((await asOf).map((e) => e.type)).toEqual(['Before', 'During']);
  });

  it('reads waiting for one busy stream share one wait: a read of a stream nobody writes does not wait behind them', async () => {
    const [busy, free] = [uniqueStreamId('creditYear'), uniqueStreamId('creditYear')];
    const holder = await db.open();
    const reader = await db.open();
    const [inside, held] = [deferred(), deferred()];
    const holding = holder.withStreamsLocked([busy], async () => {
      inside.resolve();
      await held.promise;
    });
    await inside.promise;
    try {
      const waiting = [...Array(5).keys()].map(() => readBetweenCommands(reader, busy, () => reader.readStream(busy), new KeyedMutex()));
      // Waits for this stream's turn (its two keys, as pg_locks shows them: unsigned).
      const waitsOnServer = async (): Promise<number> =>
        (
          await db.sql<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND mode = 'ShareLock' AND objsubid = 2 AND classid::bigint = (hashtext($1)::bigint & 4294967295) AND objid::bigint = (hashtext($2)::bigint & 4294967295)",
            [`jx-event-store:turns:${db.schema}`, busy],
          )
        ).rows[0]!.n;
      await eventually(async () => (await waitsOnServer()) > 0, 'the reads to wait for the turn on the server');
      expect(await readBetweenCommands(reader, free, () => reader.readStream(free), new KeyedMutex())).toEqual([]);
      expect(await waitsOnServer()).toBe(1);
      held.resolve();
      expect(await Promise.all(waiting)).toEqual([[], [], [], [], []]);
    } finally {
      held.resolve();
      await holding;
    }
  });

  it("a stream's turn held by another process past the wait answers CONCURRENCY_CONFLICT, and a turn is freed when its work fails", async () => {
    const streamId = uniqueStreamId('creditYear');
    const holder = await db.open();
    const waiter = await db.open({ turns: { waitMs: 300 } });
    const [inside, held] = [deferred(), deferred()];
    const holding = holder.withStreamsLocked([streamId], async () => {
      inside.resolve();
      await held.promise;
      throw new Error('the work failed');
    });
    await inside.promise;
    try {
      await expect(handleCommand(waiter, addItem(streamId, 'late'), { locks: new KeyedMutex() })).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
    } finally {
      held.resolve();
    }
    await expect(holding).rejects.toThrow('the work failed');
    await handleCommand(waiter, addItem(streamId, 'after'), { locks: new KeyedMutex(), maxAttempts: 1 });
    expect(items(await waiter.readStream(streamId))).toEqual(['after']);
  });

  it("a stream's turn is waited for as long as the turn wait says, even beyond the statement bound (DATABASE_QUERY_TIMEOUT_MS): the command then lands", async () => {
    const streamId = uniqueStreamId('creditYear');
    const holder = await db.open();
    const waiter = await db.open({ queryTimeoutMs: 200, turns: { waitMs: 10_000 } });
    const [inside, held] = [deferred(), deferred()];
    const holding = holder.withStreamsLocked([streamId], async () => {
      inside.resolve();
      await held.promise;
    });
    await inside.promise;
    const command = handleCommand(waiter, addItem(streamId, 'waited'), { locks: new KeyedMutex(), maxAttempts: 1 });
    // Held well past the statement bound (and its client margin), then let go.
    const waitingLong = "SELECT 1 FROM pg_stat_activity WHERE wait_event = 'advisory' AND state = 'active' AND now() - query_start > interval '1.5 seconds'";
    await eventually(async () => ((await db.sql(waitingLong)).rowCount ?? 0) > 0, 'the command to wait for the turn past the statement bound');
    held.resolve();
    await holding;
    await command;
    expect(items(await waiter.readStream(streamId))).toEqual(['waited']);
  });

  it("a command's turns on several streams may take the turn wait for each of them (lock_timeout is per stream): the client waits that long too, and the command lands", async () => {
    const [main, related] = [uniqueStreamId('creditYear'), uniqueStreamId('creditYear')];
    // Turns are taken in the order of their keys: the stream whose key comes first is waited for first.
    const { rows } = await db.sql('SELECT hashtext($1) < hashtext($2) AS first', [main, related]);
    const [first, second] = (rows[0] as { first: boolean }).first ? [main, related] : [related, main];
    const waiter = await db.open({ queryTimeoutMs: 200, turns: { waitMs: 3000 } });
    const holders = await Promise.all([db.open(), db.open()]);
    const held = [deferred(), deferred()];
    const inside = [deferred(), deferred()];
    const holding = [first, second].map((streamId, i) =>
      holders[i]!.withStreamsLocked([streamId], async () => {
        inside[i]!.resolve();
        await held[i]!.promise;
      }),
    );
    await Promise.all(inside.map((d) => d.promise));
    const spec = { ...addItem(main, 'both'), relatedStreams: [related] };
    const command = handleCommand(waiter, spec, { locks: new KeyedMutex(), maxAttempts: 1 });
    const turnsWaitedFor = (ms: number) => async () =>
      ((await db.sql(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'advisory' AND state = 'active' AND now() - query_start > interval '${ms} milliseconds'`)).rowCount ?? 0) > 0;
    // Each stream's wait stays under its 3 s; together they pass the client's bound plus one wait (4.2 s).
    await eventually(turnsWaitedFor(2500), 'the first turn to be waited for 2.5 s');
    held[0]!.resolve();
    await eventually(turnsWaitedFor(4500), 'the turns to be waited for 4.5 s in all');
    held[1]!.resolve();
    await Promise.all(holding);
    await command;
    expect(items(await waiter.readStream(main))).toEqual(['both']);
  }, 20_000);

  it('a turn connection the server ends while its work runs does not bring the process down: the work completes, the next command takes a turn again', async () => {
    const streamId = uniqueStreamId('creditYear');
    const store = await db.open();
    const [inside, go] = [deferred(), deferred()];
    const holding = store.withStreamsLocked([streamId], async () => {
      inside.resolve();
      await go.promise;
      return store.append(streamId, [newEvent('E0', { item: 'first' })], -1);
    });
    await inside.promise;
    const [pid] = await db.turnBackends(true);
    expect(pid).toBeDefined();
    // As a restart, a failover or idle_session_timeout would: the session ends under the work.
    await db.sql('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(async () => (await db.turnBackends(true)).length === 0, 'the terminated session to end');
    go.resolve();
    await holding;
    await handleCommand(store, addItem(streamId, 'second'), { locks: new KeyedMutex(), maxAttempts: 1 });
    expect(items(await store.readStream(streamId))).toEqual(['first', 'second']);
  });

  it('close() settles the commands waiting for a turn — on the server, or for a turn connection — with EventStoreClosedError', async () => {
    const streamId = uniqueStreamId('creditYear');
    const holder = await db.open();
    const closing = await db.open({ turns: { connections: 1 } });
    const [inside, held] = [deferred(), deferred()];
    const holding = holder.withStreamsLocked([streamId], async () => {
      inside.resolve();
      await held.promise;
    });
    try {
      await inside.promise;
      const onTheServer = handleCommand(closing, addItem(streamId, 'a'), { locks: new KeyedMutex() });
      await eventually(async () => (await db.turnBackends(false)).length === 1, 'the command to wait for its turn on the server');
      const forAConnection = handleCommand(closing, addItem(uniqueStreamId('other'), 'b'), { locks: new KeyedMutex() });
      await closing.close();
      await expect(onTheServer).rejects.toBeInstanceOf(EventStoreClosedError);
      await expect(forAConnection).rejects.toBeInstanceOf(EventStoreClosedError);
    } finally {
      held.resolve();
      await holding;
    }
    expect(await holder.readStream(streamId)).toEqual([]);
  });

  it("appends with 'any' from two processes at once keep one unbroken chain", async () => {
    const stores = [await db.open({ pool: { max: 5 } }), await db.open({ pool: { max: 5 } })];
    const streamId = uniqueStreamId('s');
    await Promise.all(
      [...Array(40).keys()].map((i) => stores[i % 2]!.append(streamId, [newEvent(`E${i}`, { i })], 'any')),
    );
    const stream = await stores[0]!.readStream(streamId);
    expect(stream.map((e) => e.revision)).toEqual([...Array(40).keys()]);
    expect(new Set(stream.map((e) => e.data['i'])).size).toBe(40);
    expect(await verifyChain(stores[0]!, { prefixes: [streamId] })).toMatchObject({ ok: true, eventsChecked: 40 });
  });

  it('a guard holds until commit: a guarded append never commits after the guarded stream moved', async () => {
    const [guarding, moving] = [await db.open(), await db.open()];
    /** A guarded append racing a move of the stream it guards; the mover starts `lag` round trips later. */
    async function race(lag: number): Promise<'guard-first' | 'refused'> {
      const [main, guarded] = [uniqueStreamId('main'), uniqueStreamId('guarded')];
      await moving.append(guarded, [newEvent('G0')], -1);
      const moveLater = async (): Promise<AppendResult> => {
        for (let k = 0; k < lag; k += 1) await moving.ping();
        return moving.append(guarded, [newEvent('G1')], 0);
      };
      const [withGuard, move] = await Promise.allSettled([
        guarding.append(main, [newEvent('M0')], -1, { guards: [{ streamId: guarded, expectedRevision: 0 }] }),
        moveLater(),
      ]);
      if (move.status === 'rejected') throw move.reason; // nothing stands in the mover's way
      if (withGuard.status === 'rejected') {
        expect(withGuard.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(withGuard.reason).toMatchObject({ streamId: guarded, expected: 0, actual: 1 });
        return 'refused';
      }
      // Both committed: then the guarded append must have come first.
      expect(withGuard.value.position).toBeLessThan(move.value.position);
      return 'guard-first';
    }
    // One race at a time, so neither pool queues behind another race and the lag alone decides the
    // interleaving: lags of 0 to 4 round trips land the move on every step of the guarded append.
    const outcomes = [];
    for (let i = 0; i < 40; i += 1) outcomes.push(await race(i % 5));
    expect(outcomes).toContain('guard-first');
  });
});
