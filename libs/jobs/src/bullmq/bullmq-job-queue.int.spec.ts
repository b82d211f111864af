import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { deferred, Holds, stopsAtShutdown, within } from '../testing/async-helpers';
import { HOLD_LOST, JobQueueUnavailableError, stopIfInterrupted } from '../job-queue.port';
import { toBullMqJobId } from './bullmq-job-ids';
import { describeJobQueueContract } from '../testing/job-queue.contract';
import { FAIL_FAST, QUICK_END } from './bullmq-connections';
import { BullMqJobQueue } from './bullmq-job-queue.adapter';
import { Queue, QueueEvents } from 'bullmq';
import Redis from 'ioredis';
import { once } from 'node:events';
import { TcpProxy } from '../testing/tcp-proxy';
import { REDIS_URL, TestRedis } from '../testing/bullmq-test-redis';

const REPO_ROOT = resolve(__dirname, '../../../..');
const STALLING_WORKER = resolve(__dirname, '../testing/stalling-worker.child.ts');

const redis = new TestRedis();
const holds = new Holds();
beforeAll(() => redis.setUp());
afterAll(() => redis.tearDown());

// Every contract test on a queue of its own, under this file's prefix.
describeJobQueueContract('bullmq', async () => {
  const queue = redis.open();
  return { queue, cleanup: () => queue.close() };
});

