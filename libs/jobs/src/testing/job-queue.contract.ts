import { JobQueueClosedError, type JobContext, type JobData, type JobQueue } from '../job-queue.port';
import { deferred, Holds, settle, within } from './async-helpers';

export interface JobQueueFixture {
  queue: JobQueue;
  cleanup(): Promise<void>;
}

/**
 * A fresh, empty queue per test. Configure it with a back-off of a few milliseconds: the retry
 * tests run every attempt for real.
 */
export type JobQueueFactory = () => Promise<JobQueueFixture>;

/** Schedules' period: short, because the schedule tests wait for real runs. */
const EVERY_MS = 25;

/**
 * The behaviour every JobQueue adapter must show, on real time but without sleeping: a test waits
 * for what its processors signal (with a deadline), and proves that something stopped by waiting
 * for a witness schedule to run several more times.
 */
export function describeJobQueueContract(name: string, factory: JobQueueFactory): void {
  describe(`JobQueue contract: ${name}`, () => {
    let fixture: JobQueueFixture | undefined;
    const holds = new Holds();
    const current = (): JobQueue => {
      if (!fixture) throw new Error('no queue: the factory has not run');
      return fixture.queue;
    };
    beforeEach(async () => {
      fixture = await factory();
    });
    afterEach(async () => {
      holds.releaseAll();
      await fixture?.cleanup();
      fixture = undefined;
    });

    describe('running jobs', () => runningContract(current, holds));
    describe('retries', () => retryContract(current));
    describe('deterministic ids', () => idContract(current));
    describe('concurrency', () => concurrencyContract(current, holds));
    describe('idle and close', () => lifecycleContract(current, holds));
    describe('schedules', () => scheduleContract(current));
  });
}

type CurrentQueue = () => JobQueue;

function runningContract(current: CurrentQueue, holds: Holds): void {
  it('runs a job to completed, with its progress and result', async () => {
    const queue = current();
    const reported = deferred();
    const release = holds.hold();
    queue.registerProcessor<{ n: number }>('count', async (job) => {
      await job.reportProgress(1, job.data.n);
      reported.resolve();
      await release.promise;
      await job.reportProgress(job.data.n, job.data.n);
      return { counted: job.data.n };
    });
    const jobId = await queue.enqueue('count', { n: 3 });
    await within(reported.promise, 'the first progress report');
    expect(await queue.getJob(jobId)).toEqual({ jobId, name: 'count', state: 'active', progress: { done: 1, total: 3 }, attemptsMade: 1 });
    release.resolve();
    await within(queue.whenIdle(), 'idle');
    expect(await queue.getJob(jobId)).toEqual({
      jobId, name: 'count', state: 'completed', progress: { done: 3, total: 3 }, attemptsMade: 1, result: { counted: 3 },
    });
  });

  it('hands the processor its id, name, data and attempt', async () => {
    const queue = current();
    const seen: Array<Omit<JobContext<{ year: number }>, 'reportProgress' | 'signal'>> = [];
    queue.registerProcessor<{ year: number }>('echo', async ({ id, name, data, attempt }) => void seen.push({ id, name, data, attempt }));
    const jobId = await queue.enqueue('echo', { year: 2024 });
    await within(queue.whenIdle(), 'idle');
    expect(seen).toEqual([{ id: jobId, name: 'echo', data: { year: 2024 }, attempt: 1 }]);
  });

  it('ignores a progress report made after the attempt ended', async () => {
    const queue = current();
    let lateReport: JobContext<JobData>['reportProgress'] | undefined;
    queue.registerProcessor('quick', async (job) => {
      await job.reportProgress(1, 1);
      lateReport = job.reportProgress;
      return 'done';
    });
    const jobId = await queue.enqueue('quick', {});
    await within(queue.whenIdle(), 'idle');
    await lateReport!(0, 5);
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'completed', progress: { done: 1, total: 1 } });
  });

  it('answers null for a job it never saw', async () => {
    expect(await current().getJob('never-enqueued')).toBeNull();
  });

  it('keeps a job waiting until a processor for its name is registered', async () => {
    const queue = current();
    const jobId = await queue.enqueue('late', {});
    await within(queue.whenIdle(), 'idle without a processor');
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'waiting', attemptsMade: 0, progress: { done: 0, total: 0 } });
    queue.registerProcessor('late', async () => 'ran');
    await within(queue.whenIdle(), 'idle');
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'completed', result: 'ran' });
  });

  it('refuses a second processor for one name', () => {
    const queue = current();
    queue.registerProcessor('one', async () => 'first');
    expect(() => queue.registerProcessor('one', async () => 'second')).toThrow(/already registered/);
  });
}

