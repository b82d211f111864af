/**
 * The production adapter (REDIS_URL): every job lives in one BullMQ queue in Redis, its BullMQ
 * job name being the port's name, so the API process enqueues and reads progress while a worker
 * process runs the jobs, and either may restart without losing one. A processor throws → BullMQ
 * retries with exponential back-off; a worker that dies mid-job loses its lock and BullMQ's
 * stalled-job check hands the job to another worker — processors are idempotent for both.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, QueueEvents, WaitingError, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import {
  JobInterruptedError,
  JobQueueClosedError,
  JobQueueFullError,
  JobQueueUnavailableError,
  progressAfter,
  type EnqueueOptions,
  type JobContext,
  type JobData,
  type JobProcessor,
  type JobQueue,
  type JobView,
  type ProcessorOptions,
  type ScheduleOptions,
} from '../job-queue.port';
import { bullMqJobIdCandidates, fromBullMqJobId, toBullMqJobId } from './bullmq-job-ids';
import { isFutureScheduledRun, isSetAside, toJobProgress, toJobState, toJobView, type BullMqJob } from './bullmq-job-view';
import { closeOrDisconnect, hasMessage, isClient, isConnectionLoss, isLostHold, isOutOfMemory, queueConnection } from './bullmq-connections';
import { ChangeSignal } from './change-signal';
import { ConcurrencyGate } from './concurrency-gate';
import { AttemptHold, deferredSignal, settledWithin, type Deferred } from './attempt-hold';
import { DEFAULT_JOB_QUEUE_NAME, positiveInteger, resolveSettings, type BullMqJobQueueOptions, type BullMqJobQueueSettings } from './bullmq-job-queue.options';
import { progressIfHeld } from './held-progress';

export { DEFAULT_JOB_QUEUE_NAME, type BullMqJobQueueOptions } from './bullmq-job-queue.options';

interface RegisteredProcessor {
  run: JobProcessor<JobData>;
  gate: ConcurrencyGate;
}

/** The queue's lists `whenIdle` looks at: everything not finished. */
const UNFINISHED = ['active', 'wait', 'prioritized', 'waiting-children'] as const;
/** QueueEvents that can end a busy spell, or show that one began. */
const CHANGES = ['active', 'completed', 'failed', 'delayed', 'waiting', 'removed', 'drained'] as const;

type ReadyEmitter = { on(event: 'ready', listener: () => void): unknown; off(event: 'ready', listener: () => void): unknown };

export class BullMqJobQueue implements JobQueue {
  private readonly queue: Queue<JobData, unknown, string>;
  private readonly ownsQueue: boolean;
  private readonly processors = new Map<string, RegisteredProcessor>();
  private worker: Worker<JobData, unknown, string> | undefined;
  private events: QueueEvents | undefined;
  /** Jobs inside this process's processors (or on their way in or back out). */
  private running = 0;
  /** The latest attempt here of each job, by BullMQ job id, and when it left this worker's hands. */
  private readonly holds = new Map<string, { hold: AttemptHold; settled: Deferred }>();
  /**
   * The jobs this worker held back (holdBack), by BullMQ job id: their name, when they were
   * enqueued, and how many attempts they had ended then — a job that has ended another attempt
   * since (it ran elsewhere and failed: it waits out its retry's back-off now) is held no more.
   */
  private readonly heldHere = new Map<string, { name: string; enqueuedAt: number; attemptsMade: number }>();
  private readonly changes: ChangeSignal;
  private closing: Promise<void> | undefined;
  /** Settles when close begins: a wait on Redis that close cut off (never reached) ends with it. */
  private readonly closeBegan: Promise<'closed'>;
  private beginClose: () => void = () => undefined;
  /** Aborted at close: running jobs stop at their next safe point (JobContext.signal). */
  private readonly stopping = new AbortController();
  private readonly attempts: number;
  private readonly backoffDelayMs: number;
  private readonly keepFinished: number;
  private readonly setAsideMs: number;
  private readonly heldBackMs: number;
  private readonly onError: (error: Error) => void;
  private readonly onJobFailedUnrun: NonNullable<BullMqJobQueueSettings['onJobFailedUnrun']>;
  /** Errors were reported through onError since a connection was last ready. */
  private failing = false;
  /** Each connection's 'ready' (ioredis emits it again after every reconnection). */
  private readonly onReady: () => void;
  /**
   * Undoes what this adapter attached to connections and to a queue it was given: a connection
   * may be shared (the caller's client, another adapter's queue), and outlives this adapter.
   */
  private readonly detach: Array<() => void> = [];
  /**
   * The schedules this process asked for, asked for again each time the queue's connection is
   * ready: a Redis restarted without its data (no AOF or RDB) had lost them, and the hourly
   * promotion-delay sweep would otherwise stop until the process restarts. The same upsert again
   * keeps the one schedule and its next run.
   */
  private readonly schedules = new Map<string, { everyMs: number; name: string; data: JobData }>();
  private rescheduled: Promise<void> = Promise.resolve();
  private readonly callTimeoutMs: number;
  private readonly lockDurationMs: number;
  private readonly stalledIntervalMs: number;
  private readonly maxStalledCount: number;

