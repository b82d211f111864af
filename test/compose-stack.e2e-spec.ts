/**
 * The deployment docker-compose.yml describes, as processes: events in EventStoreDB, read models in
 * PostgreSQL, jobs through BullMQ on Redis, the API with RUN_WORKER=false beside a worker. PostgreSQL
 * and Redis are the real servers; EventStoreDB is a FAKE gRPC server (no EventStoreDB can run here)
 * reached through the real client (libs/event-store/src/eventstoredb/testing/fake-esdb-server.ts).
 * It shows the wiring of that configuration, not EventStoreDB itself.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { startFakeEventStoreDb, type FakeEventStoreDb } from '../libs/event-store/src/eventstoredb/testing/fake-esdb-server';
import { requireBuild, startServer, startWorker, type ServerProcess } from './support/server-process';
import { tokenSigner } from './support/embedded-files';
import { caller, workerProjectsAndRunsTheFlag } from './support/split-stack';
import { chinaYear } from './support/china-date';

const SECRET = 'compose-stack-secret-compose-stack-secret';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tag = randomBytes(4).toString('hex');
const sign = tokenSigner(SECRET, 'compose');
const call = caller(() => api);

let esdb: FakeEventStoreDb;
let dataDir: string;
let api: ServerProcess;
let worker: ServerProcess;

beforeAll(async () => {
  requireBuild();
  esdb = await startFakeEventStoreDb();
  dataDir = mkdtempSync(join(tmpdir(), 'jx-compose-'));
  // As docker-compose.yml's x-stack-env, with this machine's servers.
  const env = {
    NODE_ENV: 'production',
    EVENT_STORE: 'eventstoredb',
    EVENTSTORE_URL: esdb.url,
    DATABASE_URL,
    READ_MODELS_SCHEMA: `jx_compose_rm_${tag}`,
    REDIS_URL,
    JOBS_QUEUE: `jx-compose-${tag}`,
    YEAR_CLOSES_ON: '12-31',
    DATA_DIR: dataDir,
  };
  worker = await startWorker({ ...env, AUTH_JWT_SECRET: '' });
  api = await startServer({ ...env, AUTH_JWT_SECRET: SECRET, RUN_WORKER: 'false' });
}, 60_000);

afterAll(async () => {
  try {
    for (const p of [api, worker]) {
      if (!p || p.child.exitCode !== null || p.child.signalCode !== null) continue;
      p.child.kill('SIGTERM');
      await p.exited;
    }
    await esdb?.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      for (const schema of [`jx_compose_rm_${tag}`, `jx_compose_rm_${tag}_b`]) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
    const queue = new Queue(`jx-compose-${tag}`, { connection: { url: REDIS_URL } });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
}, 30_000);

it('the API answers health with EventStoreDB, its read models in PostgreSQL and Redis', async () => {
  const res = await fetch(`${api.baseUrl}/api/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ checks: { eventStore: 'up', redis: 'up', readModels: 'up' } });
});

it('commands land in EventStoreDB; the worker projects them into PostgreSQL and runs the institution-wide flag the API enqueued', async () => {
  const history = await workerProjectsAndRunsTheFlag(call, sign);
  expect(history.map((e) => e.type)).toEqual(['PersonYearOpened', 'ActivityRegistered', 'FraudFlagged']);
}, 60_000);

it('both stop on SIGTERM, each by its own signal handling, with nothing left to wait for the shutdown deadline — also right after an institution flag (the API hung at its EventStoreDB close after one: a read stopped early left the client a call that never finished)', async () => {
  const hr = await sign({ role: 'authority', region: '360000' });
  expect((await call('PUT', '/api/units/u9', hr, { name: 'U9', region: '360102', industry: 'general' })).status).toBe(200);
  expect((await call('POST', '/api/institutions/inst9/fraud-flags', hr, { year: chinaYear(), reason: 'a flag just before the stop' })).status).toBe(202);
  for (const p of [api, worker]) p.child.kill('SIGTERM');
  await Promise.all([api.exited, worker.exited]);
  for (const p of [api, worker]) {
    expect(p.output()).toContain('SIGTERM: shutting down');
    expect(p.output()).not.toContain('shutdown took longer');
    // Ended by the signal re-raised once everything closed; the deadline would have exited with 1.
    expect([p.child.exitCode, p.child.signalCode]).toEqual([null, 'SIGTERM']);
  }
}, 30_000);
