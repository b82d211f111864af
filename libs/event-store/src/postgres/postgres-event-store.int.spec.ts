import type { Pool, PoolClient } from 'pg';
import { WrongExpectedRevisionError } from '../event-store.port';
import { verifyStreamChain } from '../hash-chain';
import { Collector, describeCachedReadsAcrossInstances, describeEventStoreContract, newEvent, uniqueStreamId } from '../testing';
import { openPostgresEventStore } from './postgres-event-store.adapter';
import { SCHEMA_VERSION, storeNames } from './postgres-schema';
import { connectForTests } from '@jx/postgres/testing';
import { DATABASE_URL, TestDatabase, eventually } from './postgres-test-database';

const db = new TestDatabase();
beforeAll(() => db.setUp());
afterAll(() => db.tearDown());

// One schema for the whole file: every contract test opens its own store (pool) on it, which also
// runs the migration again on an existing schema each time.
describeEventStoreContract('postgres', async () => {
  const store = await openPostgresEventStore({ connectionString: DATABASE_URL, schema: db.schema, pollIntervalMs: 20 });
  return { store, cleanup: () => store.close() };
});

describe('PostgresEventStore instances on one schema', () => {
  afterEach(() => db.closeStores());
  describeCachedReadsAcrossInstances(() => db.open());
});

describe('PostgresEventStore schema', () => {
  afterEach(() => db.closeStores());

  it('migrates a new schema once when several processes open it at the same moment', async () => {
    const schema = db.extraSchema();
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => db.open({ schema })));
    const streamId = uniqueStreamId('s');
    await a!.append(streamId, [newEvent('E0')], -1);
    await Promise.all([b, c, d].map(async (s) => expect(await s!.readStream(streamId)).toHaveLength(1)));
    const { rows } = await db.sql(`SELECT version FROM ${db.table('schema_migrations', schema)}`);
    expect(rows).toEqual([...Array(SCHEMA_VERSION).keys()].map((i) => ({ version: i + 1 })));
  });

  it('reopens an existing schema without touching its events', async () => {
    const schema = db.extraSchema();
    const first = await db.open({ schema });
    await first.append('s-1', [newEvent('E0')], -1);
    await first.close();
    const again = await db.open({ schema });
    expect((await again.readStream('s-1')).map((e) => e.type)).toEqual(['E0']);
    await expect(again.append('s-1', [newEvent('E1')], 0)).resolves.toMatchObject({ revision: 1 });
  });

  it('upgrades a version 1 schema (appends in several statements) to append_events, keeping its events and their chain', async () => {
    const schema = db.extraSchema();
    const first = await db.open({ schema });
    await first.append('s-1', [newEvent('E0'), newEvent('E1')], -1);
    await first.close();
    // Back to what version 1 left: no function, one migration recorded.
    await db.sql(`DROP FUNCTION ${schema}.append_events`);
    await db.sql(`DELETE FROM ${db.table('schema_migrations', schema)} WHERE version > 1`);
    const again = await db.open({ schema });
    await expect(again.append('s-1', [newEvent('E2')], 1)).resolves.toMatchObject({ revision: 2 });
    const stream = await again.readStream('s-1');
    expect(stream.map((e) => e.type)).toEqual(['E0', 'E1', 'E2']);
    expect(verifyStreamChain(stream)).toEqual({ ok: true });
    expect((await db.sql(`SELECT max(version) AS v FROM ${db.table('schema_migrations', schema)}`)).rows).toEqual([{ v: SCHEMA_VERSION }]);
  });

  it('append_events runs only under READ COMMITTED: its checks must see what the writers they waited for committed', async () => {
    await db.open();
    await db.sql('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      await expect(
        db.sql(`SELECT * FROM ${db.schema}.append_events('s-rr', -1, $1, ARRAY['s-rr'], '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', 1, 'jx_test')`, ['0'.repeat(64)]),
      ).rejects.toThrow(/only under READ COMMITTED/);
    } finally {
      await db.sql('ROLLBACK');
    }
  });

  it('an expected revision beyond the column’s range is a wrong revision naming where the stream is, for the stream and for a guard', async () => {
    const store = await db.open();
    const [main, guarded] = [uniqueStreamId('s'), uniqueStreamId('g')];
    await store.append(main, [newEvent('E0')], -1);
    await expect(store.append(main, [newEvent('E1')], 2 ** 31)).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: main, expected: 2 ** 31, actual: 0 });
    await expect(store.append(main, [newEvent('E1')], 0, { guards: [{ streamId: guarded, expectedRevision: 2 ** 40 }] })).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: guarded, actual: -1 });
    expect(await store.readStream(main)).toHaveLength(1);
  });

  it('refuses a schema written by newer code, and leaves no pool open', async () => {
    const schema = db.extraSchema();
    await (await db.open({ schema })).close();
    await db.sql(`INSERT INTO ${db.table('schema_migrations', schema)} (version) VALUES ($1)`, [SCHEMA_VERSION + 1]);
    await expect(openPostgresEventStore({ connectionString: DATABASE_URL, schema })).rejects.toThrow(/newer than this code/);
  });

  it('accepts only plain lower-case schema names (the name reaches SQL)', async () => {
    const attempt = openPostgresEventStore({ connectionString: DATABASE_URL, schema: 'x"; DROP TABLE events; --' });
    await expect(attempt).rejects.toThrow(RangeError);
  });

  it('names the database it could not reach', async () => {
    // Port 1 on localhost: refused at once, so this fails fast rather than waiting for a timeout.
    const attempt = openPostgresEventStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test' });
    await expect(attempt).rejects.toThrow(/cannot open the PostgreSQL event store/);
  });
});

