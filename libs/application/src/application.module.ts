/**
 * The application layer: command handlers on the @nestjs/cqrs CommandBus and the statement
 * reader. Ports (EVENT_STORE, CLOCK, RULE_SETS, WORKFLOW_SETTINGS) come from the composition root.
 */
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CreditYearCommands } from './credit-year-commands';
import { DeclareActivityHandler } from './credit-years/declare-activity.handler';
import { FlagFraudHandler } from './credit-years/flag-fraud.handler';
import { FlagInstitutionFraudHandler } from './credit-years/flag-institution-fraud.handler';
import { RecordPromotionDelayHandler } from './credit-years/record-promotion-delay.handler';
import {
  AuthorityFinalizeHandler,
  MakeUpReasonHandler,
  RescindFraudFlagHandler,
  SetFieldHandler,
  UnitConfirmHandler,
} from './credit-years/statement-commands.handler';
import { UnitVerifyHandler } from './credit-years/unit-verify.handler';
import { WithdrawActivityHandler } from './credit-years/withdraw-activity.handler';
import { Statements } from './statements';
import { PutUnitHandler } from './units/put-unit.handler';

const handlers = [
  DeclareActivityHandler,
  WithdrawActivityHandler,
  UnitVerifyHandler,
  SetFieldHandler,
  UnitConfirmHandler,
  AuthorityFinalizeHandler,
  FlagFraudHandler,
  FlagInstitutionFraudHandler,
  RescindFraudFlagHandler,
  MakeUpReasonHandler,
  RecordPromotionDelayHandler,
  PutUnitHandler,
];

@Module({
  imports: [CqrsModule],
  providers: [CreditYearCommands, Statements, ...handlers],
  exports: [CreditYearCommands, Statements, CqrsModule],
})
export class ApplicationModule {}