describe('BullMqJobQueue across processes', () => {
  afterEach(async () => {
    holds.releaseAll();
    await redis.closeQueues();
  });

  it('runs on the worker a job the API enqueued; the API reads its progress and outcome', async () => {
    const queueName = redis.queueName();
    const api = redis.open({ queueName, ownConnection: true });
    const worker = redis.open({ queueName, ownConnection: true });
    const reported = deferred();
    const release = holds.hold();
    worker.registerProcessor<{ total: number }>('fraud-flag', async (job) => {
      await job.reportProgress(1, job.data.total);
      reported.resolve();
      await release.promise;
      await job.reportProgress(job.data.total, job.data.total);
      return { flagged: job.data.total };
    });
    const jobId = await api.enqueue('fraud-flag', { total: 2 });
    await within(reported.promise, 'the worker to report progress');
    expect(await api.getJob(jobId)).toEqual({ jobId, name: 'fraud-flag', state: 'active', progress: { done: 1, total: 2 }, attemptsMade: 1 });
    // The API has no processor: nothing on the queue is its to wait for.
    await expect(api.whenIdle()).resolves.toBeUndefined();
    release.resolve();
    await within(worker.whenIdle(), 'the worker to be idle');
    expect(await api.getJob(jobId)).toEqual({
      jobId, name: 'fraud-flag', state: 'completed', progress: { done: 2, total: 2 }, attemptsMade: 1, result: { flagged: 2 },
    });
  });

  it('a progress report is also a BullMQ progress event, as BullMQ\u2019s own updateProgress writes it (for a dashboard on the queue)', async () => {
    const queueName = redis.queueName();
    const worker = redis.open({ queueName, ownConnection: true });
    const events = new QueueEvents(queueName, { connection: { url: REDIS_URL }, prefix: redis.prefix });
    try {
      await within(events.waitUntilReady(), 'the queue events to connect');
      const seen = deferred<unknown>();
      events.on('progress', ({ data }) => seen.resolve(data));
      worker.registerProcessor('fraud-flag', async (job) => job.reportProgress(3, 7));
      await worker.enqueue('fraud-flag', {});
      expect(await within(seen.promise, 'the progress event')).toEqual({ done: 3, total: 7 });
    } finally {
      await events.close();
    }
  });

  it('takes over a job whose worker process was killed (SIGKILL) mid-run, once its hold on it lapsed', async () => {
    const queueName = redis.queueName();
    const child = stallingWorker(queueName);
    try {
      const api = redis.open({ queueName, ownConnection: true });
      const jobId = await api.enqueue('stuck', {});
      expect(await within(child.started, 'the child worker to take the job', 20_000)).toBe(jobId);
      await child.kill();
      const survivor = redis.open({ queueName, ownConnection: true, stalledIntervalMs: 200 });
      const ran = deferred();
      survivor.registerProcessor('stuck', async () => {
        ran.resolve();
        return 'finished';
      });
      await within(ran.promise, 'another worker to take the job over', 10_000);
      await within(survivor.whenIdle(), 'the survivor to be idle');
      expect(await api.getJob(jobId)).toMatchObject({ jobId, state: 'completed', result: 'finished' });
    } finally {
      await child.kill();
    }
  }, 40_000);

  it('takes over a job whose worker was killed twice (a crash loop, a rolling restart) and completes it: a second stall does not fail it', async () => {
    const { api, jobId, queueName } = await stalledTwice();
    const survivor = redis.open({ queueName, ownConnection: true, stalledIntervalMs: 200 });
    survivor.registerProcessor('stuck', async () => 'finished');
    await within(survivor.whenIdle(), 'the survivor to be idle', 15_000);
    expect(await api.getJob(jobId)).toMatchObject({ jobId, state: 'completed', result: 'finished' });
  }, 60_000);

  it('reports a job BullMQ fails without running it, past maxStalledCount: no processor ran to log it', async () => {
    const { api, jobId, queueName } = await stalledTwice();
    const reported = deferred<{ job: { jobId: string; name: string }; reason: string }>();
    let ran = false;
    const survivor = redis.open({ queueName, ownConnection: true, stalledIntervalMs: 200, maxStalledCount: 1, onJobFailedUnrun: (job, reason) => reported.resolve({ job, reason }) });
    survivor.registerProcessor('stuck', async () => {
      ran = true;
      return 'finished';
    });
    expect(await within(reported.promise, 'the failure to be reported', 15_000)).toEqual({ job: { jobId, name: 'stuck' }, reason: expect.stringContaining('stalled') });
    expect(await api.getJob(jobId)).toMatchObject({ jobId, state: 'failed' });
    expect(ran).toBe(false);
  }, 60_000);

  it('keeps one job for a deterministic id enqueued by two processes', async () => {
    const queueName = redis.queueName();
    const a = redis.open({ queueName, ownConnection: true });
    const b = redis.open({ queueName, ownConnection: true });
    const [first, second] = await Promise.all([a.enqueue('flag', {}, { jobId: 'flag:inst-9:2024' }), b.enqueue('flag', {}, { jobId: 'flag:inst-9:2024' })]);
    expect([first, second]).toEqual(['flag:inst-9:2024', 'flag:inst-9:2024']);
    let runs = 0;
    b.registerProcessor('flag', async () => (runs += 1));
    await within(b.whenIdle(), 'idle');
    expect(runs).toBe(1);
    expect(await a.getJob('flag:inst-9:2024')).toMatchObject({ state: 'completed', result: 1 });
  });

  it('sets aside a job whose name has no processor here, and runs it as soon as one is registered', async () => {
    // A long set-aside: only registering the processor can bring the job back within the test.
    const queue = redis.open({ setAsideMs: 60_000 });
    const ranFirst = deferred();
    queue.registerProcessor('first', async () => ranFirst.resolve());
    const lateId = await queue.enqueue('late', {});
    await queue.enqueue('first', {});
    // One worker, one job at a time, in order: `late` was taken (and set aside) before `first` ran.
    await within(ranFirst.promise, 'the registered job to run');
    await within(queue.whenIdle(), 'idle');
    expect(await queue.getJob(lateId)).toMatchObject({ state: 'waiting', attemptsMade: 0 });
    expect((await queue.getJob(lateId))?.error).toBeUndefined();
    queue.registerProcessor('late', async () => 'ran late');
    await within(queue.whenIdle(), 'the set-aside job to run');
    expect(await queue.getJob(lateId)).toMatchObject({ state: 'completed', attemptsMade: 1, result: 'ran late' });
  });

  it('a processor registered late brings back the set-aside jobs of its name that never ended an attempt, not one set aside once and now waiting out its retry’s back-off', async () => {
    const queueName = redis.queueName();
    // Set-asides and retries both far beyond the test's deadline: only a promotion brings a job back in time.
    const late = redis.open({ queueName, setAsideMs: 60_000, backoffDelayMs: 60_000 });
    const bull = redis.bullQueue(queueName);
    const busy = deferred();
    const release = holds.hold();
    late.registerProcessor('first', async () => {
      busy.resolve();
      await release.promise;
    });
    // j1: set aside here, then run elsewhere, failed, and now in its retry's back-off — still set
    // aside by its counts (started twice, ended once).
    const j1 = await late.enqueue('late', { id: 'j1' });
    await within(heldBack(bull, j1), 'j1 to be set aside');
    // This worker busy (one job at a time), so that only the other one can take j1 when promoted.
    await late.enqueue('first', {});
    await within(busy.promise, 'this worker to be busy');
    const elsewhere = redis.open({ queueName, backoffDelayMs: 60_000 });
    const j1Failed = deferred();
    elsewhere.registerProcessor('late', async () => {
      j1Failed.resolve();
      throw new Error('j1 fails: retried after its back-off');
    });
    await (await bull.getJob(toBullMqJobId(j1)))!.promote();
    await within(j1Failed.promise, 'j1 to run elsewhere');
    await within(inRetryBackOff(bull, j1), 'j1 to wait out its back-off');
    await elsewhere.close();
    release.resolve();
    // j0: set aside here, never started since: the late registration must bring it back.
    const j0 = await late.enqueue('late', { id: 'j0' });
    await within(heldBack(bull, j0), 'j0 to be set aside');
    const ran: string[] = [];
    const j0Ran = deferred();
    late.registerProcessor<{ id: string }>('late', async (job) => {
      ran.push(job.data.id);
      if (job.data.id === 'j0') j0Ran.resolve();
    });
    await within(j0Ran.promise, 'j0 to be brought back by the registration');
    // Both promotions, had there been two, went out together (j1's first: its back-off ends sooner).
    expect(ran).toEqual(['j0']);
    expect(await (await bull.getJob(toBullMqJobId(j1)))!.getState()).toBe('delayed');
    expect(await late.getJob(j1)).toMatchObject({ state: 'waiting', attemptsMade: 1 });
    await bull.close();
  });

  it('holds a job beyond its name’s concurrency back in the queue — `waiting`, unstarted — and runs it as soon as a slot of its name frees here', async () => {
    const queueName = redis.queueName();
    // Held back far longer than the test's deadline: only the freed slot can bring it back in time.
    const queue = redis.open({ queueName, heldBackMs: 60_000 });
    const bull = redis.bullQueue(queueName);
    const started: string[] = [];
    const a1Started = deferred();
    const release = holds.hold();
    queue.registerProcessor<{ id: string }>('a', async (job) => {
      started.push(job.data.id);
      a1Started.resolve();
      if (job.data.id === 'a1') await release.promise;
    });
    // A second name widens the worker to two jobs at once: a2 is taken, and held back.
    queue.registerProcessor('b', async () => undefined);
    await queue.enqueue('a', { id: 'a1' });
    await within(a1Started.promise, 'a1 to start');
    const a2 = await queue.enqueue('a', { id: 'a2' });
    await within(heldBack(bull, a2), 'the worker to take a2 and hold it back');
    expect(await queue.getJob(a2)).toMatchObject({ state: 'waiting', attemptsMade: 0 });
    expect(started).toEqual(['a1']);
    release.resolve();
    await within(queue.whenIdle(), 'idle');
    expect(started).toEqual(['a1', 'a2']);
    expect(await queue.getJob(a2)).toMatchObject({ state: 'completed', attemptsMade: 1 });
    await bull.close();
  });

  it('a slot freeing brings back the oldest job held back here, never one that ran since and waits out its retry’s back-off', async () => {
    const queueName = redis.queueName();
    // Held jobs and retries both far beyond the test's deadline: only a promotion brings a job back in time.
    const queue = redis.open({ queueName, heldBackMs: 60_000, backoffDelayMs: 60_000 });
    const bull = redis.bullQueue(queueName);
    const starts: string[] = [];
    const started = new Map(['a1', 'a2', 'a3', 'a4'].map((id) => [id, deferred()] as const));
    const release1 = holds.hold();
    const release3 = holds.hold();
    queue.registerProcessor<{ id: string }>('a', async (job) => {
      starts.push(job.data.id);
      started.get(job.data.id)!.resolve();
      if (job.data.id === 'a1') await release1.promise;
      if (job.data.id === 'a2') throw new Error('a2 fails: retried after its back-off');
      if (job.data.id === 'a3') await release3.promise;
    });
    queue.registerProcessor('b', async () => undefined);
    await queue.enqueue('a', { id: 'a1' });
    await within(started.get('a1')!.promise, 'a1 to start');
    const a2 = await queue.enqueue('a', { id: 'a2' });
    await within(heldBack(bull, a2), 'a2 to be held back');
    release1.resolve();
    await within(started.get('a2')!.promise, 'a2 to be brought back as a1 ends');
    await within(inRetryBackOff(bull, a2), 'a2 to fail and wait out its back-off');
    await queue.enqueue('a', { id: 'a3' });
    await within(started.get('a3')!.promise, 'a3 to start');
    const a4 = await queue.enqueue('a', { id: 'a4' });
    await within(heldBack(bull, a4), 'a4 to be held back');
    release3.resolve();
    await within(started.get('a4')!.promise, 'a4 to be brought back as a3 ends');
    expect(starts).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(await queue.getJob(a2)).toMatchObject({ state: 'waiting', attemptsMade: 1 });
    await bull.close();
  });

  it('another process’s worker with room runs a job this worker took beyond its name’s concurrency, without waiting for this one', async () => {
    const queueName = redis.queueName();
    const busy = redis.open({ queueName, heldBackMs: 20 });
    const bull = redis.bullQueue(queueName);
    const a1Started = deferred();
    const release = holds.hold();
    busy.registerProcessor<{ id: string }>('a', async () => {
      a1Started.resolve();
      await release.promise;
    });
    busy.registerProcessor('b', async () => undefined);
    await busy.enqueue('a', { id: 'a1' });
    await within(a1Started.promise, 'a1 to start');
    const a2 = await busy.enqueue('a', { id: 'a2' });
    await within(heldBack(bull, a2), 'the busy worker to take a2 and hold it back');
    const idle = redis.open({ queueName, heldBackMs: 20 });
    const ranOnIdle = deferred();
    idle.registerProcessor<{ id: string }>('a', async (job) => void (job.data.id === 'a2' && ranOnIdle.resolve()));
    idle.registerProcessor('b', async () => undefined);
    await within(ranOnIdle.promise, 'the idle worker to run a2 while a1 still runs');
    release.resolve();
    await within(busy.whenIdle(), 'idle');
    await bull.close();
  });

  it('never runs more jobs of one name at once than its concurrency, whatever the other names take', async () => {
    const queue = redis.open();
    let active = 0;
    let maxActive = 0;
    queue.registerProcessor('narrow', async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => setImmediate(resolve));
      active -= 1;
    });
    queue.registerProcessor('wide', async () => 'ok', { concurrency: 3 });
    for (let i = 0; i < 6; i++) await queue.enqueue('narrow', { i });
    for (let i = 0; i < 3; i++) await queue.enqueue('wide', { i });
    await within(queue.whenIdle(), 'idle');
    expect(maxActive).toBe(1);
  });

  it('leaves a schedule in Redis on close, for the other processes', async () => {
    const queueName = redis.queueName();
    const first = redis.open({ queueName });
    await first.schedule('sweep', 60_000, {});
    await first.close();
    const bull = redis.bullQueue(queueName);
    expect((await bull.getJobSchedulers()).map((s) => s.key)).toEqual(['repeat:sweep']);
    const second = redis.open({ queueName });
    await second.unschedule('repeat:sweep');
    expect(await bull.getJobSchedulersCount()).toBe(0);
    await bull.close();
  });

  it('queues at most one run behind a slow scheduled run', async () => {
    const queue = redis.open();
    const clock = redis.open();
    const started = deferred();
    const release = holds.hold();
    let runs = 0;
    queue.registerProcessor('sweep', async () => {
      runs += 1;
      started.resolve();
      await release.promise;
    });
    await queue.schedule('sweep', 20, {});
    await within(started.promise, 'the first run');
    // Proof that many periods passed while the first run was held: a schedule elsewhere ran often.
    const ticks = deferred();
    let seen = 0;
    clock.registerProcessor('tick', async () => void (++seen === 6 && ticks.resolve()));
    await clock.schedule('tick', 20, {});
    await within(ticks.promise, 'six ticks of the clock schedule');
    expect(runs).toBe(1);
    await queue.unschedule('repeat:sweep');
    release.resolve();
    await within(queue.whenIdle(), 'idle');
    // BullMQ adds a schedule's next run when the current one starts, so one may follow (the
    // in-process adapter skips it instead); never one per period missed.
    expect(runs).toBeLessThanOrEqual(2);
  });

  it('leaves a queue it was given open on close (its owner closes it)', async () => {
    const queueName = redis.queueName();
    const bull = redis.bullQueue(queueName);
    const adapter = new BullMqJobQueue({ queue: bull, backoffDelayMs: 2 });
    expect(adapter.queueName).toBe(queueName);
    adapter.registerProcessor('given', async () => 'ok');
    const jobId = await adapter.enqueue('given', {});
    await within(adapter.whenIdle(), 'idle');
    await adapter.close();
    expect(await bull.getJobState(jobId)).toBe('completed');
    await bull.close();
  });
});

