/** The in-process queue with its journal on a real SQLite file: what a restart keeps. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeJobQueueContract } from '../testing/job-queue.contract';
import { deferred, settle, stopsAtShutdown } from '../testing/async-helpers';
import { ManualJobTimers } from '../testing/manual-job-timers';
import { InProcessJobQueue } from './in-process-job-queue.adapter';
import { openSqliteJobJournal } from './sqlite-job-journal';

let dir: string;
let file: string;
let opened: InProcessJobQueue[] = [];
/** A queue on the test's journal file, as a process (re)starting would open it. */
const start = (options: { keepFinished?: number } = {}) => {
  const queue = new InProcessJobQueue({ timers: new ManualJobTimers(), journal: openSqliteJobJournal(file), ...options });
  opened.push(queue);
  return queue;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jx-jobs-'));
  file = join(dir, 'jobs.sqlite');
});
afterEach(async () => {
  await Promise.all(opened.map((q) => q.close()));
  opened = [];
  rmSync(dir, { recursive: true, force: true });
});

describe('InProcessJobQueue with a journal', () => {
  it('a job accepted before a restart runs after it under the same id, and its outcome outlives the next one', async () => {
    const before = start();
    const jobId = await before.enqueue('count', { n: 2 }, { jobId: 'job-1' });
    await before.close(); // no processor here: the job never started
    const after = start();
    expect(await after.getJob(jobId)).toMatchObject({ jobId, state: 'waiting', attemptsMade: 0 });
    after.registerProcessor<{ n: number }>('count', async (job) => {
      await job.reportProgress(job.data.n, job.data.n);
      return { counted: job.data.n };
    });
    await after.whenIdle();
    await after.close();
    expect(await start().getJob(jobId)).toEqual({ jobId, name: 'count', state: 'completed', progress: { done: 2, total: 2 }, attemptsMade: 1, result: { counted: 2 } });
  });

  it('a job cut short by a crash runs again on the next start; the cut attempt counts', async () => {
    const crashed = start();
    const hang = deferred();
    crashed.registerProcessor('slow', async () => hang.promise);
    const jobId = await crashed.enqueue('slow', {});
    await settle();
    expect((await crashed.getJob(jobId))?.state).toBe('active');
    // The process dies here: `crashed` is never closed before the next start reads the file.
    const next = start();
    expect(await next.getJob(jobId)).toMatchObject({ state: 'waiting', attemptsMade: 1 });
    next.registerProcessor('slow', async () => 'done');
    await next.whenIdle();
    expect(await next.getJob(jobId)).toMatchObject({ state: 'completed', attemptsMade: 2, result: 'done' });
    hang.resolve();
  });

  it('a job that took the process down in its last attempt is failed on the next start, not run again (no crash loop)', async () => {
    const crashed = start();
    const hang = deferred();
    crashed.registerProcessor('fatal', async () => hang.promise);
    const jobId = await crashed.enqueue('fatal', {}, { attempts: 1 });
    await settle();
    const next = start();
    let ran = false;
    next.registerProcessor('fatal', async () => {
      ran = true;
    });
    await next.whenIdle();
    expect(await next.getJob(jobId)).toMatchObject({ state: 'failed', attemptsMade: 1, error: 'the process stopped during its last attempt' });
    expect(ran).toBe(false);
    hang.resolve();
  });

  it('a job is accepted only once journaled: a refused write rejects the enqueue and leaves nothing behind', async () => {
    const journal = openSqliteJobJournal(file);
    const queue = new InProcessJobQueue({ timers: new ManualJobTimers(), journal });
    opened.push(queue);
    let runs = 0;
    queue.registerProcessor('flag', async () => {
      runs += 1;
    });
    // The journal's connection is its own (private): a refused write (a full disk, a read-only
    // file) can only be simulated on it. query_only refuses every write, and can be lifted again.
    const db = Reflect.get(journal, 'db') as Database.Database;
    db.pragma('query_only = ON');
    // Caught rather than `rejects.toThrow`: in Jest, better-sqlite3's errors may come from another
    // test file's realm (the addon keeps the first SqliteError class it was given), so they are
    // not `instanceof Error` here. The message is what counts.
    const refused = await queue.enqueue('flag', {}, { jobId: 'flag-1' }).then(
      () => 'accepted',
      (error: unknown) => String((error as { message?: unknown }).message),
    );
    expect(refused).toMatch(/readonly/);
    expect(await queue.getJob('flag-1')).toBeNull();
    expect(runs).toBe(0);
    db.pragma('query_only = OFF');
    await queue.enqueue('flag', {}, { jobId: 'flag-1' });
    await queue.whenIdle();
    expect(runs).toBe(1);
    expect((await queue.getJob('flag-1'))?.state).toBe('completed');
  });

  it('a result the journal cannot hold (a BigInt) is reported, and the job completes as in memory', async () => {
    const queue = start();
    queue.registerProcessor('sum', async () => 10n);
    const jobId = await queue.enqueue('sum', {});
    await queue.whenIdle();
    expect(await queue.getJob(jobId)).toMatchObject({ state: 'completed', result: 10n });
  });

  it('two processes on one file: an id the other accepted is not taken over — its outcome is shown, not run again', async () => {
    const a = start();
    const b = start();
    a.registerProcessor('flag', async () => ({ flagged: 5 }));
    let bRan = false;
    b.registerProcessor('flag', async () => {
      bRan = true;
    });
    await a.enqueue('flag', {}, { jobId: 'iflag-1' });
    await a.whenIdle();
    expect(await b.enqueue('flag', {}, { jobId: 'iflag-1' })).toBe('iflag-1');
    await b.whenIdle();
    expect(bRan).toBe(false);
    expect(await b.getJob('iflag-1')).toMatchObject({ state: 'completed', result: { flagged: 5 } });
  });

  it('a long job stops at close when its signal says so (JobInterruptedError): waiting again, the attempt not counted, it runs at the next start', async () => {
    const stopping = start();
    const inside = deferred();
    stopping.registerProcessor('fan-out', stopsAtShutdown(inside));
    const jobId = await stopping.enqueue('fan-out', {}, { attempts: 1 });
    await inside.promise;
    // close() waits for running attempts: it ends because the processor stopped.
    await stopping.close();
    const next = start();
    expect(await next.getJob(jobId)).toMatchObject({ state: 'waiting', attemptsMade: 0 });
    next.registerProcessor('fan-out', async () => 'flagged');
    await next.whenIdle();
    expect(await next.getJob(jobId)).toMatchObject({ state: 'completed', result: 'flagged', attemptsMade: 1 });
  });

  it('a job whose attempt fails while the queue closes waits for the next start (attempts left) instead of failing', async () => {
    const stopping = start();
    const failLate = deferred();
    stopping.registerProcessor('fan-out', async () => {
      await failLate.promise;
      throw new Error('the read models stopped');
    });
    const jobId = await stopping.enqueue('fan-out', {}, { attempts: 2 });
    await settle();
    const closing = stopping.close();
    failLate.resolve();
    await closing;
    const next = start();
    expect(await next.getJob(jobId)).toMatchObject({ state: 'waiting', attemptsMade: 1 });
    next.registerProcessor('fan-out', async () => 'flagged');
    await next.whenIdle();
    expect(await next.getJob(jobId)).toMatchObject({ state: 'completed', result: 'flagged' });
  });

  it('a failed job stays failed with its error; enqueued again it runs again', async () => {
    const first = start();
    first.registerProcessor('broken', async () => {
      throw new Error('no such institution');
    });
    const jobId = await first.enqueue('broken', {}, { jobId: 'b-1', attempts: 1 });
    await first.whenIdle();
    await first.close();
    const second = start();
    expect(await second.getJob(jobId)).toMatchObject({ state: 'failed', error: 'no such institution' });
    second.registerProcessor('broken', async () => 'fixed');
    await second.enqueue('broken', {}, { jobId: 'b-1' });
    await second.whenIdle();
    expect(await second.getJob(jobId)).toMatchObject({ state: 'completed', result: 'fixed' });
  });

  it('forgets in the file too the finished jobs beyond keepFinished', async () => {
    const queue = start({ keepFinished: 2 });
    queue.registerProcessor('job', async () => 'ok');
    for (const id of ['j1', 'j2', 'j3']) await queue.enqueue('job', {}, { jobId: id });
    await queue.whenIdle();
    await queue.close();
    const restarted = start();
    expect(await restarted.getJob('j1')).toBeNull();
    expect((await restarted.getJob('j2'))?.state).toBe('completed');
    expect((await restarted.getJob('j3'))?.state).toBe('completed');
  });

  it('forgets first, after a restart too, the job that finished first — not the one enqueued first', async () => {
    const queue = new InProcessJobQueue({ timers: new ManualJobTimers(), journal: openSqliteJobJournal(file) });
    opened.push(queue);
    const slow = deferred();
    queue.registerProcessor<{ slow: boolean }>('job', async (job) => (job.data.slow ? slow.promise : undefined), { concurrency: 2 });
    await queue.enqueue('job', { slow: true }, { jobId: 'enqueued-first' });
    await queue.enqueue('job', { slow: false }, { jobId: 'finished-first' });
    await settle();
    slow.resolve();
    await queue.whenIdle();
    await queue.close();
    const restarted = start({ keepFinished: 2 });
    restarted.registerProcessor('job', async () => undefined);
    await restarted.enqueue('job', { slow: false }, { jobId: 'third' });
    await restarted.whenIdle();
    expect(await restarted.getJob('finished-first')).toBeNull();
    expect((await restarted.getJob('enqueued-first'))?.state).toBe('completed');
    expect((await restarted.getJob('third'))?.state).toBe('completed');
  });

  it("never journals a schedule's runs: the schedule enqueues the next one itself", async () => {
    const timers = new ManualJobTimers();
    const queue = new InProcessJobQueue({ timers, journal: openSqliteJobJournal(file) });
    opened.push(queue);
    queue.registerProcessor('sweep', async () => 'swept');
    const scheduleId = await queue.schedule('sweep', 60_000, {});
    timers.fire();
    await queue.whenIdle();
    expect((await queue.getJob(`${scheduleId}:1`))?.state).toBe('completed');
    await queue.close();
    expect(await start().getJob(`${scheduleId}:1`)).toBeNull();
  });
});

// The whole contract holds with a journal too (a fresh file per test).
describeJobQueueContract('in-process, journaled', async () => {
  const journalDir = mkdtempSync(join(tmpdir(), 'jx-jobs-contract-'));
  const queue = new InProcessJobQueue({ backoffMs: () => 1, journal: openSqliteJobJournal(join(journalDir, 'jobs.sqlite')) });
  return {
    queue,
    cleanup: async () => {
      await queue.close();
      rmSync(journalDir, { recursive: true, force: true });
    },
  };
});
