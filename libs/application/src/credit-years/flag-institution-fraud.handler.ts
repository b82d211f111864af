/**
 * Art. 14 on an institution: a job fans the flag out over every person-year of that year holding
 * its registrations (or only the named courses). Each person-year gets its own flag.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
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

/** One flag id per (job, person-year): a retried job flags nobody twice. */
export function institutionFlagId(jobId: string, personId: string, year: number): string {
  return `inst-${createHash('sha256').update(`${jobId}\n${personId}\n${year}`).digest('hex').slice(0, 40)}`;
}

/**
 * The job of a request: the same flag (institution, year, reason, courses as a set) asked by the
 * same actor again — a client's retry, or one after a 503 whose enqueue landed late — finds the
 * job already enqueued instead of flagging every person-year a second time.
 */
export function institutionFlagJobId(data: FlagInstitutionFraud['data'], actor: ActorClaims): string {
  const courses = data.courses === null ? null : [...new Set(data.courses)].sort();
  const request = JSON.stringify([data.institutionId, data.year, data.reason, courses, actor.sub, actor.role]);
  return `iflag-${createHash('sha256').update(request).digest('hex').slice(0, 40)}`;
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
    // Attempts enough to wait out a rebuild of the read models (back-off doubling from 1 s).
    const jobId = await this.jobs.enqueue(INSTITUTION_FRAUD_FLAG_JOB, job, { jobId: institutionFlagJobId(data, metadata.actor), attempts: 10 });
    return { jobId };
  }
}