describe('BullMqJobQueue on connections it shares', () => {
  afterEach(() => redis.closeQueues());

  it('closing it leaves nothing of its own on a shared connection, or on a queue it was given', async () => {
    const shared = redis.connection;
    const readyBefore = shared.listenerCount('ready');
    for (let i = 0; i < 3; i++) {
      const adapter = redis.open();
      await adapter.enqueue('noted', {}); // connected: it (and BullMQ) watch the connection's 'ready' now
      expect(shared.listenerCount('ready')).toBeGreaterThan(readyBefore);
      await adapter.close();
      expect(shared.listenerCount('ready')).toBe(readyBefore);
    }
    const bull = redis.bullQueue(redis.queueName());
    const errorsBefore = bull.listenerCount('error');
    const given = new BullMqJobQueue({ queue: bull, onError: () => undefined });
    await given.enqueue('noted', {});
    expect(bull.listenerCount('error')).toBe(errorsBefore + 1);
    await given.close();
    expect(bull.listenerCount('error')).toBe(errorsBefore);
    await bull.close();
  });
});

describe('BullMqJobQueue while Redis is away', () => {
  it('enqueue and getJob fail with JobQueueUnavailableError after callTimeoutMs instead of hanging; close still ends', async () => {
    // Nothing listens on port 1: ioredis keeps reconnecting, as it does while Redis is down.
    const queue = new BullMqJobQueue({ connection: { url: 'redis://127.0.0.1:1' }, callTimeoutMs: 200, onError: () => undefined });
    try {
      await expect(queue.enqueue('flag', {}, { jobId: 'j-1' })).rejects.toBeInstanceOf(JobQueueUnavailableError);
      await expect(queue.getJob('j-1')).rejects.toThrow('did not answer getJob within 200 ms');
    } finally {
      await within(queue.close(), 'close with Redis away');
    }
  });
});

