/**
 * The production split of API.md "Running" on real PostgreSQL and Redis: the API with
 * RUN_WORKER=false beside a separate worker process. Events and read models in PostgreSQL, jobs
 * through BullMQ on Redis: the API enqueues an institution-wide fraud flag, the worker runs it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { TcpProxy } from '../libs/jobs/src/testing/tcp-proxy';
import { activity } from './support/fixtures';
import { requireBuild, startServer, startWorker, type ServerProcess } from './support/server-process';
import { tokenSigner } from './support/embedded-files';
import { caller, workerProjectsAndRunsTheFlag } from './support/split-stack';
import { chinaYear } from './support/china-date';

const SECRET = 'production-split-secret-production-split';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tag = randomBytes(4).toString('hex');
const sign = tokenSigner(SECRET, 'split');
const call = caller(() => api);

let dataDir: string;
let api: ServerProcess;
/** A second API beside the first, as a deployment runs several: their commands meet only in PostgreSQL. */
let api2: ServerProcess;
let worker: ServerProcess;

beforeAll(async () => {
  requireBuild();
  dataDir = mkdtempSync(join(tmpdir(), 'jx-split-'));
  const env = {
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: SECRET,
    DATA_DIR: dataDir,
    EVENT_STORE: 'postgres',
    DATABASE_URL,
    EVENT_STORE_SCHEMA: `jx_split_ev_${tag}`,
    READ_MODELS_SCHEMA: `jx_split_rm_${tag}`,
    REDIS_URL,
    JOBS_QUEUE: `jx-split-${tag}`,
    YEAR_CLOSES_ON: '12-31',
  };
  // The worker checks no token: in production it starts without AUTH_JWT_SECRET.
  worker = await startWorker({ ...env, AUTH_JWT_SECRET: '' });
  api = await startServer({ ...env, RUN_WORKER: 'false' });
  api2 = await startServer({ ...env, RUN_WORKER: 'false' });
}, 60_000);

afterAll(async () => {
  for (const p of [api, api2, worker]) {
    if (!p) continue;
    p.child.kill('SIGTERM');
    await p.exited;
  }
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS jx_split_ev_${tag} CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS jx_split_rm_${tag} CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS jx_split_rm_${tag}_b CASCADE`);
  await client.end();
  for (const name of [`jx-split-${tag}`, `jx-split-silent-${tag}`]) {
    const queue = new Queue(name, { connection: { url: REDIS_URL } });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
});

it('the API answers health with its event store and Redis', async () => {
  const res = await fetch(`${api.baseUrl}/api/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ checks: { eventStore: 'up', redis: 'up', readModels: 'up' } });
});

it('the worker projects the inbox and runs the institution-wide flag the API enqueued', async () => {
  await workerProjectsAndRunsTheFlag(call, sign);
}, 60_000);

/** A worker of its own beside the shared processes: the same stores, its own Redis URL and queue. */
const anotherWorker = (redisUrl: string, queue: string): Record<string, string> => ({
  NODE_ENV: 'production',
  DATA_DIR: dataDir,
  EVENT_STORE: 'postgres',
  DATABASE_URL,
  EVENT_STORE_SCHEMA: `jx_split_ev_${tag}`,
  READ_MODELS_SCHEMA: `jx_split_rm_${tag}`,
  REDIS_URL: redisUrl,
  JOBS_QUEUE: queue,
  AUTH_JWT_SECRET: '',
});

it('a worker started while its Redis is away says so — projections run, job processors wait for Redis — and how it stops', async () => {
  // Nothing listens on port 1.
  const away = await startWorker(anotherWorker('redis://127.0.0.1:1', `jx-split-away-${tag}`));
  away.child.kill('SIGTERM');
  await away.exited;
  expect(away.output()).toContain('warning: REDIS_URL: Redis did not answer at start-up; the job processors begin once it does; the projections run meanwhile');
  expect(away.output()).toContain('worker ready: projections running; job processors waiting for Redis (REDIS_URL)');
  expect(away.output()).toContain('SIGTERM: shutting down (running jobs stop at their next safe point, then the stores close; at most 15 s)');
  expect(away.output()).not.toMatch(/endpoints|answers in flight/);
}, 60_000);

