import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideWithdrawActivity, type WithdrawActivityCommand } from '@jx/domain';
import type { ActivityStatement } from '@jx/rules';
import type { CommandMetadata } from '../command-metadata';
import { CreditYearCommands } from '../credit-year-commands';
import { Statements } from '../statements';

export class WithdrawActivity extends Command<ActivityStatement> {
  readonly type = 'WithdrawActivity';
  constructor(readonly data: WithdrawActivityCommand, readonly metadata: CommandMetadata) {
    super();
  }
}

@CommandHandler(WithdrawActivity)
export class WithdrawActivityHandler implements ICommandHandler<WithdrawActivity> {
  constructor(private readonly years: CreditYearCommands, private readonly statements: Statements) {}

  async execute({ data, metadata }: WithdrawActivity): Promise<ActivityStatement> {
    const out = await this.years.run(data.personId, data.year, metadata, ({ state, ctx }) => decideWithdrawActivity(data, state, ctx));
    return this.statements.render(out.state!).activities.find((a) => a.activityId === data.activityId)!;
  }
}