describe('PostgresEventStore storage', () => {
  afterEach(() => db.closeStores());

  it('stores data as the exact JSON text that was hashed (json, not jsonb)', async () => {
    const store = await db.open();
    const streamId = uniqueStreamId('s');
    // Key order, number spellings and escapes that jsonb would rewrite or refuse (a lone surrogate,
    // which jsonb refuses too, is refused before: not I-JSON, see jcs.ts).
    const data = { zeta: 1, alpha: { list: [1e21, 0.1, 5e-324, -0, 1.5], text: 'nul \u0000, pair \ud83d\ude00, line \u2028' }, big: 12345678901234567890 };
    await store.append(streamId, [newEvent('E0', data)], -1);
    const { rows } = await db.sql<{ data: string }>(`SELECT data::text AS data FROM ${db.table('events')} WHERE stream_id = $1`, [streamId]);
    expect(rows[0]!.data).toBe(JSON.stringify(data));
    const [event] = await store.readStream(streamId);
    expect(Object.keys(event!.data)).toEqual(['zeta', 'alpha', 'big']);
    expect(event!.data).toEqual(JSON.parse(JSON.stringify(data)));
    expect(verifyStreamChain([event!])).toEqual({ ok: true });
  });

  it('a writer that bypassed the stream lock and took the revision first surfaces as WrongExpectedRevisionError', async () => {
    const store = await db.open();
    const streamId = uniqueStreamId('s');
    await store.append(streamId, [newEvent('E0')], -1);
    // Revision 1 inserted behind the store's back, without moving the stream row.
    await db.sql(
      `INSERT INTO ${db.table('events')} (id, stream_id, revision, type, data, metadata, at, prev_hash, hash)
       VALUES (gen_random_uuid(), $1, 1, 'Foreign', '{}', '{"actor":{"id":"intruder","role":"unit"}}', '2024-05-06T08:00:00.000Z', 'x', 'y')`,
      [streamId],
    );
    const head = await store.headPosition();
    const attempt = store.append(streamId, [newEvent('Mine')], 0);
    await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(attempt).rejects.toMatchObject({ streamId, expected: 0, actual: 1 });
    expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(['E0', 'Foreign']);
    expect(await store.headPosition()).toBe(head);
  });

  it('reads several streams in one statement, each exactly as readStream gives it, an absent one as [] and a repeated id once', async () => {
    const store = await db.open();
    const [a, b, absent] = [uniqueStreamId('a'), uniqueStreamId('b'), uniqueStreamId('absent')];
    await store.append(a, [newEvent('A0'), newEvent('A1')], -1);
    await store.append(b, [newEvent('B0')], -1);
    await store.append(a, [newEvent('A2')], 1);
    const read = await store.readStreams([b, a, absent, a]);
    expect([...read.keys()]).toEqual([b, a, absent]);
    expect(read.get(a)).toEqual(await store.readStream(a));
    expect(read.get(b)).toEqual(await store.readStream(b));
    expect(read.get(absent)).toEqual([]);
    expect(read.get(a)!.map((e) => e.type)).toEqual(['A0', 'A1', 'A2']);
  });

  it('a guard on an absent stream keeps it absent to readers and still lets it be created', async () => {
    const store = await db.open();
    const [main, guarded] = [uniqueStreamId('main'), uniqueStreamId('guarded')];
    await store.append(main, [newEvent('M0')], -1, { guards: [{ streamId: guarded, expectedRevision: -1 }] });
    expect(await store.streamRevision(guarded)).toBe(-1);
    expect(await store.readStream(guarded)).toEqual([]);
    expect(await store.listStreams(guarded)).toEqual([]);
    await expect(store.append(guarded, [newEvent('G0')], -1)).resolves.toMatchObject({ revision: 0 });
    expect(await store.listStreams(guarded)).toEqual([guarded]);
  });
});

