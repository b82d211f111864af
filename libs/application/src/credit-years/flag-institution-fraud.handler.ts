/**
 * Art. 14 on an institution: a job fans the flag out over every person-year of that year holding
 * its registrations (or only the named courses). Each person-year gets its own flag.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createHash, randomUUID } from 'node:crypto';
import type { ActorClaims } from '@jx/domain';
import { JOB_QUEUE, type JobQueue } from '@jx/jobs';
import type { CommandMetadata } from '../command-metadata';

export const INSTITUTION_FRAUD_FLAG_JOB = 'institution-fraud-flag';

export interface InstitutionFraudFlagJob {
  [key: string]: unknown;
  institutionId: string;
  year: number;
  reason: string;
  courses: string[] | null;
  actor: ActorClaims;
  correlationId: string;
}

type InstitutionFlag = Pick<InstitutionFraudFlagJob, 'institutionId' | 'year' | 'reason' | 'courses'>;

/**
 * The flag a person-year gets from an institution flag: one id per (institution, year, reason,
 * courses as a set) and person-year. Posting the same flag again — a client's retry, a job run
 * again after a crash, or a later post to reach registrations made since — flags every holder
 * that does not hold it yet, and nobody twice; a year whose flag from it was rescinded keeps its
 * rescission (FlagFraud's decider: a flag id the year already holds changes nothing).
 */
export function institutionFlagId(flag: InstitutionFlag, personId: string, year: number): string {
  const courses = flag.courses === null ? null : [...new Set(flag.courses)].sort();
  const key = JSON.stringify([flag.institutionId, flag.year, flag.reason, courses, personId, year]);
  return `inst-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

export class FlagInstitutionFraud extends Command<{ jobId: string }> {
  readonly type = 'FlagInstitutionFraud';
  constructor(
    readonly data: { institutionId: string; year: number; reason: string; courses: string[] | null },
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(FlagInstitutionFraud)
export class FlagInstitutionFraudHandler implements ICommandHandler<FlagInstitutionFraud> {
  constructor(@Inject(JOB_QUEUE) private readonly jobs: JobQueue) {}

  async execute({ data, metadata }: FlagInstitutionFraud): Promise<{ jobId: string }> {
    const job: InstitutionFraudFlagJob = { ...data, actor: metadata.actor, correlationId: metadata.correlationId };
    // Every post runs (the flags it gives are the request's own, see institutionFlagId); attempts
    // enough to wait out a rebuild of the read models (back-off doubling from 1 s).
    const jobId = await this.jobs.enqueue(INSTITUTION_FRAUD_FLAG_JOB, job, { jobId: `iflag-${randomUUID()}`, attempts: 10 });
    return { jobId };
  }
}