/**
 * The adapter on a BullMQ queue given a connection of the test's own through `via` (as Nest gives
 * it one), to see that connection go down and come back. Retrying its commands without end, only
 * the missing offline queue (FAIL_FAST) can refuse at once.
 */
/** Resolves once `client` has begun `count` reconnections. */
function reconnections(client: Redis, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const counted = () => {
      seen += 1;
      if (seen < count) return;
      client.off('reconnecting', counted);
      resolve();
    };
    client.on('reconnecting', counted);
  });
}

function queueVia(via: string, name: string, callTimeoutMs: number): { client: Redis; bull: Queue; queue: BullMqJobQueue } {
  const client = new Redis(via, { ...FAIL_FAST, maxRetriesPerRequest: null, retryStrategy: () => 20 });
  client.on('error', () => undefined);
  const bull = new Queue(redis.queueName(name), { connection: client, prefix: redis.prefix });
  bull.on('error', () => undefined);
  return { client, bull, queue: new BullMqJobQueue({ queue: bull, callTimeoutMs, onError: () => undefined }) };
}

async function closeAll({ queue, bull, client }: { queue: BullMqJobQueue; bull: Queue; client: Redis }): Promise<void> {
  await queue.close();
  await bull.close();
  client.disconnect();
}

describe('BullMqJobQueue that has not reached Redis since it was made', () => {
  it('sends nothing before its first connection: an enqueue refused meanwhile never lands once Redis comes', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    await proxy.cut(); // Redis away from the start
    const { client, bull, queue } = queueVia(via, 'never', 200);
    try {
      await expect(queue.enqueue('flag', {}, { jobId: 'refused' })).rejects.toThrow(new JobQueueUnavailableError('enqueue', 200));
      await proxy.resume();
      await bull.waitUntilReady();
      // Commands on one connection run in order: a call held since before would have gone first.
      await queue.enqueue('flag', {}, { jobId: 'after' });
      expect(await bull.getJobState('refused')).toBe('unknown');
      expect(await bull.getJobState('after')).toBe('waiting');
    } finally {
      await closeAll({ queue, bull, client });
      await proxy.cut();
    }
  });
});

describe('BullMqJobQueue scheduling before it has reached Redis', () => {
  it('a schedule refused then (after callTimeoutMs) is asked for as soon as Redis is reached', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    await proxy.cut(); // Redis away from the start
    const name = redis.queueName('late');
    const queue = new BullMqJobQueue({ connection: { url: via, retryStrategy: () => 20 }, queueName: name, prefix: redis.prefix, callTimeoutMs: 200, onError: () => undefined });
    const bull = redis.bullQueue(name);
    try {
      await expect(queue.schedule('sweep', 3_600_000, {})).rejects.toThrow(new JobQueueUnavailableError('schedule', 200));
      await proxy.resume();
      // Resolves after the adapter's own wait for that first connection, which asks again.
      await within((queue as unknown as { queue: Queue }).queue.waitUntilReady(), 'Redis to be reached', 20_000);
      await within(queue.schedulesRenewed, 'the schedule to be asked for');
      expect(await bull.getJobScheduler('repeat:sweep')).toMatchObject({ every: 3_600_000, name: 'sweep' });
    } finally {
      await queue.close();
      await proxy.cut();
    }
  }, 60_000);
});

describe('BullMqJobQueue when its connection to Redis drops', () => {
  it('refuses enqueue at once (no offline queue), and the refused job never runs once Redis is back', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    // A timeout far beyond the test's: only an immediate refusal passes.
    const { client, bull, queue } = queueVia(via, 'drop', 600_000);
    try {
      await queue.enqueue('flag', {}, { jobId: 'before' });
      const down = once(client, 'reconnecting');
      await proxy.cut();
      await down;
      await expect(queue.enqueue('flag', {}, { jobId: 'refused' })).rejects.toThrow(new JobQueueUnavailableError('enqueue', null));
      const up = once(client, 'ready');
      await proxy.resume();
      await up;
      // A command on the same connection after the outage: anything held back would have gone first.
      await queue.enqueue('flag', {}, { jobId: 'after' });
      expect(await bull.getJobState('refused')).toBe('unknown');
      expect([await bull.getJobState('before'), await bull.getJobState('after')]).toEqual(['waiting', 'waiting']);
    } finally {
      await closeAll({ queue, bull, client });
      await proxy.cut();
    }
  });
});