/** Holds a stream's row on a connection of its own, so that an append of it waits inside append_events until `release`. */
async function holdStreamRow(stream: string): Promise<{ release: () => Promise<void> }> {
  const blocker = await connectForTests();
  await blocker.query('BEGIN');
  await blocker.query(`SELECT 1 FROM ${db.table('streams')} WHERE stream_id = $1 FOR UPDATE`, [stream]);
  return {
    release: async () => {
      await blocker.query('ROLLBACK');
      await blocker.end();
    },
  };
}

describe('PostgresEventStore when the server ends a connection in use', () => {
  afterEach(() => db.closeStores());

  // Its connection then emits an error after the release; the crash that could cause while a
  // connection is held shows on a cut socket: test/postgres-lost-connection.e2e-spec.ts.
  it('an append whose connection the server ends while it runs (PostgreSQL restarted, crashed, stopped) fails as an outage (57P01), nothing was written, and the next append is taken', async () => {
    const store = await db.open();
    const stream = uniqueStreamId('lost');
    await store.append(stream, [newEvent('T')], -1);
    const held = await holdStreamRow(stream);
    try {
      const appending = store.append(stream, [newEvent('T')], 0);
      appending.catch(() => undefined);
      await eventually(async () => {
        const { rows } = await db.sql<{ ended: boolean }>(
          "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0",
          [`${db.table('streams').replace(/streams$/, '')}append_events(`],
        );
        return rows.some((r) => r.ended);
      }, 'the append waiting for the stream row');
      // 57P01 (terminating connection due to administrator command): a 503 to the caller.
      await expect(appending).rejects.toMatchObject({ code: '57P01' });
    } finally {
      await held.release();
    }
    expect(await store.readStream(stream)).toHaveLength(1);
    await expect(store.append(stream, [newEvent('T')], 0)).resolves.toMatchObject({ revision: 1 });
  }, 20_000);
});

