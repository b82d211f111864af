import { JobQueueClosedError, type JobContext } from '../job-queue.port';
import { ManualJobTimers } from '../testing/manual-job-timers';
import { InProcessJobQueue } from './in-process-job-queue.adapter';

/** A promise the test settles by hand: holds a job in `active` for as long as it needs. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every already-scheduled callback run (an event-loop turn, not a wait on time). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('InProcessJobQueue', () => {
  let timers: ManualJobTimers;
  let queue: InProcessJobQueue;

  beforeEach(() => {
    timers = new ManualJobTimers();
    queue = new InProcessJobQueue({ timers });
  });

  afterEach(() => queue.close());

  it('runs a job to completed, with its progress and result', async () => {
    const release = deferred();
    queue.registerProcessor<{ n: number }>('count', async (job) => {
      await job.reportProgress(1, job.data.n);
      await release.promise;
      await job.reportProgress(job.data.n, job.data.n);
      return { counted: job.data.n };
    });
    const jobId = await queue.enqueue('count', { n: 3 });
    await settle();
    expect(await queue.getJob(jobId)).toEqual({ jobId, name: 'count', state: 'active', progress: { done: 1, total: 3 }, attemptsMade: 1 });
    release.resolve();
    await queue.whenIdle();
    expect(await queue.getJob(jobId)).toEqual({
      jobId, name: 'count', state: 'completed', progress: { done: 3, total: 3 }, attemptsMade: 1, result: { counted: 3 },
    });
  });

  it('answers null for a job it never saw', async () => {
    expect(await queue.getJob('nope')).toBeNull();
  });

  it('keeps a job waiting until a processor for its name is registered', async () => {
    const jobId = await queue.enqueue('late', {});
    await queue.whenIdle();
    expect((await queue.getJob(jobId))?.state).toBe('waiting');
    queue.registerProcessor('late', async () => 'ran');
    await queue.whenIdle();
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'completed', result: 'ran' });
  });

  it('retries a failing job with back-off, then completes it when an attempt succeeds', async () => {
    const seen: number[] = [];
    queue = new InProcessJobQueue({ timers, backoffMs: (n) => n * 100 });
    queue.registerProcessor('flaky', async (job: JobContext<Record<string, never>>) => {
      seen.push(job.attempt);
      if (job.attempt < 3) throw new Error(`attempt ${job.attempt} failed`);
      return 'ok';
    });
    const jobId = await queue.enqueue('flaky', {});
    await queue.whenIdle();
    expect(seen).toEqual([1, 2, 3]);
    expect(timers.delays).toEqual([100, 200]);
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'completed', attemptsMade: 3, result: 'ok' });
    expect((await queue.getJob(jobId))?.error).toBeUndefined();
  });

  it('marks a job failed once its attempts are used up, with the last error', async () => {
    let runs = 0;
    queue.registerProcessor('broken', async () => {
      runs += 1;
      throw new Error(`boom ${runs}`);
    });
    const jobId = await queue.enqueue('broken', {});
    await queue.whenIdle();
    expect(runs).toBe(3);
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'failed', attemptsMade: 3, error: 'boom 3' });
  });

  it('honours a per-job attempts count', async () => {
    let runs = 0;
    queue.registerProcessor('once', async () => {
      runs += 1;
      throw new Error('no');
    });
    const jobId = await queue.enqueue('once', {}, { attempts: 1 });
    await queue.whenIdle();
    expect(runs).toBe(1);
    expect((await queue.getJob(jobId))?.state).toBe('failed');
    expect(timers.delays).toEqual([]);
  });

  it('treats a processor that throws synchronously as a failed attempt', async () => {
    queue.registerProcessor('sync-throw', (() => {
      throw new Error('sync');
    }) as () => Promise<unknown>);
    const jobId = await queue.enqueue('sync-throw', {}, { attempts: 1 });
    await queue.whenIdle();
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'failed', error: 'sync' });
  });

  it('returns the existing job for a deterministic id, without a second run', async () => {
    let runs = 0;
    queue.registerProcessor('flag', async () => {
      runs += 1;
      return runs;
    });
    const first = await queue.enqueue('flag', { year: 2024 }, { jobId: 'flag:inst-1:2024' });
    const again = await queue.enqueue('flag', { year: 2024 }, { jobId: 'flag:inst-1:2024' });
    await queue.whenIdle();
    const afterCompletion = await queue.enqueue('flag', { year: 2024 }, { jobId: 'flag:inst-1:2024' });
    await queue.whenIdle();
    expect([first, again, afterCompletion]).toEqual(['flag:inst-1:2024', 'flag:inst-1:2024', 'flag:inst-1:2024']);
    expect(runs).toBe(1);
    expect(await queue.getJob('flag:inst-1:2024')).toMatchObject({ state: 'completed', result: 1 });
  });

  it('gives distinct ids to jobs enqueued without one', async () => {
    queue.registerProcessor('any', async () => undefined);
    const a = await queue.enqueue('any', {});
    const b = await queue.enqueue('any', {});
    expect(a).not.toBe(b);
  });

  it('runs jobs of one name one at a time, in enqueue order, by default', async () => {
    const order: string[] = [];
    let active = 0;
    let maxActive = 0;
    queue.registerProcessor<{ id: string }>('serial', async (job) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await settle();
      order.push(job.data.id);
      active -= 1;
    });
    for (const id of ['a', 'b', 'c']) await queue.enqueue('serial', { id });
    await queue.whenIdle();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(maxActive).toBe(1);
  });

  it('runs up to the configured concurrency at once', async () => {
    const release = deferred();
    let active = 0;
    let maxActive = 0;
    queue.registerProcessor('wide', async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await release.promise;
      active -= 1;
    }, { concurrency: 2 });
    const ids = [await queue.enqueue('wide', {}), await queue.enqueue('wide', {}), await queue.enqueue('wide', {})];
    await settle();
    expect(await Promise.all(ids.map(async (id) => (await queue.getJob(id))?.state))).toEqual(['active', 'active', 'waiting']);
    release.resolve();
    await queue.whenIdle();
    expect(maxActive).toBe(2);
  });

  it('whenIdle waits for a job that is still running', async () => {
    const release = deferred();
    let idle = false;
    queue.registerProcessor('slow', () => release.promise);
    const jobId = await queue.enqueue('slow', {});
    const idlePromise = queue.whenIdle().then(() => (idle = true));
    await settle();
    expect(idle).toBe(false);
    release.resolve();
    await idlePromise;
    expect((await queue.getJob(jobId))?.state).toBe('completed');
  });

  it('close waits for the active job, then starts nothing and refuses new jobs', async () => {
    const release = deferred();
    const started: string[] = [];
    queue.registerProcessor<{ id: string }>('slow', async (job) => {
      started.push(job.data.id);
      await release.promise;
      return 'done';
    });
    const first = await queue.enqueue('slow', { id: 'first' });
    const second = await queue.enqueue('slow', { id: 'second' });
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    release.resolve();
    await closing;
    expect(await queue.getJob(first)).toMatchObject({ state: 'completed', result: 'done' });
    expect(await queue.getJob(second)).toMatchObject({ state: 'waiting' });
    expect(started).toEqual(['first']);
    await expect(queue.enqueue('slow', { id: 'third' })).rejects.toBeInstanceOf(JobQueueClosedError);
    await expect(queue.whenIdle()).resolves.toBeUndefined();
  });

  it('runs a scheduled job at each tick under one stable schedule id', async () => {
    const runs: Array<{ id: string; data: unknown }> = [];
    queue.registerProcessor('sweep', async (job) => void runs.push({ id: job.id, data: job.data }));
    const scheduleId = await queue.schedule('sweep', 60_000, { kind: 'promotion-delay' });
    expect(scheduleId).toBe('repeat:sweep');
    expect(runs).toEqual([]);
    timers.fire();
    await queue.whenIdle();
    timers.fire();
    await queue.whenIdle();
    expect(runs.map((r) => r.data)).toEqual([{ kind: 'promotion-delay' }, { kind: 'promotion-delay' }]);
    expect(runs[0]!.id).not.toBe(runs[1]!.id);
    expect(runs.every((r) => r.id.startsWith('repeat:sweep:'))).toBe(true);
  });

  it('keeps one schedule when the same schedule is set twice, and none after unschedule', async () => {
    let runs = 0;
    queue.registerProcessor('sweep', async () => void (runs += 1));
    await queue.schedule('sweep', 1000, {});
    await queue.schedule('sweep', 1000, {});
    expect(timers.activeRepeats).toBe(1);
    timers.fire();
    await queue.whenIdle();
    expect(runs).toBe(1);
    await queue.unschedule('repeat:sweep');
    expect(timers.activeRepeats).toBe(0);
  });

  it('skips a tick while the previous run of the schedule is still active', async () => {
    const release = deferred();
    let runs = 0;
    queue.registerProcessor('sweep', async () => {
      runs += 1;
      await release.promise;
    });
    await queue.schedule('sweep', 1000, {});
    timers.fire();
    await settle();
    timers.fire();
    release.resolve();
    await queue.whenIdle();
    expect(runs).toBe(1);
  });

  it('stops its schedules on close', async () => {
    await queue.schedule('sweep', 1000, {});
    await queue.close();
    expect(timers.activeRepeats).toBe(0);
  });

  it('forgets the oldest finished jobs beyond keepFinished', async () => {
    queue = new InProcessJobQueue({ timers, keepFinished: 2 });
    queue.registerProcessor('tiny', async () => undefined);
    const ids = [await queue.enqueue('tiny', {}), await queue.enqueue('tiny', {}), await queue.enqueue('tiny', {})];
    await queue.whenIdle();
    expect(await queue.getJob(ids[0]!)).toBeNull();
    expect((await queue.getJob(ids[2]!))?.state).toBe('completed');
  });

  it('a failed job run again is no longer counted among the finished: later jobs do not evict it while it runs', async () => {
    queue = new InProcessJobQueue({ timers, keepFinished: 2 });
    let release: () => void = () => undefined;
    let runs = 0;
    queue.registerProcessor('again', async () => {
      runs += 1;
      if (runs === 1) throw new Error('first');
      if (runs === 2) await new Promise<void>((resolve) => (release = resolve));
    });
    queue.registerProcessor('tiny', async () => undefined);
    await queue.enqueue('again', {}, { jobId: 'j', attempts: 1 });
    await queue.whenIdle();
    expect((await queue.getJob('j'))?.state).toBe('failed');
    await queue.enqueue('again', {}, { jobId: 'j', attempts: 1 });
    await settle();
    for (let i = 0; i < 3; i++) await queue.enqueue('tiny', {});
    await settle();
    expect((await queue.getJob('j'))?.state).toBe('active');
    release();
    await queue.whenIdle();
    expect((await queue.getJob('j'))?.state).toBe('completed');
    expect(runs).toBe(2);
  });

  it('refuses a second processor for one name', () => {
    queue.registerProcessor('one', async () => undefined);
    expect(() => queue.registerProcessor('one', async () => undefined)).toThrow(/already registered/);
  });
});
