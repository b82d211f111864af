import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideRecordPromotionDelay, type RecordPromotionDelayCommand } from '@jx/domain';
import type { CommandMetadata } from '../command-metadata';
import { CreditYearCommands } from '../credit-year-commands';

/** Sent by the scheduler when a make-up period may have ended (Art. 13). */
export class RecordPromotionDelay extends Command<{ recorded: boolean }> {
  readonly type = 'RecordPromotionDelay';
  constructor(readonly data: RecordPromotionDelayCommand, readonly metadata: CommandMetadata) {
    super();
  }
}

@CommandHandler(RecordPromotionDelay)
export class RecordPromotionDelayHandler implements ICommandHandler<RecordPromotionDelay> {
  constructor(private readonly years: CreditYearCommands) {}

  async execute({ data, metadata }: RecordPromotionDelay): Promise<{ recorded: boolean }> {
    const out = await this.years.run(data.personId, data.year, metadata, ({ state, ctx }) => decideRecordPromotionDelay(data, state, ctx));
    return { recorded: out.result?.recorded ?? false };
  }
}
