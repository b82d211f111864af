/**
 * The common shape of the unit's and the authority's commands on one person-year: read the
 * year's unit (scope), decide against the stream, answer with the statement afterwards.
 */
import { Inject } from '@nestjs/common';
import { Command } from '@nestjs/cqrs';
import { creditYearStream, type CreditYearDecision, type CreditYearState, type DecideContext, type NeighbourYears, type Statement, type UnitState } from '@jx/domain';
import type { CommandMetadata } from '../command-metadata';
import { CreditYearCommands, neighbourYears } from '../credit-year-commands';
import { Statements } from '../statements';

export interface YearKey {
  personId: string;
  year: number;
}

export abstract class YearCommand<D extends YearKey, R = Statement> extends Command<R> {
  abstract readonly type: string;
  constructor(readonly data: D, readonly metadata: CommandMetadata) {
    super();
  }
}

export abstract class StatementCommandHandler<C extends YearCommand<YearKey>> {
  constructor(
    @Inject(CreditYearCommands) protected readonly years: CreditYearCommands,
    @Inject(Statements) protected readonly statements: Statements,
  ) {}

  protected abstract decide(data: C['data'], state: CreditYearState | null, unit: UnitState | null, ctx: DecideContext, neighbours: NeighbourYears): CreditYearDecision<unknown>;

  /** Other person-years of the same person the decision needs, read and guarded with it. */
  protected neighbourYears(_command: C): number[] {
    return [];
  }

  protected unitFor(command: C): Promise<UnitState | null> {
    return this.years.unitOfYear(command.data.personId, command.data.year);
  }

  async execute(command: C): Promise<Statement> {
    const { personId, year } = command.data;
    const related = this.neighbourYears(command).map((y) => creditYearStream(personId, y));
    const out = await this.years.runWithYearUnit(
      personId,
      year,
      command.metadata,
      () => this.unitFor(command),
      ({ state, unit, related: read, ctx }) => this.decide(command.data, state, unit, ctx, neighbourYears(personId, read)),
      { relatedStreams: related },
    );
    return this.statements.render(out.state!);
  }
}