  constructor(options: BullMqJobQueueOptions) {
    const settings = resolveSettings(options);
    this.callTimeoutMs = settings.callTimeoutMs;
    this.lockDurationMs = settings.lockDurationMs;
    this.stalledIntervalMs = settings.stalledIntervalMs;
    this.maxStalledCount = settings.maxStalledCount;
    this.attempts = settings.attempts;
    this.backoffDelayMs = settings.backoffDelayMs;
    this.keepFinished = settings.keepFinished;
    this.setAsideMs = settings.setAsideMs;
    this.heldBackMs = settings.heldBackMs;
    this.closeBegan = new Promise((resolve) => (this.beginClose = () => resolve('closed')));
    this.changes = new ChangeSignal(settings.idlePollMs);
    const reportError = options.onError ?? ((error) => console.error('[jobs] BullMQ:', error));
    this.onJobFailedUnrun = options.onJobFailedUnrun ?? ((job, reason) => console.error(`[jobs] BullMQ failed job ${job.jobId} (${job.name}) without running it: ${reason}`));
    const reportHoldLost = options.onHoldLost ?? ((error) => console.error('[jobs] BullMQ: this worker no longer held a job it ran:', error.message));
    this.onError = (error) => {
      // Closing drops connections, some mid-connect: what they report then is the close itself.
      if (this.closing !== undefined) return;
      if (isLostHold(error)) return reportHoldLost(error);
      this.failing = true;
      reportError(error);
    };
    this.onReady = () => {
      if (!this.failing) return;
      this.failing = false;
      options.onRecovered?.();
    };
    if ('queue' in options) {
      this.queue = options.queue;
      this.ownsQueue = false;
    } else {
      const connection = isClient(options.connection) ? options.connection : queueConnection(options.connection);
      const queueOptions = options.prefix === undefined ? { connection } : { connection, prefix: options.prefix };
      this.queue = new Queue<JobData, unknown, string>(options.queueName ?? DEFAULT_JOB_QUEUE_NAME, queueOptions);
      this.ownsQueue = true;
    }
    this.queue.on('error', this.onError);
    this.detach.push(() => this.queue.off('error', this.onError));
    this.watchReady(this.queue.getBackend().client);
    // Also once first connected: a schedule refused before that (Redis not reached yet) is asked for then.
    this.onEachReady(this.queue.getBackend().client, () => this.scheduleAgain(), { now: true });
  }

  private scheduleAgain(): void {
    if (this.closing !== undefined || this.schedules.size === 0) return;
    const upserts = [...this.schedules].map(([scheduleId, { everyMs, name, data }]) => this.upsertSchedule(scheduleId, everyMs, name, data).catch(this.onError));
    this.rescheduled = Promise.all(upserts).then(() => undefined);
  }

  private async upsertSchedule(scheduleId: string, everyMs: number, name: string, data: JobData): Promise<void> {
    await this.queue.upsertJobScheduler(scheduleId, { every: everyMs }, { name, data, opts: this.jobOptions(this.attempts) });
  }

  /** Not before a first connection: until then nothing was reported that a 'ready' could end. */
  private watchReady(client: Promise<ReadyEmitter>): void {
    this.onEachReady(client, this.onReady);
  }