it('a worker whose Redis falls silent with its connections open says so within seconds, and says when it answers again', async () => {
  const { proxy, url } = await TcpProxy.forUrl(REDIS_URL, 6379);
  const silent = await startWorker({ ...anotherWorker(url, `jx-split-silent-${tag}`), LOG_LEVEL: 'info' });
  try {
    // The watch's connection is open and answered once: the silence comes on open connections.
    await silent.printed("Redis answered the first of the watch's checks");
    // A paused or hung Redis: every connection stays open, nothing answers, nobody is told.
    proxy.freeze();
    await silent.printed('Redis did not answer a check within 2000 ms');
    expect(silent.output()).toContain('the job processors wait for it');
    proxy.thaw();
    await silent.printed('Redis answers again');
  } finally {
    silent.child.kill('SIGTERM');
    await silent.exited;
    await proxy.cut();
  }
}, 60_000);

it('RULES §4 across two API processes on PostgreSQL: the same content sent at once to a short year (make-up) and to the year it was completed in lands once — also under an extended period', async () => {
  const year = chinaYear();
  const hr = await sign({ role: 'authority', region: '360000' });
  expect((await call('PUT', '/api/units/u9', hr, { name: 'U9', region: '360102', industry: 'general' })).status).toBe(200);
  const pro = await sign({ role: 'professional', personId: 'r1', unitId: 'u9' });
  const unit = await sign({ role: 'unit', unitId: 'u9' });
  // Two years back is short (never written to) and closed: a reason extends its period into this year.
  expect((await call('POST', `/api/persons/r1/years/${year - 2}/make-up`, unit, { reason: 'illness', until: `${year}-12-31` })).status).toBe(200);
  for (const shortYear of [year - 1, year - 2]) {
    for (let i = 0; i < 8; i++) {
      const content = { contentKey: `SAME-${shortYear}-${i}`, completedOn: `${year}-01-01` };
      const answers = await Promise.all([
        call('POST', `/api/persons/r1/years/${shortYear}/activities`, pro, activity({ activityId: `m${shortYear}-${i}`, ...content }), api),
        call('POST', `/api/persons/r1/years/${year}/activities`, pro, activity({ activityId: `r${shortYear}-${i}`, ...content }), api2),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('CONTENT_ALREADY_COUNTED');
    }
  }
}, 60_000);

// Last: it stops the processes the tests above share.
it('read models migrated by newer code fence out the worker and the APIs: each stops with exit status 1 on meeting them', async () => {
  const hr = await sign({ role: 'authority', region: '360000' });
  expect((await call('PUT', '/api/units/uf', hr, { name: 'UF', region: '360102', industry: 'general' })).status).toBe(200);
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`UPDATE jx_split_rm_${tag}.read_model_state SET schema_version = schema_version + 1`);
  } finally {
    await client.end();
  }
  // The event store is not fenced: the declaration lands; the worker's page of it does not.
  const year = chinaYear();
  const pro = await sign({ role: 'professional', personId: 'f1', unitId: 'uf' });
  expect((await call('POST', `/api/persons/f1/years/${year}/activities`, pro, activity({ activityId: 'f', completedOn: `${year}-01-01` }))).status).toBe(201);
  expect(await worker.exited).toBe(1);
  expect(worker.output()).toContain('this worker process stops (exit status 1)');
  // An API meets them on a read (503) or on health (read models down), and stops too.
  const regulator = await sign({ role: 'regulator', region: '360000' });
  expect((await call('GET', `/api/reports/compliance?year=${year}`, regulator)).status).toBe(503);
  expect((await fetch(`${api2.baseUrl}/api/health`).then((r) => r.json())) as unknown).toMatchObject({ checks: { eventStore: 'up', redis: 'up', readModels: 'down' } });
  expect(await Promise.all([api.exited, api2.exited])).toEqual([1, 1]);
}, 60_000);