describe('BullMqJobQueue reconnecting while Redis is away', () => {
  it('tries again within a second each time, on the queue\u2019s connection and its worker\u2019s, however long the outage: BullMQ\u2019s own schedule grew to 20 s, refusing enqueues (503) and leaving jobs untaken that long after Redis came back', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    // No retryStrategy of the caller's: the adapter's own applies (the app passes a URL alone).
    const queue = new BullMqJobQueue({ connection: { url: via }, queueName: redis.queueName('reconnect'), prefix: redis.prefix, onError: () => undefined });
    try {
      const bull = (queue as unknown as { queue: Queue }).queue;
      queue.registerProcessor('noop', async () => 'done');
      await bull.waitUntilReady();
      const queueClient = (await bull.getBackend().client) as unknown as Redis;
      const worker = (queue as unknown as { worker: { opts: { runRetryDelay?: number }; getBackend(): { connection: { client: Promise<unknown> } } } }).worker;
      const workerClient = (await worker.getBackend().connection.client) as Redis;
      // Nor does the worker wait BullMQ's 15 s before asking again after a call Redis failed.
      expect(worker.opts.runRetryDelay).toBeLessThanOrEqual(1000);
      const delays = { queue: [] as number[], worker: [] as number[] };
      queueClient.on('reconnecting', (ms: number) => delays.queue.push(ms));
      workerClient.on('reconnecting', (ms: number) => delays.worker.push(ms));
      // Nine attempts each: BullMQ's schedule waits 1 s for the first six, then 1.1, 3.0 and 8.1 s.
      const away = Promise.all([reconnections(queueClient, 9), reconnections(workerClient, 9)]);
      await proxy.cut();
      await within(away, 'nine attempts to reconnect on each connection', 20_000);
      expect(Math.max(...delays.queue.slice(0, 9), ...delays.worker.slice(0, 9))).toBeLessThanOrEqual(1000);
      const back = once(queueClient, 'ready');
      await proxy.resume();
      await within(back, 'the queue\u2019s connection to be back', 5_000);
      await queue.enqueue('noop', {}, { jobId: 'after' });
      await within(queue.whenIdle(), 'the worker to take the job', 20_000);
      expect(await queue.getJob('after')).toMatchObject({ state: 'completed', result: 'done' });
    } finally {
      await within(queue.close(), 'close', 10_000).catch(() => undefined);
      await proxy.cut();
    }
  }, 60_000);
});

describe('BullMqJobQueue processing while its connections to Redis drop', () => {
  it('a command of a running job sent but unanswered when the connection dropped is sent again, however many reconnections it takes: the job completes in its first attempt, and the worker takes the next one', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    const name = redis.queueName('restart');
    // Reconnecting every 10 ms: ioredis's 20 retries per command (BullMQ's 1 s and up: ≈ 4 min) pass quickly.
    const queue = new BullMqJobQueue({ connection: { url: via, retryStrategy: () => 10 }, queueName: name, prefix: redis.prefix, onError: () => undefined });
    const started = deferred();
    const go = deferred();
    try {
      queue.registerProcessor('flag', async (job) => {
        if (job.id !== 'first') return 'done';
        started.resolve();
        await go.promise;
        await job.reportProgress(1, 2);
        return 'done';
      });
      await queue.enqueue('flag', {}, { jobId: 'first' });
      await within(started.promise, 'the job to start');
      const worker = (queue as unknown as { worker: { getBackend(): { connection: { client: Promise<unknown> } } } }).worker;
      const workerClient = (await worker.getBackend().connection.client) as Redis;
      // Redis falls silent, the job reports its progress, and the connection drops unanswered.
      proxy.freeze();
      const sent = proxy.whenClientBytesHeld();
      go.resolve();
      await within(sent, 'the progress report to be sent');
      const away = reconnections(workerClient, 25);
      await proxy.cut();
      proxy.thaw(); // nothing to deliver: the connections it held for are gone
      await within(away, '25 reconnections to fail', 20_000);
      await proxy.resume();
      await within(queue.whenIdle(), 'the job to complete once Redis is back', 20_000);
      expect(await queue.getJob('first')).toMatchObject({ state: 'completed', progress: { done: 1, total: 2 }, attemptsMade: 1 });
      await queue.enqueue('flag', {}, { jobId: 'second' });
      await within(queue.whenIdle(), 'the next job to run', 20_000);
      expect(await queue.getJob('second')).toMatchObject({ state: 'completed' });
    } finally {
      // Bounded: a job that never ends would hold close for ever, hiding the failure above.
      await within(queue.close(), 'close', 10_000).catch(() => undefined);
      await proxy.cut();
    }
  }, 60_000);
});