  /**
   * Each 'ready' of a connection after its first (ioredis emits it again after every reconnection),
   * and with `now` the first connection too.
   */
  private onEachReady(client: Promise<ReadyEmitter>, listener: () => void, options: { now?: boolean } = {}): void {
    client
      .then((c) => {
        if (this.closing !== undefined) return; // connected after close began: nothing to watch
        c.on('ready', listener);
        this.detach.push(() => c.off('ready', listener));
        if (options.now === true) listener();
      })
      .catch(() => undefined);
  }

  /** Settles once the schedules last asked for again (at a connection's 'ready') are in Redis, or their failure reported. */
  get schedulesRenewed(): Promise<void> {
    return this.rescheduled;
  }

  /** The BullMQ queue's name (also its workers' and events'). */
  get queueName(): string {
    return this.queue.name;
  }

  async enqueue<D extends JobData>(name: string, data: D, options: EnqueueOptions = {}): Promise<string> {
    this.assertOpen();
    // Always our own id: BullMQ's counter ids would read as integers, which toBullMqJobId escapes.
    const jobId = options.jobId ?? randomUUID();
    const attempts = positiveInteger(options.attempts ?? this.attempts, 'attempts');
    // An id BullMQ still knows is not added again: the existing job comes back (its "duplicated" event).
    await this.withinCallTimeout('enqueue', () => this.addOrRetry(name, data, attempts, toBullMqJobId(jobId)));
    return jobId;
  }

  async getJob(jobId: string): Promise<JobView | null> {
    if (jobId.length === 0) return null;
    return this.withinCallTimeout('getJob', async () => {
      for (const id of bullMqJobIdCandidates(jobId)) {
        const view = await this.readJob(id);
        if (view) return view;
      }
      return null;
    });
  }

  /** Adds the job; one that failed under that id runs again (its attempts start over). */
  private async addOrRetry(name: string, data: JobData, attempts: number, bullMqJobId: string): Promise<void> {
    const add = () => this.queue.add(name, data, { ...this.jobOptions(attempts), jobId: bullMqJobId });
    // Looked up before adding: a job added now may fail at once, and must not be retried here.
    const job = await this.queue.getJob(bullMqJobId);
    // Two processes adding the same id at once keep one job (BullMQ's "duplicated").
    if (job === undefined) return void (await add());
    const state = await job.getState();
    // Trimmed (removeOnFail) between the two reads: it is not there, so it is added afresh.
    if (state === 'unknown') return void (await add());
    if (state !== 'failed') return;
    try {
      // A new run, not a retry: its progress starts afresh (BullMQ's retry keeps the old one).
      await job.updateProgress({ done: 0, total: 0 });
      await job.retry('failed', { resetAttemptsMade: true });
    } catch (error: unknown) {
      const now = await job.getState();
      if (now === 'unknown') return void (await add());
      // Another enqueue of the same id retried it first: it is no longer failed, which is the aim.
      if (now === 'failed') throw error;
    }
  }

