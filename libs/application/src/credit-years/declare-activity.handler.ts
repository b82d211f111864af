import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { creditYearStream, decideDeclareActivity, neighbourYearsOf, type DeclareActivityCommand, type DeclareActivityResult } from '@jx/domain';
import type { CommandMetadata } from '../command-metadata';
import { CreditYearCommands, neighbourYears } from '../credit-year-commands';

export type DeclareActivityAnswer = DeclareActivityResult & { revision: number; created: boolean };

export class DeclareActivity extends Command<DeclareActivityAnswer> {
  readonly type = 'DeclareActivity';
  constructor(readonly data: DeclareActivityCommand, readonly metadata: CommandMetadata) {
    super();
  }
}

@CommandHandler(DeclareActivity)
export class DeclareActivityHandler implements ICommandHandler<DeclareActivity> {
  constructor(private readonly years: CreditYearCommands) {}

  async execute({ data, metadata }: DeclareActivity): Promise<DeclareActivityAnswer> {
    // The years that may count the same content are read and guarded: CONTENT_ALREADY_COUNTED must hold under races.
    const neighbours = neighbourYearsOf(data, this.years.lastYearToRead()).map((year) => creditYearStream(data.personId, year));
    const out = await this.years.run(
      data.personId,
      data.year,
      metadata,
      ({ state, related, unit, ctx }) => decideDeclareActivity(data, state, unit, neighbourYears(data.personId, related), ctx),
      { relatedStreams: neighbours, unitId: data.unitId },
    );
    const result = out.result!;
    const created = out.appended.length > 0;
    return { ...result, revision: result.revision ?? out.appended[out.appended.length - 1]!.revision, created };
  }
}
