/** The unit's and the authority's statement-returning commands (RULES.md §4, Arts. 12–15). */
import { CommandHandler } from '@nestjs/cqrs';
import {
  contentYearsOfStored,
  decideAuthorityFinalize,
  decideMakeUpReason,
  decideRescindFraudFlag,
  decideSetField,
  decideUnitConfirm,
  type AuthorityFinalizeCommand,
  type MakeUpReasonCommand,
  type RescindFraudFlagCommand,
  type SetFieldCommand,
  type UnitConfirmCommand,
  type UnitState,
} from '@jx/domain';
import { StatementCommandHandler, YearCommand } from './year-command';

export class SetField extends YearCommand<SetFieldCommand> {
  readonly type = 'SetField';
}
export class UnitConfirm extends YearCommand<UnitConfirmCommand> {
  readonly type = 'UnitConfirm';
}
export class AuthorityFinalize extends YearCommand<AuthorityFinalizeCommand> {
  readonly type = 'AuthorityFinalize';
}
export class RescindFraudFlag extends YearCommand<RescindFraudFlagCommand> {
  readonly type = 'RescindFraudFlag';
}
export class MakeUpReason extends YearCommand<MakeUpReasonCommand> {
  readonly type = 'MakeUpReason';
}

@CommandHandler(SetField)
export class SetFieldHandler extends StatementCommandHandler<SetField> {
  protected decide = decideSetField;
}

@CommandHandler(UnitConfirm)
export class UnitConfirmHandler extends StatementCommandHandler<UnitConfirm> {
  protected decide = decideUnitConfirm;
}

@CommandHandler(AuthorityFinalize)
export class AuthorityFinalizeHandler extends StatementCommandHandler<AuthorityFinalize> {
  protected decide = decideAuthorityFinalize;

  /**
   * An adjustment above 0 may make content count (a key, or an activity adjusted to 0 before):
   * checked against the other years (Art. 13), which the stream alone cannot rule out here.
   */
  protected override neighbourYears({ data }: AuthorityFinalize): number[] {
    return data.adjustments.some((a) => a.hours > 0) ? contentYearsOfStored(data.year, this.years.lastYearToRead()) : [];
  }
}

@CommandHandler(RescindFraudFlag)
export class RescindFraudFlagHandler extends StatementCommandHandler<RescindFraudFlag> {
  protected decide = decideRescindFraudFlag;
}

@CommandHandler(MakeUpReason)
export class MakeUpReasonHandler extends StatementCommandHandler<MakeUpReason> {
  protected decide = decideMakeUpReason;

  /** A unit may open a year never written to (Art. 13: it is short too); its own unit applies. */
  protected override async unitFor(command: MakeUpReason): Promise<UnitState | null> {
    const unit = await super.unitFor(command);
    const actor = command.metadata.actor;
    return unit ?? (actor.role === 'unit' && actor.unitId ? this.years.readUnit(actor.unitId) : null);
  }
}