  /**
   * The call's answer, or JobQueueUnavailableError: at once when the connection is down (the queue's
   * connection fails fast, FAIL_FAST), else once callTimeoutMs passed. The call is made only once
   * the queue has reached Redis: until its first connection BullMQ holds every call and sends it
   * whenever Redis comes, so an enqueue answered 503 would run later. A call sent to a Redis slow
   * to answer may still land after its timeout.
   */
  private async withinCallTimeout<T>(operation: string, makeCall: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JobQueueUnavailableError(operation, this.callTimeoutMs)), this.callTimeoutMs);
    });
    try {
      await Promise.race([this.queue.waitUntilReady(), timeout]);
      const call = makeCall();
      // A call that fails after the timeout already answered must not surface as an unhandled rejection.
      call.catch(() => undefined);
      return await Promise.race([call, timeout]);
    } catch (error: unknown) {
      if (isConnectionLoss(error)) throw new JobQueueUnavailableError(operation, null);
      if (isOutOfMemory(error)) throw new JobQueueFullError(operation);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One BullMQ worker per adapter serves every name: it takes as many jobs at once as all names
   * together may run, and a job beyond its name's concurrency here is held back (heldBackMs): had
   * it waited inside this process it would read `active` without running, while another process's
   * idle worker could have run it.
   */
  registerProcessor<D extends JobData>(name: string, processor: JobProcessor<D>, options: ProcessorOptions = {}): void {
    if (this.processors.has(name)) throw new Error(`a processor for jobs "${name}" is already registered`);
    const gate = new ConcurrencyGate(options.concurrency ?? 1);
    // Data was enqueued under the same name's contract; the port cannot check it at run time.
    this.processors.set(name, { run: processor as unknown as JobProcessor<JobData>, gate });
    if (this.closing) return;
    if (this.worker) {
      this.worker.concurrency = this.totalConcurrency();
      // Jobs of this name another worker of ours put aside before now: run them without waiting.
      void this.bringBackSetAside(name).catch(this.onError);
    } else {
      this.worker = this.startWorker();
    }
  }

  async schedule<D extends JobData>(name: string, everyMs: number, data: D, options: ScheduleOptions = {}): Promise<string> {
    this.assertOpen();
    if (!(Number.isFinite(everyMs) && everyMs > 0)) throw new RangeError(`everyMs must be a positive number, got ${everyMs}`);
    const scheduleId = options.scheduleId ?? `repeat:${name}`;
    // An upsert kept in Redis: every process scheduling this id at start-up keeps one schedule, and
    // BullMQ adds a schedule's next run only when the current one starts, so runs never pile up.
    // Recorded first: one refused while Redis is away is asked for again once it is back.
    this.schedules.set(scheduleId, { everyMs, name, data });
    await this.withinCallTimeout('schedule', () => this.upsertSchedule(scheduleId, everyMs, name, data));
    return scheduleId;
  }

  async unschedule(scheduleId: string): Promise<void> {
    this.assertOpen();
    this.schedules.delete(scheduleId);
    await this.withinCallTimeout('unschedule', () => this.queue.removeJobScheduler(scheduleId));
  }

  async whenIdle(): Promise<void> {
    // Nothing counts without a processor here (the API process), or once closed (nothing starts).
    if (this.closing || this.processors.size === 0) return;
    this.listenToQueueEvents();
    while (!this.closing) {
      const change = this.changes.next();
      try {
        const work = this.hasWork();
        const found = await Promise.race([work, this.closeBegan]);
        if (found === 'closed') {
          work.catch(() => undefined); // its connection was dropped: it may never settle, or fail
          return;
        }
        if (!found) return;
        await change.happened;
      } catch (error: unknown) {
        // Closed under our feet: nothing will start any more, which is idle.
        if (this.closing) return;
        // The queue's connection is down (it fails fast) while this worker's may already be back:
        // not known to be idle; asked again at the next change or poll.
        if (isConnectionLoss(error)) {
          await change.happened;
          continue;
        }
        throw error;
      } finally {
        change.dispose();
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    // Job schedulers stay: they live in Redis and are shared with the other processes.
    for (const { gate } of this.processors.values()) gate.shut();
    this.stopping.abort();
    this.beginClose();
    this.changes.notify();
    // Waits for the jobs running here; a closing worker takes no further job. With none running
    // there is nothing to wait for: a forced close does not wait for a Redis that went away.
    // Every step is taken even if one before it failed (an owned queue left open keeps a process
    // alive); the first failure is then reported.
    const failures: unknown[] = [];
    const step = async (close: () => Promise<void> | undefined): Promise<void> => {
      try {
        await close();
      } catch (error: unknown) {
        failures.push(error);
      }
    };
    await step(() => this.worker?.close(this.running === 0));
    await step(() => (this.events ? closeOrDisconnect(this.events) : undefined));
    if (this.ownsQueue) await step(() => closeOrDisconnect(this.queue));
    for (const undo of this.detach.splice(0)) undo();
    if (failures.length > 0) throw failures[0];
  }

  private startWorker(): Worker<JobData, unknown, string> {
    // Three parameters: BullMQ then hands each attempt an AbortSignal of its own (cancelJob).
    const worker = new Worker<JobData, unknown, string>(this.queue.name, (job, token, held) => this.process(job, token, held), {
      ...this.sharedOptions(),
      concurrency: this.totalConcurrency(),
      // Seconds an idle worker that knows of no delayed job blocks on the queue's wake-up marker
      // before it looks again. A marker wakes one worker only: when another process's worker takes
      // it (for a job it then holds back, say), this one slept out BullMQ's default 5 s while a job
      // it could run was due. (A worker that knows of a delayed job blocks until that one is due.)
      drainDelay: IDLE_LOOK_AGAIN_SECONDS,
      // How long the worker waits before it asks again for its next job, or to move a job it ran,
      // after Redis refused or failed the call: BullMQ's 15 s would hold jobs that long after an
      // outage its connections came back from within a second (queueConnection).
      runRetryDelay: RUN_RETRY_DELAY_MS,
      lockDuration: this.lockDurationMs,
      stalledInterval: this.stalledIntervalMs,
      maxStalledCount: this.maxStalledCount,
    });
    worker.on('error', this.onError);
    this.watchReady(worker.getBackend().client);
    worker.on('completed', () => this.changes.notify());
    // The lock lapsed (Redis out of reach for longer than lockDurationMs): the stalled-job check
    // hands the job to a worker, this one maybe. Stop this attempt rather than run it twice at once.
    // Judged by the attempt's own token: BullMQ renews one token per job id, which may already be
    // that of a newer attempt here than the one whose renewal failed.
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const jobId of jobIds) void this.holds.get(jobId)?.hold.confirm();
    });
    worker.on('failed', (job) => {
      this.changes.notify();
      // BullMQ's deferred failure: the stall limit, found by a worker's stalled-job check.
      if (job?.deferredFailure) this.onJobFailedUnrun({ jobId: fromBullMqJobId(job.id ?? ''), name: job.name }, job.deferredFailure);
    });
    return worker;
  }

  private async process(job: BullMqJob, token: string | undefined, held: AbortSignal | undefined): Promise<unknown> {
    const processor = this.processors.get(job.name);
    if (!processor) return this.setAside(job, token);
    const jobId = job.id!;
    this.heldHere.delete(jobId);
    const hold = this.holdFor(job, requireToken(token), held);
    const attempt = { hold, settled: deferredSignal() };
    const earlier = this.holds.get(jobId);
    this.holds.set(jobId, attempt);
    this.running += 1;
    try {
      if (earlier !== undefined) {
        // An earlier attempt of this job still here lost it (BullMQ hands out only a job nobody
        // holds): stop it, and let it reach its next safe point before this one starts.
        earlier.hold.lose();
        await settledWithin(earlier.settled.promise, this.lockDurationMs / 2);
      }
      const entry = processor.gate.tryEnter();
      if (entry === 'shut') return await this.putBack(job, token);
      if (entry === 'full') return await this.holdBack(job, token);
      let outcome: { result: unknown } | { error: unknown };
      try {
        // Lost before it began: not run at all.
        outcome = { result: hold.signal.aborted ? undefined : await this.runAttempt(job, processor.run, hold) };
      } catch (error: unknown) {
        outcome = { error };
      } finally {
        processor.gate.leave();
        // A slot of this name is free: the oldest job of it held back here comes back at once.
        if (this.closing === undefined) void this.bringBackOneHeld(job.name).catch(this.onError);
      }
      // No longer this worker's job, however the attempt ended: whoever holds it now, or the
      // stalled-job check, moves it on; BullMQ would fail to (the lock is gone) and say so.
      if (hold.signal.aborted) throw new WaitingError();
      if ('result' in outcome) return outcome.result;
      // Stopped for the shutdown: back to the wait list, no attempt counted, for another worker.
      if (outcome.error instanceof JobInterruptedError) return await this.putBack(job, token);
      throw outcome.error;
    } finally {
      hold.end();
      attempt.settled.resolve();
      if (this.holds.get(jobId) === attempt) this.holds.delete(jobId);
      this.running -= 1;
      this.changes.notify();
    }
  }

  private holdFor(job: BullMqJob, token: string, held: AbortSignal | undefined): AttemptHold {
    const worker = this.worker!;
    const calls = {
      extendLock: (lockToken: string, durationMs: number) => job.extendLock(lockToken, durationMs),
      progressIfHeld: (lockToken: string, progress: unknown) => progressIfHeld(worker, job.id!, lockToken, progress),
    };
    return new AttemptHold(calls, token, this.lockDurationMs, held);
  }

  private async runAttempt(job: BullMqJob, run: JobProcessor<JobData>, hold: AttemptHold): Promise<unknown> {
    let ended = false;
    // As recorded when BullMQ handed over the job: what earlier attempts did.
    const earlier = toJobProgress(job.progress);
    const context: JobContext<JobData> = {
      id: fromBullMqJobId(job.id!),
      name: job.name,
      data: job.data,
      attempt: job.attemptsMade + 1,
      signal: AbortSignal.any([this.stopping.signal, hold.signal]),
      held: hold.signal,
      // A late report from an attempt that already ended must not overwrite the outcome, nor one
      // from an attempt that lost its hold the progress of the attempt that took over (AttemptHold).
      reportProgress: async (done, total) => {
        if (!ended) await hold.reportProgress(progressAfter(earlier, done, total));
      },
    };
    try {
      return await Promise.resolve().then(() => run(context));
    } catch (error: unknown) {
      if (error instanceof JobInterruptedError) throw error;
      // BullMQ records `error.message`: a thrown string would leave no reason at all.
      throw hasMessage(error) ? error : new Error(String(error));
    } finally {
      ended = true;
    }
  }

  /** No processor here: back to `delayed` (a "waiting" job), no attempt counted, for a worker that has one. */
  private async setAside(job: BullMqJob, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + this.setAsideMs, requireToken(token));
    throw new DelayedError();
  }

  /** Taken while closing: it never started, so back to the head of the wait list. */
  private async putBack(job: BullMqJob, token: string | undefined): Promise<never> {
    await job.moveToWait(requireToken(token));
    throw new WaitingError();
  }

  /**
   * Its name has no free slot here: back to `delayed` (a "waiting" job), no attempt counted, for
   * a worker with room — another process's when it comes back, or this one's: a slot of the name
   * freeing here brings the name's held jobs back at once (bringBackSetAside). Each time the same
   * job is held back it stays away twice as long (heldBackDelay), so that a backlog behind a long
   * job does not cycle through the queue. Held jobs are not kept in enqueue order: a job enqueued
   * later, waiting already, may start before them.
   */
  private async holdBack(job: BullMqJob, token: string | undefined): Promise<never> {
    // Started more often than ended (the set-aside mark): once for this take, once per hold before.
    const heldBefore = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
    await job.moveToDelayed(Date.now() + heldBackDelay(this.heldBackMs, heldBefore), requireToken(token));
    this.heldHere.set(job.id!, { name: job.name, enqueuedAt: job.timestamp, attemptsMade: job.attemptsMade });
    if (this.heldHere.size > HELD_HERE_KEPT) this.heldHere.delete(this.heldHere.keys().next().value!);
    throw new DelayedError();
  }

  /**
   * Promotes the oldest job of `name` this worker held back that is still held (`delayed`, no
   * attempt ended since): one per slot freed — promoting them all would have each but one taken
   * and held back again, a backlog of N costing N²/2 hold-backs. Never a job waiting out a retry's
   * back-off: that back-off is what the retry counts on.
   */
  private async bringBackOneHeld(name: string): Promise<void> {
    const held = [...this.heldHere].filter(([, h]) => h.name === name).sort(([, a], [, b]) => a.enqueuedAt - b.enqueuedAt);
    for (const [jobId, { attemptsMade }] of held) {
      this.heldHere.delete(jobId);
      const job = await this.queue.getJob(jobId);
      if (job === undefined || job.attemptsMade !== attemptsMade || (await job.getState()) !== 'delayed') continue;
      // Taken by another worker meanwhile: try the next.
      if (await job.promote().then(() => true, () => false)) return;
    }
  }

  private async bringBackSetAside(name: string): Promise<void> {
    const delayed = await this.queue.getDelayed();
    // Never one that has ended an attempt: it may be waiting out its retry's back-off (a job set
    // aside or held back once keeps that mark); such a job comes back on its own.
    const mine = delayed.filter((job): job is BullMqJob => job !== undefined && job.name === name && isSetAside(job) && job.attemptsMade === 0);
    // A job another worker took meanwhile can no longer be promoted: that is fine.
    await Promise.all(mine.map((job) => job.promote().catch(() => undefined)));
  }

  private async readJob(bullMqJobId: string): Promise<JobView | null> {
    let job = await this.queue.getJob(bullMqJobId);
    if (!job) return null;
    const state = toJobState(await job.getState());
    if (state === null) return null;
    // The state was read after the job: if it finished in between, read the outcome too.
    if ((state === 'completed' || state === 'failed') && job.finishedOn === undefined) {
      job = await this.queue.getJob(bullMqJobId);
      if (!job) return null;
    }
    return toJobView(job, state);
  }

  /** Any job this process has a processor for still to run (a scheduler's future run is a timer). */
  private async hasWork(): Promise<boolean> {
    if (this.running > 0) return true;
    const [unfinished, delayed] = await Promise.all([this.queue.getJobs([...UNFINISHED]), this.queue.getDelayed()]);
    const ours = (job: BullMqJob | undefined): job is BullMqJob => job !== undefined && this.processors.has(job.name);
    return unfinished.some(ours) || delayed.filter(ours).some((job) => !isFutureScheduledRun(job));
  }

  /** Events of every process on the queue (a job finished by another worker ends a busy spell too). */
  private listenToQueueEvents(): void {
    if (this.events) return;
    const events = new QueueEvents(this.queue.name, this.sharedOptions());
    events.on('error', this.onError);
    this.watchReady(events.getBackend().client);
    for (const change of CHANGES) events.on(change, () => this.changes.notify());
    this.events = events;
  }

  private totalConcurrency(): number {
    let total = 0;
    for (const { gate } of this.processors.values()) total += gate.limit;
    return total;
  }

  private jobOptions(attempts: number): JobsOptions {
    return {
      attempts,
      backoff: { type: 'exponential', delay: this.backoffDelayMs },
      removeOnComplete: { count: this.keepFinished },
      removeOnFail: { count: this.keepFinished },
    };
  }

  /**
   * Workers and events must address the very same queue: name, prefix and Redis. Their connections
   * wait out an outage however long, as BullMQ asks of workers: commands issued meanwhile wait in
   * the offline queue with no retry limit (ioredis's 20 reconnections failed a running job's
   * progress report after ≈ 4 minutes), and commands sent but unanswered when the connection
   * dropped are sent again once it is back — the queue's own FAIL_FAST turns that off, and without
   * it ioredis forgets them on reconnecting and their promises never settle: a running job's
   * progress report, or the worker's wait for its next job, hung until the process was restarted
   * (a Redis restart in the middle of an institution-wide flag). A resend neither loses nor
   * doubles a run: a progress report writes its value again; the scripts that move a job check its
   * lock token, so a repeat of one that had run fails (an error logged), and a job a repeated fetch
   * took under the same token waits for the stalled-job check to go back to the wait list.
   */
  private sharedOptions(): { connection: ConnectionOptions; prefix?: string } {
    const { prefix } = this.queue.opts;
    const connection = isClient(this.queue.opts.connection)
      ? this.queue.opts.connection
      : { ...this.queue.opts.connection, enableOfflineQueue: true, autoResendUnfulfilledCommands: true, maxRetriesPerRequest: null };
    return prefix === undefined ? { connection } : { connection, prefix };
  }

  private assertOpen(): void {
    if (this.closing) throw new JobQueueClosedError();
  }
}

function requireToken(token: string | undefined): string {
  // BullMQ passes a lock token to every processor it calls; moving an active job needs it.
  if (token === undefined) throw new Error('BullMQ called the processor without a lock token');
  return token;
}

/** Jobs held back that a worker remembers (its oldest forgotten first: they come back on their own). */
const HELD_HERE_KEPT = 10_000;

/** BullMQ's runRetryDelay: the wait before a worker's failed call to Redis is made again. */
const RUN_RETRY_DELAY_MS = 1000;

/** BullMQ's drainDelay, in seconds: how long an idle worker that knows of no delayed job waits before it looks at the queue again. */
const IDLE_LOOK_AGAIN_SECONDS = 1;

/** How long a job held back `heldBefore` times already stays away: doubling from `heldBackMs`, at most 16 times it. */
export function heldBackDelay(heldBackMs: number, heldBefore: number): number {
  return heldBackMs * 2 ** Math.min(heldBefore, 4);
}
