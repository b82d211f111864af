/**
 * The embedded default (API.md, Running: "jobs run in-process"): jobs run in this process, in
 * enqueue order, at most `concurrency` at a time per name. With a journal (the server gives it
 * `DATA_DIR/jobs.sqlite`), job records outlive the process: on start, a job that had not finished
 * runs again — processors are idempotent and re-runnable from the event store — and finished ones
 * still answer getJob. Without one they live in memory only. A schedule's runs are never
 * journaled: the schedule enqueues the next one. One process per journal: another process on the
 * same file learns of a job only at its start (it restores it) or when asked for the same id (it
 * shows it). Production uses the BullMQ adapter.
 */
import { randomUUID } from 'node:crypto';
import {
  JobInterruptedError,
  JobQueueClosedError,
  progressAfter,
  type EnqueueOptions,
  type JobData,
  type JobProcessor,
  type JobQueue,
  type JobView,
  type ProcessorOptions,
  type ScheduleOptions,
} from '../job-queue.port';
import { systemJobTimers, type JobTimers } from './job-timers';
import type { JobJournal, JobRecord } from './sqlite-job-journal';

export interface InProcessJobQueueOptions {
  /** Attempts per job unless its enqueue says otherwise (BullMQ's `attempts`). Default 3. */
  attempts?: number;
  /** Wait before the next attempt, given the attempts made so far. Default: 1 s doubling, at most 1 min. */
  backoffMs?: (attemptsMade: number) => number;
  timers?: JobTimers;
  /**
   * Finished jobs kept for `getJob` and id dedupe (oldest forgotten first, like BullMQ's
   * removeOnComplete); an evicted id may run again, which idempotent processors tolerate.
   */
  keepFinished?: number;
  /** Keeps job records across restarts; the queue owns it and closes it on close(). */
  journal?: JobJournal;
}

/** Progress is journaled at most this often per job (every report would write once per item). */
const PROGRESS_JOURNAL_MS = 250;

interface Processor {
  run: JobProcessor<JobData>;
  concurrency: number;
}

const defaultBackoff = (attemptsMade: number): number => Math.min(1000 * 2 ** (attemptsMade - 1), 60_000);

