/**
 * Art. 14 on an institution: a job fans the flag out over every person-year of that year holding
 * its registrations (or only the named courses). Each person-year gets its own flag.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ActorClaims } from '@jx/domain';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { JOB_QUEUE, type JobQueue } from '@jx/jobs';
import type { CommandMetadata } from '../command-metadata';
import { digest } from './derived-id';

export const INSTITUTION_FRAUD_FLAG_JOB = 'institution-fraud-flag';

export interface InstitutionFraudFlagJob {
  [key: string]: unknown;
  institutionId: string;
  year: number;
  reason: string;
  courses: string[] | null;
  actor: ActorClaims;
  correlationId: string;
  /**
   * The store's last position when the flag was posted: it reaches the registrations held then
   * (FlagFraudCommand.registeredUpTo). Absent from jobs enqueued before it was recorded.
   */
  registeredUpTo?: number;
}

type InstitutionFlag = Pick<InstitutionFraudFlagJob, 'institutionId' | 'year' | 'reason' | 'courses'>;

/**
 * The flag a person-year gets from an institution flag: one id per (institution, year, reason,
 * courses as a set) and person-year. Posting the same flag again — a client's retry, a job run
 * again after a crash, or a later post to reach registrations made since — flags every holder
 * that does not hold it yet, and nobody twice; a year whose flag from it was rescinded keeps its
 * rescission. (FlagFraud's decider also knows the flag by its content, whatever its id.)
 */
export function institutionFlagId(flag: InstitutionFlag, personId: string, year: number): string {
  return `inst-${digest([...flagKey(flag), personId, year])}`;
}

/**
 * The job of a post: the flag, who posts it, and the store as it is (its last event: position and
 * id, so a store restored or reset to the same length is another store). The same post again by
 * the same official before anything else was written — a client's retry, or one after a 503 whose
 * enqueue landed late — finds the job already enqueued (and its progress); a post after other
 * writes (registrations made since), or by another official, is a job of its own, which reaches
 * whoever does not hold the flag yet.
 */
export function institutionFlagJobId(flag: InstitutionFlag, actor: ActorClaims, storeHead: string): string {
  return `iflag-${digest([...flagKey(flag), actor.sub, actor.role, storeHead])}`;
}

/** One institution flag: institution, year, reason and courses as a set (who posts it does not count). */
const flagKey = (flag: InstitutionFlag): unknown[] => [flag.institutionId, flag.year, flag.reason, flag.courses === null ? null : [...new Set(flag.courses)].sort()];

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
  constructor(
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  /** The store's last event: its position, and `position:id` ('' when empty). */
  private async storeHead(): Promise<{ position: number; head: string }> {
    const position = await this.events.headPosition();
    if (position === 0) return { position, head: '' };
    // The first event after position − 1 is the last one: no event lies beyond the head.
    const [last] = await this.events.readAll(position - 1, 1);
    return { position, head: `${position}:${last?.id ?? ''}` };
  }

  async execute({ data, metadata }: FlagInstitutionFraud): Promise<{ jobId: string }> {
    const { position, head } = await this.storeHead();
    const job: InstitutionFraudFlagJob = { ...data, actor: metadata.actor, correlationId: metadata.correlationId, registeredUpTo: position };
    const jobId = institutionFlagJobId(data, metadata.actor, head);
    // Attempts enough to wait out a rebuild of the read models (back-off doubling from 1 s).
    return { jobId: await this.jobs.enqueue(INSTITUTION_FRAUD_FLAG_JOB, job, { jobId, attempts: 10 }) };
  }
}
