import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideUnitVerify, type UnitVerifyCommand } from '@jx/domain';
import type { ActivityStatement } from '@jx/rules';
import type { CommandMetadata } from '../command-metadata';
import { CreditYearCommands } from '../credit-year-commands';
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
    const unit = await this.years.unitOfYear(data.personId, data.year);
    const out = await this.years.run(data.personId, data.year, metadata, ({ state, ctx }) => decideUnitVerify(data, state, unit, ctx));
    return this.statements.render(out.state!).activities.find((a) => a.activityId === data.activityId)!;
  }
}
