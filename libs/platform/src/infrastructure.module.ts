/**
 * The composition root: configuration picks the adapters behind every port, so the same code
 * runs on the embedded default (SQLite, in-process jobs) or the production stack.
 */
import { Global, Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CLOCK, RULE_SETS, systemClock, WORKFLOW_SETTINGS, type Clock, type WorkflowSettings } from '@jx/application';
import type { AppConfig } from '@jx/config';
import { EVENT_STORE } from '@jx/event-store';
import { BullMqJobsModule, InProcessJobQueue, JOB_QUEUE } from '@jx/jobs';
import { READ_MODEL_STORE } from '@jx/projections';
import type { RuleSetRegistry } from '@jx/rules';
import { DependencyHealth, HEALTH_CHECKS } from './health-checks';
import { describeError } from './redact';
import { logRepeatedFailures } from './repeated-failures';
import { openEventStore, openJobJournal, openReadModelStore } from './stores';
import { APP_CONFIG, JOBS_FAILURE_LOG } from './tokens';

export { APP_CONFIG };

export interface InfrastructureOverrides {
  clock?: Clock;
  rules?: RuleSetRegistry;
}

/**
 * Redis or BullMQ errors outside any call (a lost connection): into the structured log, not stderr,
 * and not once per reconnection attempt while Redis is away.
 */
const jobsLogger = new Logger('jobs');
const logJobsError = logRepeatedFailures((fields) =>
  fields.stopped ? jobsLogger.log(fields, 'Redis answers again') : jobsLogger.error(fields, 'BullMQ or Redis error'),
);

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig, overrides: InfrastructureOverrides = {}): DynamicModule {
    const settings: WorkflowSettings = { yearClosesOn: config.YEAR_CLOSES_ON };
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
      { provide: READ_MODEL_STORE, useFactory: () => openReadModelStore(config) },
      { provide: HEALTH_CHECKS, inject: [DependencyHealth], useFactory: (health: DependencyHealth) => health.checks() },
      { provide: CLOCK, useValue: overrides.clock ?? systemClock },
      { provide: RULE_SETS, useValue: overrides.rules ?? config.ruleSets },
      { provide: WORKFLOW_SETTINGS, useValue: settings },
      { provide: JOBS_FAILURE_LOG, useValue: logJobsError },
    ];
    // REDIS_URL set: jobs go through BullMQ (@nestjs/bullmq), shared by the API and the workers.
    const jobs: DynamicModule | Provider =
      config.REDIS_URL !== undefined
        ? BullMqJobsModule.forRoot({
            redisUrl: config.REDIS_URL, queueName: config.JOBS_QUEUE, onError: logJobsError, onRecovered: () => logJobsError.recovered(),
            // After an outage longer than a lock, expected; without one, Redis lost the lock key
            // (evicted — it must run with maxmemory-policy noeviction — or restarted without its data).
            onHoldLost: (error) => jobsLogger.warn({ err: describeError(error) }, 'this worker no longer held a job it ran (its lock lapsed or is gone): it runs again, here or in another worker, unless Redis lost the job itself (restarted without its data: its status then answers 404 JOB_NOT_FOUND, and the request that asked for it must be sent again; a schedule asks again by itself)'),
            onJobFailedUnrun: (job, reason) => jobsLogger.error({ ...job, reason }, 'job failed for good without running (post it again)'),
          })
        : // In-process jobs keep their records beside the data, so an accepted job outlives a restart.
          { provide: JOB_QUEUE, useFactory: () => new InProcessJobQueue({ journal: openJobJournal(config) }) };
    // An imported module is re-exported as a whole (its JOB_QUEUE with it).
    const exported = [...providers.map((p) => (p as { provide: symbol }).provide), 'module' in jobs ? jobs : JOB_QUEUE];
    return {
      module: InfrastructureModule,
      imports: 'module' in jobs ? [jobs] : [],
      providers: [...providers, DependencyHealth, ...('module' in jobs ? [] : [jobs])],
      exports: exported,
    };
  }
}
