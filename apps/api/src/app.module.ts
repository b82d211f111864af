import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApplicationModule } from '@jx/application';
import type { AppConfig } from '@jx/config';
import { InfrastructureModule, PortsShutdown, type InfrastructureOverrides } from '@jx/platform';
import { WorkerModule } from '../../worker/src/worker.module';
import { AuthorityFinalizeController } from './credit-years/authority-finalize/authority-finalize.http.controller';
import { DeclareActivityController } from './credit-years/declare-activity/declare-activity.http.controller';
import { FraudFlagsController } from './credit-years/fraud-flags/fraud-flags.http.controller';
import { MakeUpController } from './credit-years/make-up/make-up.http.controller';
import { SetFieldController } from './credit-years/set-field/set-field.http.controller';
import { UnitConfirmController } from './credit-years/unit-confirm/unit-confirm.http.controller';
import { UnitVerifyController } from './credit-years/unit-verify/unit-verify.http.controller';
import { WithdrawActivityController } from './credit-years/withdraw-activity/withdraw-activity.http.controller';
import { AuthGuard, JWT_SECRET } from './http/auth.guard';
import { DocsController, OPENAPI_DOCUMENT } from './ops/docs.http.controller';
import { HealthController } from './ops/health.http.controller';
import { ComplianceReportController } from './queries/compliance-report.http.controller';
import { HistoryController } from './queries/history.http.controller';
import { InboxesController } from './queries/inboxes.http.controller';
import { JobsController } from './queries/jobs.http.controller';
import { RuleSetsController } from './queries/rule-sets.http.controller';
import { PersonYearAccess } from './queries/person-year-access';
import { StatementController } from './queries/statement.http.controller';
import { PutUnitController } from './units/put-unit.http.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: InfrastructureOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config, overrides), ApplicationModule, ...(config.RUN_WORKER ? [WorkerModule] : [])],
      controllers: [
        PutUnitController,
        DeclareActivityController,
        WithdrawActivityController,
        UnitVerifyController,
        SetFieldController,
        UnitConfirmController,
        AuthorityFinalizeController,
        FraudFlagsController,
        MakeUpController,
        StatementController,
        HistoryController,
        InboxesController,
        ComplianceReportController,
        JobsController,
        RuleSetsController,
        HealthController,
        DocsController,
      ],
      providers: [
        PersonYearAccess,
        PortsShutdown,
        { provide: JWT_SECRET, useValue: config.jwtSecret },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: OPENAPI_DOCUMENT, useValue: { current: null } },
      ],
    };
  }
}