function retryContract(current: CurrentQueue): void {
  it('retries a failing job, then completes it when an attempt succeeds', async () => {
    const queue = current();
    const seen: number[] = [];
    queue.registerProcessor('flaky', async (job) => {
      seen.push(job.attempt);
      if (job.attempt < 3) throw new Error(`attempt ${job.attempt} failed`);
      return 'ok';
    });
    const jobId = await queue.enqueue('flaky', {});
    await within(queue.whenIdle(), 'idle');
    expect(seen).toEqual([1, 2, 3]);
    const view = await queue.getJob(jobId);
    expect(view).toMatchObject({ state: 'completed', attemptsMade: 3, result: 'ok' });
    expect(view?.error).toBeUndefined();
  });

  it('a job run again shows no less done than an earlier attempt reached of the same total, until it passes it; another total as reported', async () => {
    const queue = current();
    let jobId = '';
    const seen: unknown[] = [];
    queue.registerProcessor('resumes', async (job) => {
      if (job.attempt === 1) {
        await job.reportProgress(5, 10);
        throw new Error('cut short');
      }
      if (job.attempt === 2) {
        for (const done of [0, 7]) {
          await job.reportProgress(done, 10);
          seen.push((await queue.getJob(jobId))?.progress);
        }
        throw new Error('cut short again');
      }
      await job.reportProgress(1, 3); // fewer items left: other work
      seen.push((await queue.getJob(jobId))?.progress);
      return 'ok';
    });
    jobId = await queue.enqueue('resumes', {});
    await within(queue.whenIdle(), 'idle');
    expect(seen).toEqual([{ done: 5, total: 10 }, { done: 7, total: 10 }, { done: 1, total: 3 }]);
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'completed', attemptsMade: 3, progress: { done: 1, total: 3 } });
  });

  it('marks a job failed once its attempts (3 by default) are used up, with the last error', async () => {
    const queue = current();
    let runs = 0;
    queue.registerProcessor('broken', async () => {
      runs += 1;
      throw new Error(`boom ${runs}`);
    });
    const jobId = await queue.enqueue('broken', {});
    await within(queue.whenIdle(), 'idle');
    expect(runs).toBe(3);
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'failed', attemptsMade: 3, error: 'boom 3' });
  });

  it('honours a per-job attempts count', async () => {
    const queue = current();
    let runs = 0;
    queue.registerProcessor('once', async () => {
      runs += 1;
      throw new Error('no');
    });
    const jobId = await queue.enqueue('once', {}, { attempts: 1 });
    await within(queue.whenIdle(), 'idle');
    expect(runs).toBe(1);
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'failed', attemptsMade: 1, error: 'no' });
  });

  it('treats a processor that throws synchronously as a failed attempt', async () => {
    const queue = current();
    queue.registerProcessor('sync-throw', (() => {
      throw new Error('sync');
    }) as () => Promise<unknown>);
    const jobId = await queue.enqueue('sync-throw', {}, { attempts: 1 });
    await within(queue.whenIdle(), 'idle');
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'failed', error: 'sync' });
  });
}

