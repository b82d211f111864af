/**
 * Art. 14 on an institution: flags every person-year of the year holding its registrations (or
 * the named courses). Candidates come from the institution index; each flag is decided from the
 * person-year's own stream, so a candidate without such a registration is left alone.
 */
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { FlagFraud, INSTITUTION_FRAUD_FLAG_JOB, institutionFlagId, type InstitutionFraudFlagJob } from '@jx/application';
import { JOB_QUEUE, stopIfInterrupted, type JobContext, type JobQueue } from '@jx/jobs';
import { READ_MODEL_STORE, type ReadModelStore } from '@jx/projections';
import { ReadModelsProjection } from '../projections/read-models.projection-service';
import { logged } from './logged.processor';

@Injectable()
export class InstitutionFraudFlagProcessor implements OnApplicationBootstrap {
  constructor(
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(ReadModelsProjection) private readonly projection: ReadModelsProjection,
    @Inject(CommandBus) private readonly bus: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.registerProcessor<InstitutionFraudFlagJob>(INSTITUTION_FRAUD_FLAG_JOB, logged((job) => this.process(job)));
  }

  /** `flagged`: the holders that hold the flag now; `written`: those this run flagged (a run again after a crash writes only the rest). */
  async process(job: JobContext<InstitutionFraudFlagJob>): Promise<{ flagged: number; written: number }> {
    const { institutionId, year, reason, courses, actor, correlationId } = job.data;
    // Art. 14 says all of them: a stale index would miss some. Fail (the job is retried) rather
    // than complete with fewer flags. A rebuild meanwhile is harmless: it builds another copy and
    // puts it in use only once it has caught up with this one.
    await this.projection.requireCaughtUp('the institution index did not catch up; the job will be retried', job.signal);
    // The registrations held when the flag was posted (the decider's bound too): a run after a
    // takeover then counts the same total, whatever was registered meanwhile.
    const holders = await this.readModels.institutionHolders(institutionId, year, courses, job.data.registeredUpTo ?? null);
    await job.reportProgress(0, holders.length);
    let flagged = 0;
    let written = 0;
    for (const [i, holder] of holders.entries()) {
      // Shutting down: stop between two flags; the job runs again (each flag is idempotent).
      stopIfInterrupted(job);
      const flagId = institutionFlagId(job.data, holder.personId, holder.year);
      const answer = await this.bus.execute(
        new FlagFraud({ ...holder, flagId, reason, evidence: [], institutionId, courses, registeredUpTo: job.data.registeredUpTo ?? null }, { actor, correlationId, causationId: job.id }),
      );
      if (answer.flagged) flagged += 1;
      if (answer.written) written += 1;
      await job.reportProgress(i + 1, holders.length);
    }
    return { flagged, written };
  }
}