describe('BullMqJobQueue when its hold on a running job lapsed while Redis was away', () => {
  it('stops the attempt (its signal says why) once Redis is back, leaves the job to the worker that took it over, and keeps that worker\u2019s progress', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    const queueName = redis.queueName('hold');
    // A holds its jobs for 1 s, renewed every 0.5 s while Redis answers.
    const a = new BullMqJobQueue({ connection: { url: via, retryStrategy: () => 20 }, queueName, prefix: redis.prefix, lockDurationMs: 1000, onError: () => undefined, onHoldLost: () => undefined });
    const started = deferred();
    const stopped = deferred<unknown>();
    const lateReportIgnored = deferred();
    const reportWhileAway = deferred();
    const reportedWhileAway = deferred();
    a.registerProcessor('fan-out', async (job) => {
      if (job.id !== 'first') return 'done by A';
      await job.reportProgress(3, 9);
      started.resolve();
      // Sent while Redis is away, this report waits for it; it lands after B took the job over.
      await reportWhileAway.promise;
      await job.reportProgress(5, 9);
      reportedWhileAway.resolve();
      if (!job.signal.aborted) await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
      stopped.resolve(job.signal.reason);
      // A report after the hold was lost must not overwrite the progress of the attempt that took over.
      await job.reportProgress(9, 9);
      lateReportIgnored.resolve();
      stopIfInterrupted(job);
      return 'not reached';
    });
    try {
      await a.enqueue('fan-out', {}, { jobId: 'first' });
      await within(started.promise, 'A to start the job');
      // B reaches Redis directly and looks for lapsed holds every 0.2 s.
      const b = redis.open({ queueName, ownConnection: true, stalledIntervalMs: 200 });
      const tookOver = deferred();
      const finish = holds.hold();
      b.registerProcessor('fan-out', async (job) => {
        await job.reportProgress(0, 9);
        tookOver.resolve();
        await finish.promise;
        await job.reportProgress(9, 9);
        return 'done by B';
      });
      await proxy.cut();
      reportWhileAway.resolve();
      await within(tookOver.promise, 'B to take the job over once A\u2019s hold lapsed', 20_000);
      await proxy.resume();
      expect(await within(stopped.promise, 'A\u2019s attempt to be told to stop once Redis is back', 20_000)).toBe(HOLD_LOST);
      await within(reportedWhileAway.promise, 'A\u2019s report sent while Redis was away');
      await within(lateReportIgnored.promise, 'A\u2019s late report');
      // B counts what A did (3 of 9) from its start; A's report from the outage (5) is refused.
      expect(await b.getJob('first')).toMatchObject({ state: 'active', progress: { done: 3, total: 9 } });
      finish.resolve();
      await within(b.whenIdle(), 'B to complete the job', 20_000);
      expect(await b.getJob('first')).toMatchObject({ state: 'completed', result: 'done by B', progress: { done: 9, total: 9 }, attemptsMade: 1 });
      // A is not wedged by the attempt it gave up: it runs the next job.
      await b.close();
      // A's own connection for enqueuing comes back on its own reconnection schedule, which a
      // loaded machine can leave behind its worker's: refused meanwhile (the API's 503), the
      // enqueue is sent again, as a client would, until A's connection is back (bounded).
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          await a.enqueue('fan-out', {}, { jobId: 'second' });
          break;
        } catch (error: unknown) {
          if (!(error instanceof JobQueueUnavailableError) || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      await within(a.whenIdle(), 'A to run the next job', 20_000);
      expect(await a.getJob('second')).toMatchObject({ state: 'completed', result: 'done by A' });
    } finally {
      await within(a.close(), 'close', 10_000).catch(() => undefined);
      await proxy.cut();
    }
  }, 60_000);
});

describe('BullMqJobQueue when it takes a job over from its own earlier attempt', () => {
  afterEach(async () => {
    holds.releaseAll();
    await redis.closeQueues();
  });

  /**
   * The earlier attempt's lock is deleted (as if it lapsed while Redis was away) and this worker's
   * own stalled-job check, every 0.1 s, hands the job back to this same worker (two slots).
   */
  async function takenOverHere(lockDurationMs: number) {
    const queueName = redis.queueName('self');
    // The take-over, ≈ 40 ms after the lock's deletion, comes long before BullMQ's own first
    // renewal (a quarter of the lock's duration after the start at the earliest), which would
    // find the lock gone and stop the first attempt before the job is taken over.
    const queue = redis.open({ queueName, lockDurationMs, stalledIntervalMs: 20 });
    const lockKey = `${redis.prefix}:${queueName}:${toBullMqJobId('x')}:lock`;
    const first = { started: deferred(), stopped: deferred<unknown>(), lockWhenStopped: deferred<string | null>() };
    const second = { started: deferred(), finish: holds.hold() };
    let calls = 0;
    const order: string[] = [];
    queue.registerProcessor(
      'fan-out',
      async (job) => {
        calls += 1;
        if (calls === 1) {
          first.started.resolve();
          await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
          first.lockWhenStopped.resolve(await redis.connection.get(lockKey));
          order.push('first stopped');
          first.stopped.resolve(job.signal.reason);
          return 'first attempt';
        }
        if (calls > 2) return 'a third attempt';
        order.push('second started');
        second.started.resolve();
        await second.finish.promise;
        return 'second attempt';
      },
      { concurrency: 2 },
    );
    await queue.enqueue('fan-out', {}, { jobId: 'x' });
    await within(first.started.promise, 'the first attempt to start');
    expect(await redis.connection.del(lockKey)).toBe(1);
    await within(second.started.promise, 'this worker to take the job over', 10_000);
    // Stopped because the job was taken over (the lock holds the second attempt's token), not
    // because a renewal found the lock gone first.
    expect(await within(first.lockWhenStopped.promise, 'the first attempt to stop')).not.toBeNull();
    return { queue, first, second, lockKey, calls: () => calls, order };
  }

  it('stops the earlier attempt (HOLD_LOST) as soon as the job is taken over here, not at its next renewal, and starts the new one once the earlier stopped', async () => {
    // Renewals every 30 s: only the take-over can tell the earlier attempt within the test.
    const { queue, first, second, calls, order } = await takenOverHere(60_000);
    expect(await within(first.stopped.promise, 'the earlier attempt to be told it lost the job')).toBe(HOLD_LOST);
    // The second attempt waited for the first to reach its safe point: never both at once.
    expect(order).toEqual(['first stopped', 'second started']);
    second.finish.resolve();
    await within(queue.whenIdle(), 'the second attempt to complete the job', 10_000);
    expect(await queue.getJob('x')).toMatchObject({ state: 'completed', result: 'second attempt' });
    expect(calls()).toBe(2);
  }, 30_000);

  it('keeps the second attempt\u2019s lock alive after the earlier attempt ended (BullMQ forgets the job id then): no third attempt beside it', async () => {
    const { queue, first, second, lockKey, calls } = await takenOverHere(2000);
    await within(first.stopped.promise, 'the earlier attempt to be told it lost the job');
    // Three renewals of the second attempt's lock after the first ended (its end is when BullMQ
    // stops renewing the job): without them the lock lapses within 2 s and a third attempt starts.
    let renewals = 0;
    let last = Number(await redis.connection.pttl(lockKey));
    await within(
      (async () => {
        while (renewals < 3 && calls() === 2) {
          await new Promise<void>((resolve) => setTimeout(resolve, 20));
          const ttl = Number(await redis.connection.pttl(lockKey));
          if (ttl > last) renewals += 1;
          last = ttl;
        }
      })(),
      'three renewals of the second attempt\u2019s lock',
      10_000,
    );
    expect(calls()).toBe(2);
    second.finish.resolve();
    await within(queue.whenIdle(), 'the second attempt to complete the job', 10_000);
    expect(await queue.getJob('x')).toMatchObject({ state: 'completed', result: 'second attempt' });
    expect(calls()).toBe(2);
  }, 30_000);
});