function idContract(current: CurrentQueue): void {
  it('returns the existing job for a deterministic id, without a second run', async () => {
    const queue = current();
    let runs = 0;
    queue.registerProcessor('flag', async () => {
      runs += 1;
      return runs;
    });
    const first = await queue.enqueue('flag', { year: 2024 }, { jobId: 'flag:inst-1:2024' });
    const again = await queue.enqueue('flag', { year: 2024 }, { jobId: 'flag:inst-1:2024' });
    await within(queue.whenIdle(), 'idle');
    const afterCompletion = await queue.enqueue('flag', { year: 2024 }, { jobId: 'flag:inst-1:2024' });
    await within(queue.whenIdle(), 'idle');
    expect([first, again, afterCompletion]).toEqual(['flag:inst-1:2024', 'flag:inst-1:2024', 'flag:inst-1:2024']);
    expect(runs).toBe(1);
    expect(await queue.getJob('flag:inst-1:2024')).toMatchObject({ jobId: 'flag:inst-1:2024', state: 'completed', result: 1 });
  });

  it('runs a failed job again when its id is enqueued again, its attempts starting over', async () => {
    const queue = current();
    let runs = 0;
    queue.registerProcessor('flaky', async (job) => {
      runs += 1;
      await job.reportProgress(runs === 1 ? 4 : 1, 9);
      if (runs === 1) throw new Error('first time');
      return 'done';
    });
    await queue.enqueue('flaky', {}, { jobId: 'flaky-1', attempts: 1 });
    await within(queue.whenIdle(), 'idle');
    expect(await queue.getJob('flaky-1')).toMatchObject({ state: 'failed', attemptsMade: 1, progress: { done: 4, total: 9 } });
    expect(await queue.enqueue('flaky', {}, { jobId: 'flaky-1', attempts: 1 })).toBe('flaky-1');
    await within(queue.whenIdle(), 'idle');
    expect(runs).toBe(2);
    // A new run: its progress starts afresh, not from the failed run's.
    expect(await queue.getJob('flaky-1')).toMatchObject({ state: 'completed', attemptsMade: 1, result: 'done', progress: { done: 1, total: 9 } });
  });

  it('takes any non-empty string as an id, exactly as given', async () => {
    const queue = current();
    // Shapes a queue might reserve: colons (not three parts), integers, escapes, a scheduler's.
    const ids = ['sweep:2024', 'a:b:c:d', '42', '-7', '007', '100%:done', '%3A', 'repeat:sweep:1700000000000', '证书 2024'];
    const seen: string[] = [];
    queue.registerProcessor('odd-id', async (job) => void seen.push(job.id));
    for (const id of ids) expect(await queue.enqueue('odd-id', {}, { jobId: id })).toBe(id);
    for (const id of ids) expect(await queue.enqueue('odd-id', {}, { jobId: id })).toBe(id);
    await within(queue.whenIdle(), 'idle');
    expect([...seen].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await queue.getJob(id)).toMatchObject({ jobId: id, state: 'completed' });
  });

  it('gives distinct ids to jobs enqueued without one', async () => {
    const queue = current();
    queue.registerProcessor('any', async () => 'ok');
    const a = await queue.enqueue('any', {});
    const b = await queue.enqueue('any', {});
    expect(a).not.toBe(b);
    await within(queue.whenIdle(), 'idle');
  });
}

function concurrencyContract(current: CurrentQueue, holds: Holds): void {
  it('runs jobs of one name one at a time, in enqueue order, by default', async () => {
    const queue = current();
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
    for (const id of ['a', 'b', 'c', 'd']) await queue.enqueue('serial', { id });
    await within(queue.whenIdle(), 'idle');
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(maxActive).toBe(1);
  });

  it('runs up to the configured concurrency at once', async () => {
    const queue = current();
    const twoActive = deferred();
    const release = holds.hold();
    let active = 0;
    let maxActive = 0;
    queue.registerProcessor('wide', async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      if (active === 2) twoActive.resolve();
      await release.promise;
      active -= 1;
    }, { concurrency: 2 });
    const ids = [await queue.enqueue('wide', {}), await queue.enqueue('wide', {}), await queue.enqueue('wide', {})];
    await within(twoActive.promise, 'two jobs running at once');
    expect(await Promise.all(ids.map(async (id) => (await queue.getJob(id))?.state))).toEqual(['active', 'active', 'waiting']);
    release.resolve();
    await within(queue.whenIdle(), 'idle');
    expect(maxActive).toBe(2);
  });
}

