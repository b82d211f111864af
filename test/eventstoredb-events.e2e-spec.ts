/**
 * The same API with events in EventStoreDB (EVENT_STORE=eventstoredb) through the REAL client, on a
 * FAKE EventStoreDB gRPC server (libs/event-store/src/eventstoredb/testing/fake-esdb-server.ts): no
 * EventStoreDB server can run here. It shows the production wiring — the adapter chosen by
 * configuration, commands, the projections' subscription over $all, queries, health, shutdown —
 * not the server itself (README: how to run the real contract).
 */
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeEventStoreDb, type FakeEventStoreDb } from '../libs/event-store/src/eventstoredb/testing/fake-esdb-server';
import { dumpReadModels } from './support/embedded-files';
import { activity, world, yearPath, type World } from './support/fixtures';
import { itKeepsCommandsOnThisStore } from './support/store-wiring';
import { startTestApp, type TestApp } from './support/test-app';

let server: FakeEventStoreDb;
let t: TestApp;
let w: World;

beforeAll(async () => {
  server = await startFakeEventStoreDb();
  t = await startTestApp({ now: '2024-06-01T02:00:00.000Z', env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: server.url } });
  w = await world(t);
}, 30_000);
afterAll(async () => {
  await t?.close();
  await server?.close();
});

itKeepsCommandsOnThisStore('EventStoreDB', () => ({ t, w }));

it('verify-chain checks every stream in EventStoreDB (the maintenance command on EVENT_STORE=eventstoredb)', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '..', 'dist/apps/worker/src/cli/verify-chain.js')], {
    env: { ...process.env, EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: server.url },
  });
  expect(stdout).toMatch(/^OK: [1-9]\d* streams/m);
}, 60_000);

it('projections:rebuild beside the running server rebuilds the read models from EventStoreDB to what they were', async () => {
  await t.projected();
  const file = join(t.dataDir, 'readmodels.sqlite');
  const before = dumpReadModels(file);
  const generation = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare<[], number>('SELECT generation FROM read_model_state WHERE singleton = 1').pluck().get() ?? 0;
    } finally {
      db.close();
    }
  };
  const rebuilds = generation();
  await promisify(execFile)(process.execPath, [join(__dirname, '..', 'dist/apps/worker/src/cli/projections-rebuild.js')], {
    env: { ...process.env, EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: server.url, DATA_DIR: t.dataDir, DATABASE_URL: '', REDIS_URL: '' },
  });
  expect(generation()).toBe(rebuilds + 1); // built afresh into the other copy, now in use
  expect(dumpReadModels(file)).toEqual(before);
  expect(before.person_years).not.toEqual([]);
}, 60_000);

it('answers 503 SERVICE_UNAVAILABLE while EventStoreDB is away, writes nothing, and serves again once it is back', async () => {
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'o-before' }) })).status).toBe(201);
  const head = await t.head();
  const { port, log } = server;
  await server.close();
  const declared = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'o-during' }) });
  const statement = await t.call('GET', yearPath(), { token: w.pro });
  for (const answer of [declared, statement]) {
    expect([answer.status, answer.body.error.code, answer.body.error.message]).toEqual([503, 'SERVICE_UNAVAILABLE', 'a store is not answering; try again shortly']);
  }
  expect((await t.call('GET', '/api/health')).status).toBe(503);

  server = await startFakeEventStoreDb({ port, log }); // the same server back, with its events
  expect(await t.head()).toBe(head);
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'o-during' }) })).status).toBe(201);
  expect((await t.call('GET', yearPath(), { token: w.pro })).body.activities.map((a: { activityId: string }) => a.activityId)).toEqual(expect.arrayContaining(['o-before', 'o-during']));
  expect((await t.call('GET', '/api/health')).status).toBe(200);
}, 60_000);

it.each(['Server Is Busy', 'Server Is Not Ready', 'No leader info available in response'] as const)('answers 503 SERVICE_UNAVAILABLE when EventStoreDB does not handle an append ("%s"), writes nothing, and takes the same request once it does', async (reason) => {
  const head = await t.head();
  const body = activity({ activityId: `o-${reason.length}` });
  server.notHandled = reason;
  try {
    const declared = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body });
    expect([declared.status, declared.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(await t.head()).toBe(head);
  } finally {
    server.notHandled = null;
  }
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body })).status).toBe(201);
}, 60_000);

it('answers 503 SERVICE_UNAVAILABLE for the write that finds EventStoreDB failing to say which calls it supports (INTERNAL: an HTTP 400 or 500 from something in front of it), writes nothing, and takes the same request once it says', async () => {
  const failing = await startFakeEventStoreDb();
  failing.featuresFailing = grpc.status.INTERNAL;
  const app = await startTestApp({ now: '2024-06-01T02:00:00.000Z', env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: failing.url } });
  try {
    const hr = await app.token({ role: 'authority', region: '360000' });
    const putUnit = () => app.call('PUT', '/api/units/u-features', { token: hr, body: { name: 'Unit', region: '360102', industry: 'general' } });
    const head = await app.head();
    const refused = await putUnit();
    expect([refused.status, refused.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(await app.head()).toBe(head);
    failing.featuresFailing = null;
    expect((await putUnit()).status).toBe(200);
  } finally {
    await app.close();
    await failing.close();
  }
}, 60_000);
