import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { contentYearsOfStored, creditYearStream, decideUnitVerify, type UnitVerifyCommand } from '@jx/domain';
import type { ActivityStatement } from '@jx/rules';
import type { CommandMetadata } from '../command-metadata';
import { CreditYearCommands, neighbourYears } from '../credit-year-commands';
import { Statements } from '../statements';

export class UnitVerify extends Command<ActivityStatement> {
  readonly type = 'UnitVerify';
  constructor(readonly data: UnitVerifyCommand, readonly metadata: CommandMetadata) {
    super();
  }
}

@CommandHandler(UnitVerify)
export class UnitVerifyHandler implements ICommandHandler<UnitVerify> {
  constructor(private readonly years: CreditYearCommands, private readonly statements: Statements) {}

  async execute({ data, metadata }: UnitVerify): Promise<ActivityStatement> {
    // A key set on approval is checked against the other years, read and guarded (Art. 13).
    const neighbours = data.decision === 'approve' && data.contentKey !== null ? contentYearsOfStored(data.year, this.years.lastYearToRead()).map((y) => creditYearStream(data.personId, y)) : [];
    const out = await this.years.runWithYearUnit(
      data.personId,
      data.year,
      metadata,
      () => this.years.unitOfYear(data.personId, data.year),
      ({ state, unit, related, ctx }) => decideUnitVerify(data, state, unit, ctx, neighbourYears(data.personId, related)),
      { relatedStreams: neighbours },
    );
    return this.statements.render(out.state!).activities.find((a) => a.activityId === data.activityId)!;
  }
}