export class InProcessJobQueue implements JobQueue {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly finishedOrder: string[] = [];
  /** Per name: ids ready to start, in order. */
  private readonly ready = new Map<string, string[]>();
  private readonly processors = new Map<string, Processor>();
  private readonly activeCount = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Failed attempts waiting out their back-off. */
  private readonly retrying = new Set<string>();
  private readonly schedules = new Map<string, { cancel: () => void; lastJobId: string | null }>();
  private idleWaiters: Array<() => void> = [];
  private runSequence = 0;
  private closed = false;
  private readonly stopping = new AbortController();
  private readonly attempts: number;
  private readonly backoffMs: (attemptsMade: number) => number;
  private readonly timers: JobTimers;
  private readonly keepFinished: number;
  private readonly journal: JobJournal | undefined;
  /** Schedule runs: never journaled. */
  private readonly transient = new Set<string>();
  private readonly progressJournaledAt = new Map<string, number>();
  /** Numbers finished jobs in the order they finished (continuing the journal's numbering). */
  private finishSequence = 0;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.attempts = positiveInteger(options.attempts ?? 3, 'attempts');
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.timers = options.timers ?? systemJobTimers;
    this.keepFinished = positiveInteger(options.keepFinished ?? 10_000, 'keepFinished');
    this.journal = options.journal;
    if (this.journal) this.restore(this.journal.load());
  }

  /**
   * Jobs of an earlier run of the process: finished ones are kept as they were; the others wait for
   * their processor again. An attempt a crash cut short counts, as BullMQ counts a stalled job: a
   * job that brings the process down fails once its attempts are used up, instead of taking every
   * later start down with it.
   */
  private restore(records: readonly JobRecord[]): void {
    const finished: JobRecord[] = [];
    for (const record of records) {
      this.jobs.set(record.id, record);
      if (record.state === 'active' && record.attemptsMade >= record.attempts) {
        record.state = 'failed';
        record.error = 'the process stopped during its last attempt';
        record.finishedSeq = Number.MAX_SAFE_INTEGER; // numbered (and journaled) below, after those finished before
      }
      if (record.state === 'completed' || record.state === 'failed') {
        finished.push(record);
        continue;
      }
      record.state = 'waiting';
      this.readyQueue(record.name).push(record.id);
      this.journalQuietly(record);
    }
    // In the order they finished (a stable sort: records without a number keep the journal's order).
    finished.sort((a, b) => (a.finishedSeq ?? 0) - (b.finishedSeq ?? 0));
    for (const record of finished) {
      if (record.finishedSeq === Number.MAX_SAFE_INTEGER) {
        record.finishedSeq = ++this.finishSequence;
        this.journalQuietly(record);
      } else {
        this.finishSequence = Math.max(this.finishSequence, record.finishedSeq ?? 0);
      }
      this.finish(record);
    }
  }

  /**
   * After a job was accepted, the journal follows what happens to it; a write that fails (a full
   * disk, a result JSON cannot hold) is reported and the job goes on as in memory — at worst it
   * runs again after a restart, which processors tolerate. Only accepting a job must be journaled.
   */
  private journalQuietly(job: JobRecord): void {
    if (!this.journal || this.transient.has(job.id)) return;
    try {
      this.journal.save(job);
    } catch (error: unknown) {
      process.emitWarning(`job ${job.id}: its record could not be journaled (${error instanceof Error ? error.message : String(error)})`, 'JobJournalWarning');
    }
  }

  async enqueue<D extends JobData>(name: string, data: D, options: EnqueueOptions = {}): Promise<string> {
    return this.add(name, data, options, true);
  }

  private async add(name: string, data: JobData, options: EnqueueOptions, durable: boolean): Promise<string> {
    if (this.closed) throw new JobQueueClosedError();
    const id = options.jobId ?? randomUUID();
    const existing = this.jobs.get(id);
    if (existing !== undefined) {
      // A job that failed runs again when asked for again (BullMQ adapter: the same).
      if (existing.state === 'failed') {
        const again: JobRecord = { ...existing, state: 'waiting', attemptsMade: 0, progress: { done: 0, total: 0 } };
        delete again.error;
        delete again.finishedSeq;
        // Journaled first: a refused write leaves the job failed, as the caller is told.
        if (!this.transient.has(id)) this.journal?.save(again);
        // No longer finished: its place in the kept-finished order must not evict it while it runs.
        this.finishedOrder.splice(this.finishedOrder.indexOf(id), 1);
        this.jobs.set(id, again);
        this.readyQueue(again.name).push(id);
        this.pump(again.name);
      }
      return id;
    }
    const attempts = positiveInteger(options.attempts ?? this.attempts, 'attempts');
    const job: JobRecord = { id, name, data, state: 'waiting', progress: { done: 0, total: 0 }, attemptsMade: 0, attempts };
    if (durable && this.journal) {
      // Journaled before anything else: a job is accepted only once it would outlive a restart.
      const taken = this.journal.insert(job);
      if (taken !== undefined) return this.adopt(taken, name, data, options);
    }
    this.jobs.set(id, job);
    if (!durable) this.transient.add(id);
    this.readyQueue(name).push(id);
    this.pump(name);
    return id;
  }

  /**
   * The journal already holds this id, which this process did not know: another process on the
   * same DATA_DIR accepted it. Its record is shown as stored; this process runs it only if it had
   * failed and is asked for again (a job waiting or active is that process's to run).
   */
  private adopt(stored: JobRecord, name: string, data: JobData, options: EnqueueOptions): Promise<string> {
    this.jobs.set(stored.id, stored);
    if (stored.state === 'completed' || stored.state === 'failed') this.finish(stored);
    return this.add(name, data, options, true);
  }

  async getJob(jobId: string): Promise<JobView | null> {
    const job = this.jobs.get(jobId);
    if (!job) return null;
    const view: JobView = { jobId: job.id, name: job.name, state: job.state, progress: { ...job.progress }, attemptsMade: job.attemptsMade };
    if (job.state === 'completed') view.result = job.result;
    if (job.error !== undefined) view.error = job.error;
    return view;
  }

  registerProcessor<D extends JobData>(name: string, processor: JobProcessor<D>, options: ProcessorOptions = {}): void {
    if (this.processors.has(name)) throw new Error(`a processor for jobs "${name}" is already registered`);
    const concurrency = positiveInteger(options.concurrency ?? 1, 'concurrency');
    // Data was enqueued under the same name's contract; the port cannot check it at run time.
    this.processors.set(name, { run: processor as unknown as JobProcessor<JobData>, concurrency });
    this.pump(name);
  }

  async schedule<D extends JobData>(name: string, everyMs: number, data: D, options: ScheduleOptions = {}): Promise<string> {
    if (this.closed) throw new JobQueueClosedError();
    if (!(Number.isFinite(everyMs) && everyMs > 0)) throw new RangeError(`everyMs must be a positive number, got ${everyMs}`);
    const scheduleId = options.scheduleId ?? `repeat:${name}`;
    await this.unschedule(scheduleId);
    const entry = { cancel: () => undefined as void, lastJobId: null as string | null };
    entry.cancel = this.timers.every(everyMs, () => void this.tick(scheduleId, entry, name, data));
    this.schedules.set(scheduleId, entry);
    return scheduleId;
  }

  async unschedule(scheduleId: string): Promise<void> {
    this.schedules.get(scheduleId)?.cancel();
    this.schedules.delete(scheduleId);
  }

  whenIdle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    // Long jobs stop at their next safe point (JobInterruptedError) instead of holding close up.
    this.stopping.abort();
    for (const id of [...this.schedules.keys()]) await this.unschedule(id);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.notifyIfIdle();
    this.journal?.close();
  }

  private async tick(scheduleId: string, entry: { lastJobId: string | null }, name: string, data: JobData): Promise<void> {
    if (this.closed || this.schedules.get(scheduleId) !== entry) return;
    const last = entry.lastJobId === null ? undefined : this.jobs.get(entry.lastJobId);
    // A slow run must not pile up behind itself.
    if (last && (last.state === 'waiting' || last.state === 'active')) return;
    entry.lastJobId = await this.add(name, data, { jobId: `${scheduleId}:${++this.runSequence}` }, false);
  }

  private readyQueue(name: string): string[] {
    let queue = this.ready.get(name);
    if (!queue) this.ready.set(name, (queue = []));
    return queue;
  }

  private pump(name: string): void {
    const processor = this.processors.get(name);
    const queue = this.readyQueue(name);
    while (!this.closed && processor && queue.length > 0 && (this.activeCount.get(name) ?? 0) < processor.concurrency) {
      const job = this.jobs.get(queue.shift()!);
      if (job) this.start(job, processor);
    }
  }

  private start(job: JobRecord, processor: Processor): void {
    job.state = 'active';
    job.attemptsMade += 1;
    this.activeCount.set(job.name, (this.activeCount.get(job.name) ?? 0) + 1);
    const run = this.runAttempt(job, processor).finally(() => {
      this.inFlight.delete(run);
      this.notifyIfIdle();
    });
    this.inFlight.add(run);
    this.journalQuietly(job);
  }

  private async runAttempt(job: JobRecord, processor: Processor): Promise<void> {
    const attempt = job.attemptsMade;
    const earlier = { ...job.progress };
    const context = {
      id: job.id,
      name: job.name,
      data: job.data,
      attempt,
      signal: this.stopping.signal,
      reportProgress: async (done: number, total: number): Promise<void> => {
        // A late report from an attempt that already ended must not overwrite the outcome.
        if (job.state !== 'active' || job.attemptsMade !== attempt) return;
        job.progress = progressAfter(earlier, done, total);
        // Throttled on what this attempt reports: the last of its reports is always journaled.
        const now = Date.now();
        if (done < total && now - (this.progressJournaledAt.get(job.id) ?? 0) < PROGRESS_JOURNAL_MS) return;
        this.progressJournaledAt.set(job.id, now);
        this.journalQuietly(job);
      },
    };
    let failure: { error: unknown } | null = null;
    try {
      job.result = await Promise.resolve().then(() => processor.run(context));
    } catch (error: unknown) {
      failure = { error };
    }
    this.activeCount.set(job.name, (this.activeCount.get(job.name) ?? 1) - 1);
    if (failure !== null && failure.error instanceof JobInterruptedError) {
      // Stopped for the shutdown: not an attempt that failed. Waiting again, it runs at the next
      // start (journaled) or is dropped with the process (no journal).
      job.attemptsMade -= 1;
      job.state = 'waiting';
    } else if (failure === null) {
      job.state = 'completed';
      delete job.error;
      job.finishedSeq = ++this.finishSequence;
      this.finish(job);
    } else {
      job.error = failure.error instanceof Error ? failure.error.message : String(failure.error);
      if (job.attemptsMade < job.attempts && !this.closed) {
        job.state = 'waiting';
        // Not awaited: close() waits for running attempts, not for back-offs.
        void this.retryLater(job);
      } else if (job.attemptsMade < job.attempts && this.journal) {
        // Failed while the process stops (its projection or stores closing under it): the next
        // start runs it again rather than leave it failed for good.
        job.state = 'waiting';
      } else {
        job.state = 'failed';
        job.finishedSeq = ++this.finishSequence;
        this.finish(job);
      }
    }
    this.progressJournaledAt.delete(job.id);
    this.journalQuietly(job);
    this.pump(job.name);
  }

  private async retryLater(job: JobRecord): Promise<void> {
    this.retrying.add(job.id);
    try {
      await this.timers.delay(this.backoffMs(job.attemptsMade));
    } finally {
      this.retrying.delete(job.id);
    }
    if (!this.closed) {
      this.readyQueue(job.name).push(job.id);
      this.pump(job.name);
    }
    this.notifyIfIdle();
  }

  private finish(job: JobRecord): void {
    this.finishedOrder.push(job.id);
    while (this.finishedOrder.length > this.keepFinished) {
      const evicted = this.finishedOrder.shift()!;
      this.jobs.delete(evicted);
      if (this.transient.delete(evicted) || !this.journal) continue;
      try {
        this.journal.remove(evicted);
      } catch (error: unknown) {
        process.emitWarning(`job ${evicted}: could not be removed from the journal (${error instanceof Error ? error.message : String(error)})`, 'JobJournalWarning');
      }
    }
  }

  private busy(): boolean {
    if (this.inFlight.size > 0) return true;
    // After close nothing waiting will ever start: it no longer counts.
    if (this.closed) return false;
    if (this.retrying.size > 0) return true;
    for (const [name, queue] of this.ready) if (queue.length > 0 && this.processors.has(name)) return true;
    return false;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || this.busy()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}