function lifecycleContract(current: CurrentQueue, holds: Holds): void {
  it('whenIdle waits for a job that is still running', async () => {
    const queue = current();
    const started = deferred();
    const release = holds.hold();
    let idle = false;
    let idleWhenReleased: boolean | undefined;
    queue.registerProcessor('slow', async () => {
      started.resolve();
      await release.promise;
      idleWhenReleased = idle;
      return 'done';
    });
    const jobId = await queue.enqueue('slow', {});
    await within(started.promise, 'the job to start');
    const idlePromise = queue.whenIdle().then(() => (idle = true));
    // A round trip to the queue's store: time for whenIdle to look, and to see the job running.
    await queue.getJob(jobId);
    await settle();
    release.resolve();
    await within(idlePromise, 'idle');
    expect(idleWhenReleased).toBe(false);
    expect((await queue.getJob(jobId))?.state).toBe('completed');
  });

  it('close waits for the active job, then starts nothing and refuses new work', async () => {
    const queue = current();
    const started = deferred();
    const release = holds.hold();
    const startedIds: string[] = [];
    let closed = false;
    let closedWhenFinished: boolean | undefined;
    queue.registerProcessor<{ id: string }>('slow', async (job) => {
      startedIds.push(job.data.id);
      started.resolve();
      await release.promise;
      closedWhenFinished = closed;
      return 'done';
    });
    await queue.enqueue('slow', { id: 'first' });
    await queue.enqueue('slow', { id: 'second' });
    await within(started.promise, 'the first job to start');
    const closing = queue.close().then(() => (closed = true));
    await settle();
    release.resolve();
    await within(closing, 'close');
    expect(closedWhenFinished).toBe(false);
    expect(startedIds).toEqual(['first']);
    await expect(queue.enqueue('slow', { id: 'third' })).rejects.toBeInstanceOf(JobQueueClosedError);
    await expect(queue.schedule('slow', EVERY_MS, { id: 'tick' })).rejects.toBeInstanceOf(JobQueueClosedError);
    await expect(queue.whenIdle()).resolves.toBeUndefined();
    await expect(queue.close()).resolves.toBeUndefined();
  });
}

function scheduleContract(current: CurrentQueue): void {
  /** Proof that time passed without a clock: another schedule on the same period runs `runs` times. */
  async function witness(queue: JobQueue, runs: number): Promise<void> {
    const done = deferred();
    let seen = 0;
    queue.registerProcessor('witness', async () => {
      seen += 1;
      if (seen === runs) done.resolve();
    });
    const scheduleId = await queue.schedule('witness', EVERY_MS, {});
    await within(done.promise, `${runs} runs of the witness schedule`);
    await queue.unschedule(scheduleId);
  }

  it('runs a scheduled job repeatedly under one stable schedule id, and no more once unscheduled', async () => {
    const queue = current();
    const runs: Array<{ id: string; data: unknown }> = [];
    const twoRuns = deferred();
    queue.registerProcessor('sweep', async (job) => {
      runs.push({ id: job.id, data: job.data });
      if (runs.length === 2) twoRuns.resolve();
    });
    const scheduleId = await queue.schedule('sweep', EVERY_MS, { kind: 'promotion-delay' });
    expect(scheduleId).toBe('repeat:sweep');
    await within(twoRuns.promise, 'two scheduled runs');
    expect(runs.slice(0, 2).map((r) => r.data)).toEqual([{ kind: 'promotion-delay' }, { kind: 'promotion-delay' }]);
    expect(runs[0]!.id).not.toBe(runs[1]!.id);
    expect((await queue.getJob(runs[0]!.id))?.name).toBe('sweep');

    await queue.unschedule(scheduleId);
    await within(queue.whenIdle(), 'idle');
    const runsWhenUnscheduled = runs.length;
    await witness(queue, 4);
    expect(runs).toHaveLength(runsWhenUnscheduled);
  });

  it('keeps one schedule when the same schedule id is set twice: one unschedule stops it', async () => {
    const queue = current();
    let runs = 0;
    const ran = deferred();
    queue.registerProcessor('sweep', async () => {
      runs += 1;
      ran.resolve();
    });
    expect(await queue.schedule('sweep', EVERY_MS, {}, { scheduleId: 'nightly' })).toBe('nightly');
    expect(await queue.schedule('sweep', EVERY_MS, {}, { scheduleId: 'nightly' })).toBe('nightly');
    await within(ran.promise, 'a scheduled run');
    await queue.unschedule('nightly');
    await within(queue.whenIdle(), 'idle');
    const runsWhenUnscheduled = runs;
    await witness(queue, 4);
    expect(runs).toBe(runsWhenUnscheduled);
  });

  it("whenIdle does not wait for a schedule's next run", async () => {
    const queue = current();
    queue.registerProcessor('hourly', async () => 'swept');
    await queue.schedule('hourly', 3_600_000, {});
    // Whether the first run comes at once (BullMQ) or after the period (in-process), the next is a timer.
    await within(queue.whenIdle(), 'idle while a schedule waits for its next run');
  });

  it('rejects a period that is not a positive number', async () => {
    await expect(current().schedule('sweep', 0, {})).rejects.toBeInstanceOf(RangeError);
  });
}