describe('PostgresEventStore when an append’s answer is lost', () => {
  afterEach(() => db.closeStores());

  const appendsRunning = async (): Promise<number> =>
    (await db.sql("SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND strpos(query, $1) > 0", [`${db.table('streams').replace(/streams$/, '')}append_events(`])).rowCount ?? 0;

  it.each([
    ['', undefined],
    [', on sessions whose DateStyle and TimeZone print times as text in another form (SQL, China time)', '-c DateStyle=SQL,DMY -c TimeZone=Asia/Shanghai'],
  ])('an append the client gave up waiting for while the server still ran it (waiting for a lock) is ended there before the failure is answered: it never commits later%s', async (_what, options) => {
    // The client gives up after 500 ms; the server would wait for ever (no statement bound).
    const store = await db.open({ pool: { statement_timeout: 0, query_timeout: 500, ...(options === undefined ? {} : { options }) } });
    const stream = uniqueStreamId('lost');
    await store.append(stream, [newEvent('T')], -1);
    const held = await holdStreamRow(stream);
    try {
      await expect(store.append(stream, [newEvent('Late')], 0)).rejects.toThrow('Query read timeout');
      expect(await appendsRunning()).toBe(0);
    } finally {
      await held.release();
    }
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['T']);
    await expect(store.append(stream, [newEvent('Next')], 0)).resolves.toMatchObject({ revision: 1 });
  }, 20_000);

  it('an append that committed but whose answer was lost (the connection dropped) is answered as committed, once: its events, by their ids', async () => {
    const store = await db.open();
    const stream = uniqueStreamId('lost');
    await store.append(stream, [newEvent('T')], -1);
    // The connection drops right after the server answered the append, before the answer is read.
    const pool = (store as unknown as { pool: Pool }).pool;
    const connect = pool.connect.bind(pool) as (callback?: unknown) => unknown;
    let drop = true;
    (pool as unknown as { connect: (callback?: unknown) => unknown }).connect = (callback?: unknown) => {
      if (typeof callback === 'function') return connect(callback);
      return (connect() as Promise<PoolClient>).then((client) => {
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args) => {
          const answer = await query(...args);
          const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text ?? '';
          if (drop && text.includes('append_events(')) {
            drop = false;
            const lost = new Error('Connection terminated unexpectedly');
            client.emit('error', lost);
            throw lost;
          }
          return answer;
        };
        return client;
      });
    };
    const result = await store.append(stream, [newEvent('Once', { n: 1 })], 0);
    expect(drop).toBe(false);
    expect(result).toMatchObject({ revision: 1, events: [{ type: 'Once', data: { n: 1 }, revision: 1 }] });
    const stored = await store.readStream(stream);
    expect(stored.map((e) => e.type)).toEqual(['T', 'Once']);
    expect(stored[1]).toEqual(result.events[0]);
    expect(verifyStreamChain(stored)).toEqual({ ok: true });
    await expect(store.append(stream, [newEvent('Next')], 1)).resolves.toMatchObject({ revision: 2 });
  }, 20_000);
});

describe('PostgresEventStore notifications', () => {
  const channel = storeNames(db.schema).channel;
  afterEach(() => db.closeStores());

  const listening = (): Promise<void> => eventually(async () => (await db.listeners(channel)).length > 0, 'a LISTEN connection');

  it("wakes a subscription on another instance's append through NOTIFY, without waiting for the poll", async () => {
    const writer = await db.open();
    // A poll an hour away: only a NOTIFY can deliver within the test timeout.
    const reader = await db.open({ pollIntervalMs: 3_600_000 });
    const head = await reader.headPosition();
    const seen = new Collector();
    reader.subscribeToAll({ fromPosition: head, handle: seen.handle });
    await listening();
    const streamId = uniqueStreamId('s');
    await writer.append(streamId, [newEvent('E0')], -1);
    await seen.until(1);
    await writer.append(streamId, [newEvent('E1')], 0);
    await seen.until(2);
    expect(seen.events.map((e) => e.type)).toEqual(['E0', 'E1']);
  });

  it('replaces a LISTEN connection the server dropped, and delivery carries on', async () => {
    const writer = await db.open();
    const reader = await db.open({ pollIntervalMs: 50 });
    const seen = new Collector();
    reader.subscribeToAll({ fromPosition: await reader.headPosition(), handle: seen.handle });
    await listening();
    const [dropped] = await db.listeners(channel);
    // Also proves the dropped connection's 'error' is handled: unhandled, it would crash the worker.
    await db.sql('SELECT pg_terminate_backend($1)', [dropped]);
    await eventually(async () => (await db.listeners(channel)).some((pid) => pid !== dropped), 'a new LISTEN connection');
    await writer.append(uniqueStreamId('s'), [newEvent('After')], -1);
    await seen.until(1);
    expect(seen.events.map((e) => e.type)).toEqual(['After']);
  });

  it('close() ends subscriptions, the LISTEN connection and the pool', async () => {
    const store = await db.open();
    const seen = new Collector();
    store.subscribeToAll({ fromPosition: await store.headPosition(), handle: seen.handle });
    await listening();
    await store.close();
    await store.close(); // twice is harmless
    await expect(store.ping()).rejects.toThrow();
    expect(() => store.subscribeToAll({ fromPosition: 0, handle: seen.handle })).toThrow(/closed/);
    await eventually(async () => (await db.listeners(channel)).length === 0, 'the LISTEN connection to go');
  });
});
