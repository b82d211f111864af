/**
 * The shared contract through the EventStoreDB adapter and the REAL client (@eventstore/db-client
 * over grpc-js), against a FAKE gRPC server (testing/fake-esdb-server.ts), because no EventStoreDB
 * server can run here. Unlike the client fake beside it, this runs the client's own code: its reads
 * (a call left before its end stays open until cancelled, and dispose() waited for ever on one the
 * server had answered in full), its BatchAppend and its error conversion. The real server is checked by eventstoredb-event-store.int.spec.ts.
 */
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { WrongExpectedRevisionError, type NewEvent } from '../event-store.port';
import { verifyStreamChain } from '../hash-chain';
import { describeEventStoreContract } from '../testing';
import { EventStoreDbEventStore, openEventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { itCountsContentOnceAcrossProcesses } from './testing/content-race';
import { itAnswersTheSameAppendAgainAsTheServer } from './testing/repeated-append';
import { startFakeEventStoreDb, type FakeEventStoreDb } from './testing/fake-esdb-server';

/** A server for the tests of one describe (a store of a namespace reads the others' records too, as on a real server). */
function serverPerDescribe(): { open: () => EventStoreDbEventStore } {
  let server: FakeEventStoreDb;
  beforeAll(async () => {
    server = await startFakeEventStoreDb();
  });
  afterAll(() => server.close());
  return { open: () => openEventStoreDbEventStore({ connectionString: server.url, namespace: `t${randomBytes(6).toString('hex')}`, pollIntervalMs: 20 }) };
}

describe('a fake server shared by the contract’s stores', () => {
  const { open } = serverPerDescribe();
  describeEventStoreContract('eventstoredb adapter, real client, fake gRPC server', async () => {
    const store = open();
    return { store, cleanup: () => store.close() };
  });
});

describe('guards across two years of one person: two real clients on one fake server', () => {
  let server: FakeEventStoreDb;
  beforeAll(async () => {
    server = await startFakeEventStoreDb();
  });
  afterAll(() => server.close());
  itCountsContentOnceAcrossProcesses(() => openEventStoreDbEventStore({ connectionString: server.url, namespace: 'race' }));
});

describe('the server-features lookup before an append (BatchAppend or not)', () => {
  let server: FakeEventStoreDb;
  beforeAll(async () => {
    server = await startFakeEventStoreDb();
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.featuresFailing = null;
  });
  const meta = { actor: { id: 'x', role: 'unit' }, correlationId: 'c', causationId: null, ruleSetId: 'r', at: '2024-01-01T00:00:00.000Z' };
  const event = (n: number): NewEvent => ({ type: 'T', data: { n }, metadata: meta });
  const openOn = (on: FakeEventStoreDb, appendTimeoutMs?: number) => openEventStoreDbEventStore({ connectionString: on.url, namespace: `t${randomBytes(6).toString('hex')}`, appendTimeoutMs });
  const failureOf = (work: Promise<unknown>): Promise<unknown> =>
    work.then(
      () => null,
      (error: unknown) => error,
    );

  it('is sent once for a connection’s appends, and its answer kept', async () => {
    const fresh = await startFakeEventStoreDb();
    const store = openOn(fresh);
    try {
      for (let n = 0; n < 5; n++) await store.append('s', [event(n)], n - 1);
      expect(fresh.featuresAsked).toBe(1);
    } finally {
      await store.close();
      await fresh.close();
    }
  });

  // The client keeps a failed lookup until it reconnects; UNAVAILABLE has it reconnect, these do not.
  it.each([
    ['INTERNAL (an HTTP 400 or 500 from something in front of the server)', grpc.status.INTERNAL],
    ['UNKNOWN', grpc.status.UNKNOWN],
  ])('answered %s: the append that met it fails as a store not answering, writing nothing, and the next append asks again and is written', async (_what, status) => {
    const store = openOn(server);
    try {
      server.featuresFailing = status;
      // The type libs/platform/src/unavailable.ts answers 503 for.
      expect(await failureOf(store.append('s', [event(0)], -1))).toMatchObject({ type: 'unavailable' });
      expect(await store.readStream('s')).toEqual([]);
      server.featuresFailing = null;
      expect(await store.append('s', [event(0)], -1)).toMatchObject({ revision: 0 });
    } finally {
      await store.close();
    }
  });

  it('refused for want of permission (something in front of the server): the append fails as the client names that, not as a store not answering', async () => {
    const store = openOn(server);
    try {
      server.featuresFailing = grpc.status.PERMISSION_DENIED;
      expect(await failureOf(store.append('s', [event(0)], -1))).toMatchObject({ type: 'unknown' });
    } finally {
      await store.close();
    }
  });

  it('never answered: the append that met it fails at the lookup’s deadline, and the next append asks again and is written', async () => {
    const store = openOn(server, 1000);
    try {
      server.featuresFailing = 'silent';
      const asked = server.featuresAsked;
      expect(await failureOf(store.append('s', [event(0)], -1))).toMatchObject({ type: 'deadline-exceeded' });
      server.featuresFailing = null;
      expect(await store.append('s', [event(0)], -1)).toMatchObject({ revision: 0 });
      expect(server.featuresAsked).toBe(asked + 2);
    } finally {
      await store.close();
    }
  });

  it('is sent again after the client reconnected (to the server back, or another node)', async () => {
    let on = await startFakeEventStoreDb();
    const store = openOn(on);
    try {
      await store.append('s', [event(0)], -1);
      const { port, log } = on;
      await on.close();
      await failureOf(store.append('s', [event(1)], 0));
      on = await startFakeEventStoreDb({ port, log });
      await store.append('s', [event(1)], 0);
      expect(on.featuresAsked).toBe(1);
    } finally {
      await store.close();
      await on.close();
    }
  });
});

describe('the real client against the fake server', () => {
  const { open } = serverPerDescribe();
  const meta = { actor: { id: 'x', role: 'unit' }, correlationId: 'c', causationId: null, ruleSetId: 'r', at: '2024-01-01T00:00:00.000Z' };
  // Large enough that a read the client stops taking stays open on the server (HTTP/2 flow control).
  const events = (n: number): NewEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'T', data: { n: i }, metadata: meta }));
  const large = (n: number): NewEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'T', data: { n: i, text: 'x'.repeat(2000) }, metadata: meta }));

  it('150 reads stopped early in a row (a page limit, a first event found), then another read: answered, and close ends (dispose() waited for ever on a read left open whose answer the server had sent in full)', async () => {
    const store = open();
    await store.append('big', large(60), -1);
    for (let i = 0; i < 75; i++) expect(await store.readAll(0, 1)).toHaveLength(1);
    for (let i = 0; i < 75; i++) expect(await store.readStream('big', { toTime: '2023-01-01T00:00:00.000Z' })).toEqual([]);
    expect(await store.readStream('big')).toHaveLength(60);
    await store.close();
  });

  it('reads stopped early whose answer the server had already sent in full (a small log) leave nothing open: close ends', async () => {
    const store = open();
    await store.append('small', events(3), -1);
    expect(await store.readAll(0, 1)).toHaveLength(1);
    expect(await store.readStream('small', { toTime: '2023-01-01T00:00:00.000Z' })).toEqual([]);
    expect(await store.headPosition()).toBeGreaterThan(0); // its last record is another writer's
    await store.close();
  });

  it('reads stopped early on an answer of a hundred records leave nothing open: close ends (the hang this guards against shows across processes: test/compose-stack.e2e-spec.ts)', async () => {
    const store = open();
    await store.append('many', events(100), -1); // small events: the answer arrives in one go
    expect(await store.readAll(0, 1)).toHaveLength(1);
    expect(await store.readStream('many', { toTime: '2023-01-01T00:00:00.000Z' })).toEqual([]);
    await store.close();
  });

  itAnswersTheSameAppendAgainAsTheServer(() => {
    const store = open();
    const client = (store as unknown as { client: EventStoreDBClient }).client;
    return { client, streamName: `${(store as unknown as { prefix: string }).prefix}again`, close: () => store.close() };
  });

  it('reads from a number between two records (which the server refuses) what follows it', async () => {
    const store = open();
    await store.append('s-1', large(2), -1);
    const [first, second] = await store.readAll(0, 10);
    expect(await store.readAll(first!.position + 1, 10)).toEqual([second]);
    expect(await store.readAll(second!.position + 1, 10)).toEqual([]);
    await store.close();
  });

  it('guards across two years through the real client: the intent round-trips, a stopped writer’s intent is written for it by the next guarded append, with its data and chain', async () => {
    const store = open();
    const namespace = (store as unknown as { prefix: string }).prefix;
    await store.append('creditYear-p1+2024', events(1), -1);
    // A process whose append of its events is lost after its intent was written.
    const client = (store as unknown as { client: EventStoreDBClient }).client;
    const stopping = Object.create(client) as EventStoreDBClient;
    stopping.appendToStream = ((name: string, ...rest: never[]) =>
      name.endsWith('creditYear-p1+2024') ? Promise.reject(new Error('14 UNAVAILABLE: connection dropped')) : (client.appendToStream as (...a: unknown[]) => unknown)(name, ...rest)) as never;
    const stopped = new EventStoreDbEventStore(stopping, { namespace: namespace.slice(0, -2) });
    await expect(stopped.append('creditYear-p1+2024', [{ type: 'Declared', data: { content: 'k1', nested: { list: [1, 'two'] } }, metadata: meta }], 0, { guards: [{ streamId: 'creditYear-p1+2025', expectedRevision: -1 }] })).rejects.toThrow('UNAVAILABLE');
    expect(await store.readStream('creditYear-p1+2024')).toHaveLength(1);
    const next = store.append('creditYear-p1+2025', events(1), -1, { guards: [{ streamId: 'creditYear-p1+2024', expectedRevision: 0 }] });
    await expect(next).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const year = await store.readStream('creditYear-p1+2024');
    expect(year.map((e) => [e.type, e.data])).toEqual([['T', { n: 0 }], ['Declared', { content: 'k1', nested: { list: [1, 'two'] } }]]);
    expect(verifyStreamChain(year)).toEqual({ ok: true });
    expect(await store.append('creditYear-p1+2025', events(1), -1, { guards: [{ streamId: 'creditYear-p1+2024', expectedRevision: 1 }] })).toMatchObject({ revision: 0 });
    expect(await store.listStreams('')).toEqual(['creditYear-p1+2024', 'creditYear-p1+2025']);
    await stopped.close();
    await store.close();
  });
});