describe('BullMqJobQueue reporting a job this worker no longer held', () => {
  afterEach(async () => {
    holds.releaseAll();
    await redis.closeQueues();
  });

  /**
   * An attempt that ends after its lock was tampered with (no renewal within the test: the lock
   * is found changed only when the attempt ends): what reached onHoldLost and onError once BullMQ
   * refused to complete it, then to fail it (its fallback) — both the same news.
   */
  async function endWithoutItsLock(tamper: (lockKey: string) => Promise<unknown>): Promise<{ lost: string[]; errors: string[] }> {
    const queueName = redis.queueName('gone');
    const errors: string[] = [];
    const lost: string[] = [];
    const queue = redis.open({ queueName, lockDurationMs: 60_000, onError: (e) => errors.push(e.message), onHoldLost: (e) => lost.push(e.message) });
    const started = deferred();
    const finish = holds.hold();
    queue.registerProcessor('fan-out', async () => {
      started.resolve();
      await finish.promise;
      return 'done';
    });
    await queue.enqueue('fan-out', {}, { jobId: 'x' });
    await within(started.promise, 'the attempt to start');
    await tamper(`${redis.prefix}:${queueName}:${toBullMqJobId('x')}:lock`);
    finish.resolve();
    await within(
      (async () => {
        while (lost.length + errors.length < 2) await new Promise<void>((resolve) => setTimeout(resolve, 10));
      })(),
      'BullMQ to refuse the end of the attempt twice',
    );
    return { lost, errors };
  }

  it('tells onHoldLost, not onError: after an outage it is expected, not a fault of Redis (an operator read it as a Redis error, and a later reconnection as a recovery from it)', async () => {
    const { lost, errors } = await endWithoutItsLock(async (lockKey) => expect(await redis.connection.del(lockKey)).toBe(1));
    expect(lost).toEqual([expect.stringMatching(/^Missing lock for job .*moveToFinished/), expect.stringMatching(/^Missing lock for job /)]);
    expect(errors).toEqual([]);
  });

  it('also when another attempt holds the job now (its lock holds another token)', async () => {
    const { lost, errors } = await endWithoutItsLock(async (lockKey) => expect(await redis.connection.set(lockKey, 'another-attempts-token', 'PX', 60_000)).toBe('OK'));
    expect(lost).toEqual([expect.stringMatching(/^Lock mismatch for job .*moveToFinished/), expect.stringMatching(/^Lock mismatch for job /)]);
    expect(errors).toEqual([]);
  });
});

describe('BullMqJobQueue when Redis comes back without its data', () => {
  it('asks again for the schedules it was asked for: a Redis restarted without persistence had lost them', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    const name = redis.queueName('lost');
    const queue = new BullMqJobQueue({ connection: { url: via }, queueName: name, prefix: redis.prefix, onError: () => undefined });
    const bull = redis.bullQueue(name);
    try {
      await queue.schedule('sweep', 3_600_000, {});
      const client = (await (queue as unknown as { queue: Queue }).queue.getBackend().client) as unknown as Redis;
      await proxy.cut();
      // What a restart without persistence leaves: nothing of the queue, the schedule included.
      await bull.obliterate({ force: true });
      expect(await bull.getJobScheduler('repeat:sweep')).toBeUndefined();
      const up = once(client, 'ready');
      await proxy.resume();
      await within(up, 'the connection to be ready again', 20_000);
      // Its listener, added before this test's, asked at 'ready': wait for that answer.
      await within(queue.schedulesRenewed, 'the schedule to be asked for again');
      expect(await bull.getJobScheduler('repeat:sweep')).toMatchObject({ every: 3_600_000, name: 'sweep' });
      // One run of it queued, as at the first upsert: nothing lost, nothing doubled.
      const runs = await bull.getJobCounts('wait', 'delayed');
      expect(runs.wait! + runs.delayed!).toBe(1);
    } finally {
      await queue.close();
      await proxy.cut();
    }
  }, 60_000);
});

