/**
 * The common shape of the unit's and the authority's commands on one person-year: read the
 * year's unit (scope), decide against the stream, answer with the statement afterwards.
 */
import { Inject } from '@nestjs/common';
import { Command } from '@nestjs/cqrs';
import type { CreditYearDecision, CreditYearState, DecideContext, Statement, UnitState } from '@jx/domain';
import type { CommandMetadata } from '../command-metadata';
import { CreditYearCommands } from '../credit-year-commands';
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

  protected abstract decide(data: C['data'], state: CreditYearState | null, unit: UnitState | null, ctx: DecideContext): CreditYearDecision<unknown>;

  protected unitFor(command: C): Promise<UnitState | null> {
    return this.years.unitOfYear(command.data.personId, command.data.year);
  }

  async execute(command: C): Promise<Statement> {
    const unit = await this.unitFor(command);
    const { personId, year } = command.data;
    const out = await this.years.run(personId, year, command.metadata, ({ state, ctx }) => this.decide(command.data, state, unit, ctx));
    return this.statements.render(out.state!);
  }
}
