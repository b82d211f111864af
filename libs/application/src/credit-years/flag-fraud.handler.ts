import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideFlagFraud, type ActorClaims, type FlagFraudCommand } from '@jx/domain';
import type { CommandMetadata } from '../command-metadata';
import { CreditYearCommands } from '../credit-year-commands';
import { digest } from './derived-id';

export interface FlagFraudAnswer {
  flagId: string;
  status: 'voided';
  /** False when an institution-wide flag found no registration of that institution here. */
  flagged: boolean;
  /** Whether this command wrote the flag (false when the year held it already: a job run again). */
  written: boolean;
}

/**
 * The id of a person flag sent under an Idempotency-Key: one per actor (sub and role), person-year
 * and key, so that the same request sent again — a retry after a lost answer — finds the flag it
 * wrote instead of writing a second one, which would need a rescission of its own.
 */
export function idempotentFlagId(actor: Pick<ActorClaims, 'sub' | 'role'>, personId: string, year: number, idempotencyKey: string): string {
  return `key-${digest([actor.sub, actor.role, personId, year, idempotencyKey])}`;
}

export class FlagFraud extends Command<FlagFraudAnswer> {
  readonly type = 'FlagFraud';
  constructor(readonly data: FlagFraudCommand, readonly metadata: CommandMetadata) {
    super();
  }
}

@CommandHandler(FlagFraud)
export class FlagFraudHandler implements ICommandHandler<FlagFraud> {
  constructor(private readonly years: CreditYearCommands) {}

  async execute({ data, metadata }: FlagFraud): Promise<FlagFraudAnswer> {
    const out = await this.years.runWithYearUnit(
      data.personId,
      data.year,
      metadata,
      () => this.years.unitOfYear(data.personId, data.year),
      ({ state, unit, ctx }) => decideFlagFraud(data, state, unit, ctx),
    );
    return { flagId: data.flagId, status: 'voided', flagged: out.result?.flagged ?? false, written: out.appended.length > 0 };
  }
}