describe('BullMqJobQueue closing while Redis is away', () => {
  it('close resolves (BullMQ\'s QUIT is refused without an offline queue: the connection is dropped instead)', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    const lost = deferred();
    // Owning its queue (connection options), as the adapter does outside Nest.
    const queue = new BullMqJobQueue({ connection: { url: via }, queueName: redis.queueName('away'), prefix: redis.prefix, onError: () => lost.resolve() });
    try {
      await queue.enqueue('flag', {}, { jobId: 'before' });
      await proxy.cut();
      await within(lost.promise, 'the connection to be lost');
      await expect(within(queue.close(), 'close with Redis away')).resolves.toBeUndefined();
    } finally {
      await proxy.cut();
    }
  });

  it('a processing adapter closes too: its worker and its queue events, connected before Redis went', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    const lost = deferred();
    const queue = new BullMqJobQueue({ connection: { url: via }, queueName: redis.queueName('away-worker'), prefix: redis.prefix, onError: () => lost.resolve() });
    try {
      queue.registerProcessor('flag', async () => 'done');
      await queue.enqueue('flag', {}, { jobId: 'before' });
      await within(queue.whenIdle(), 'the job to run');
      // Its queue events (whenIdle's), connected: their close is the one that waited for ever.
      await within((queue as unknown as { events: QueueEvents }).events.waitUntilReady(), 'the queue events to connect');
      await proxy.cut();
      await within(lost.promise, 'the connection to be lost');
      await expect(within(queue.close(), 'close with Redis away')).resolves.toBeUndefined();
    } finally {
      await proxy.cut();
    }
  });

  it('every connection it opens destroys a socket it ends after a quarter second, not ioredis\u2019s 2 s: a socket dropped with Redis away had closed already, and its timer kept a closed process alive', async () => {
    const queue = redis.open({ queueName: redis.queueName('quick-end'), ownConnection: true });
    try {
      queue.registerProcessor('flag', async () => 'done');
      await queue.enqueue('flag', {});
      await within(queue.whenIdle(), 'the job to run');
      type Backend = { connection: { client: Promise<Redis> }; blockingConnection?: { client: Promise<Redis> } };
      const peek = queue as unknown as { queue: Queue; worker: { getBackend(): Backend }; events: QueueEvents };
      const backends = [peek.queue.getBackend() as unknown as Backend, peek.worker.getBackend(), peek.events.getBackend() as unknown as Backend];
      const clients = await Promise.all(backends.flatMap((b) => [b.connection.client, ...(b.blockingConnection ? [b.blockingConnection.client] : [])]));
      expect(clients).toHaveLength(4); // the queue's, the worker's and its blocking one, the events'
      for (const client of clients) expect(client.options.disconnectTimeout).toBe(QUICK_END.disconnectTimeout);
    } finally {
      await queue.close();
    }
  });

  it('a processing adapter that never reached Redis closes too', async () => {
    const { proxy, url: via } = await TcpProxy.forUrl(REDIS_URL, 6379);
    await proxy.cut(); // Redis away from the start
    const queue = new BullMqJobQueue({ connection: { url: via }, queueName: redis.queueName('never-worker'), prefix: redis.prefix, callTimeoutMs: 200, onError: () => undefined });
    queue.registerProcessor('flag', async () => 'done');
    // Starts the queue events (their connection, never made): idle never comes without Redis.
    const idle = queue.whenIdle();
    await expect(within(queue.close(), 'close with Redis away')).resolves.toBeUndefined();
    await expect(within(idle, 'whenIdle to end with the close')).resolves.toBeUndefined();
  });
});

describe('BullMqJobQueue at close', () => {
  it('a long job stops when its signal says so (JobInterruptedError): back to waiting for another worker, no attempt counted, progress kept until it runs', async () => {
    const queueName = redis.queueName('interrupt');
    const first = redis.open({ queueName, ownConnection: true });
    const inside = deferred();
    first.registerProcessor('fan-out', stopsAtShutdown(inside));
    const jobId = await first.enqueue('fan-out', {}, { attempts: 1 });
    await within(inside.promise, 'the job to start');
    // close() waits for the running job: it ends because the processor stopped.
    await within(first.close(), 'close');
    const bull = redis.bullQueue(queueName);
    try {
      const job = (await bull.getJob(toBullMqJobId(jobId)))!;
      expect([await job.getState(), job.attemptsMade]).toEqual(['waiting', 0]);
      const second = redis.open({ queueName, ownConnection: true });
      second.registerProcessor('fan-out', async () => 'flagged');
      await within(second.whenIdle(), 'the second worker to run it');
      expect(await second.getJob(jobId)).toMatchObject({ state: 'completed', result: 'flagged', attemptsMade: 1 });
    } finally {
      await bull.close();
    }
  });
});

/** A worker process that takes `stuck` jobs and never finishes them, for a test to SIGKILL mid-run. */
function stallingWorker(queueName: string, stalledIntervalMs?: number): { started: Promise<string>; kill: () => Promise<void> } {
  // It holds its jobs for 1 s (renewed every 0.5 s while it lives).
  const args = [STALLING_WORKER, REDIS_URL, redis.prefix, queueName, '1000', ...(stalledIntervalMs === undefined ? [] : [String(stalledIntervalMs)])];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('started ') && resolve(line.slice('started '.length)));
    void exited.then(() => reject(new Error(`the stalling worker exited: ${stderr}`)));
  });
  started.catch(() => undefined); // read by the test; a kill before it started is not a failure here
  return {
    started,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A `stuck` job taken by a worker process that is killed, then taken over by a second that is killed too. */
async function stalledTwice(): Promise<{ api: BullMqJobQueue; jobId: string; queueName: string }> {
  const queueName = redis.queueName();
  const api = redis.open({ queueName, ownConnection: true });
  const jobId = await api.enqueue('stuck', {});
  const first = stallingWorker(queueName);
  try {
    expect(await within(first.started, 'the first worker to take the job', 20_000)).toBe(jobId);
  } finally {
    await first.kill();
  }
  // The second looks for lapsed holds every 0.2 s: it takes the job over once the first's lapses.
  const second = stallingWorker(queueName, 200);
  try {
    expect(await within(second.started, 'the second worker to take the job over', 20_000)).toBe(jobId);
  } finally {
    await second.kill();
  }
  return { api, jobId, queueName };
}

/** Resolves once the job is `delayed` and `ready` says so of it (polled: BullMQ tells no event for a hold). */
async function delayedWhen(bull: Queue, jobId: string, ready: (job: { attemptsStarted: number; attemptsMade: number }) => boolean): Promise<void> {
  for (;;) {
    const job = await bull.getJob(toBullMqJobId(jobId));
    if (job !== undefined && ready(job) && (await job.getState()) === 'delayed') return;
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once a worker has taken the job and put it back, `delayed`, without running it. */
const heldBack = (bull: Queue, jobId: string): Promise<void> => delayedWhen(bull, jobId, (job) => job.attemptsStarted > 0);

/** Resolves once the job has ended an attempt and waits, `delayed`, for its retry. */
const inRetryBackOff = (bull: Queue, jobId: string): Promise<void> => delayedWhen(bull, jobId, (job) => job.attemptsMade > 0);
