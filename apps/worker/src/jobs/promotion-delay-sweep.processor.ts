/**
 * Art. 13: when a short year's make-up period has ended without a legitimate reason, a promotion
 * delay is recorded. A repeatable job finds candidates in the read model and sends each one
 * RecordPromotionDelay, which decides again from the person-year's own stream.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError } from '@jx/platform';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, RecordPromotionDelay, type Clock } from '@jx/application';
import { chinaDate, SYSTEM_ACTOR } from '@jx/domain';
import { JOB_QUEUE, stopIfInterrupted, type JobContext, type JobQueue } from '@jx/jobs';
import { READ_MODEL_STORE, type PromotionDelayCandidate, type ReadModelStore } from '@jx/projections';
import { ReadModelsProjection } from '../projections/read-models.projection-service';
import { logged } from './logged.processor';

export const PROMOTION_DELAY_SWEEP_JOB = 'promotion-delay-sweep';
const EVERY_MS = 60 * 60 * 1000;
const BATCH = 500;

@Injectable()
export class PromotionDelaySweep implements OnApplicationBootstrap {
  private readonly logger = new Logger('promotion-delay');
  constructor(
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(ReadModelsProjection) private readonly projection: ReadModelsProjection,
    @Inject(CommandBus) private readonly bus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The run enqueued at start-up (its job id), or undefined if it could not be: a schedule's first
   * run comes only after its interval, so a process restarted more often than that would never
   * sweep. One per clock hour whatever the number of processes and restarts (a deterministic id).
   */
  startupRun: Promise<string | undefined> = Promise.resolve(undefined);

  onApplicationBootstrap(): void {
    this.jobs.registerProcessor<Record<string, never>>(PROMOTION_DELAY_SWEEP_JOB, logged((job) => this.sweep(job)));
    const hour = this.clock.now().toISOString().slice(0, 13);
    this.startupRun = this.jobs.enqueue(PROMOTION_DELAY_SWEEP_JOB, {}, { jobId: `${PROMOTION_DELAY_SWEEP_JOB}:start:${hour}` }).catch((error: unknown) => {
      this.logger.error({ err: describeError(error) }, 'could not enqueue the promotion-delay sweep at start-up; the hourly schedule runs it');
      return undefined;
    });
    // Not awaited: an unreachable Redis must not hold start-up (health reports it); retried hourly.
    const schedule = () =>
      this.jobs.schedule(PROMOTION_DELAY_SWEEP_JOB, EVERY_MS, {}).then(
        () => undefined,
        (error: unknown) => {
          this.logger.error({ err: describeError(error) }, 'could not schedule the promotion-delay sweep; asked again once Redis answers (BullMQ), and in an hour');
          setTimeout(schedule, EVERY_MS).unref();
        },
      );
    void schedule();
  }

  /** Records every due delay; returns how many were recorded. */
  async sweep(job?: Pick<JobContext<unknown>, 'id' | 'reportProgress' | 'signal'>): Promise<{ recorded: number }> {
    await this.projection.requireCaughtUp('the read models did not catch up; the sweep will run again', job?.signal);
    const today = chinaDate(this.clock.now());
    let recorded = 0;
    // In pages after the last candidate asked: one the decider finds owes nothing (a row written
    // under an older rule) stays a candidate, and must not hide those behind it.
    let after: PromotionDelayCandidate | null = null;
    for (;;) {
      const due: PromotionDelayCandidate[] = await this.readModels.promotionDelayCandidates(today, BATCH, after);
      if (due.length === 0) break;
      for (const [i, candidate] of due.entries()) {
        // Shutting down: stop between two candidates; the sweep runs again (each is decided anew).
        if (job) stopIfInterrupted(job);
        const { personId, year } = candidate;
        const answer = await this.bus.execute(new RecordPromotionDelay({ personId, year }, { actor: SYSTEM_ACTOR, correlationId: job?.id ?? 'sweep', causationId: job?.id ?? null }));
        if (answer.recorded) recorded += 1;
        await job?.reportProgress(i + 1, due.length);
      }
      after = due[due.length - 1]!;
    }
    return { recorded };
  }
}
