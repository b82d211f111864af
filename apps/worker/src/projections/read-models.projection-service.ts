/**
 * Feeds the read models (inboxes, reports, institution index) from a checkpointed subscription
 * to the event store, for as long as the process runs.
 */
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RULE_SETS } from '@jx/application';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { ProjectionRunner, Projector, READ_MODEL_STORE, type ReadModelStore } from '@jx/projections';
import { JobInterruptedError } from '@jx/jobs';
import { describeError, logRepeatedFailures, reportIfFenced } from '@jx/platform';
import type { RuleSetRegistry } from '@jx/rules';

@Injectable()
export class ReadModelsProjection implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('projections');
  readonly runner: ProjectionRunner;

  private readonly projector: Projector;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(RULE_SETS) rules: RuleSetRegistry,
  ) {
    this.projector = new Projector(events, readModels, rules);
    this.runner = new ProjectionRunner(events, readModels, this.projector, {
      // Well inside API.md's 2 s, and one read-model transaction per burst instead of per append.
      batchDelayMs: 250,
      // A page refused because newer code migrated the read models fails for ever: the process stops.
      onError: (error) => (reportIfFenced(error) ? this.logger.error({ err: describeError(error) }, 'read models migrated by newer code: this process stops') : this.pageFailed(error)),
      onRecovered: () => this.pageFailed.recovered(),
    });
  }

  /** Retried with a growing wait (followAll); logged once per kind and window, not per attempt. */
  private readonly pageFailed = logRepeatedFailures((fields) =>
    fields.stopped ? this.logger.log(fields, 'projection pages succeed again') : this.logger.error(fields, 'projection page failed; retrying'),
  );

  async onApplicationBootstrap(): Promise<void> {
    await this.warnIfDerivedUnderOtherRules();
    await this.runner.start();
  }

  /**
   * A year's row is written again only when an event of it comes: after the rule sets changed
   * (RULE_SETS_FILE, Art. 15), rows already written keep what the old rules made of them.
   */
  private async warnIfDerivedUnderOtherRules(): Promise<void> {
    // Read models not answering yet: the runner meets that and retries; this check is skipped.
    const derivedUnder = await this.readModels.checkpointRuleSets(this.projector.checkpointName).catch(() => null);
    if (derivedUnder === null || derivedUnder === this.projector.ruleSets) return;
    this.logger.warn(
      { derivedUnder, inForce: this.projector.ruleSets },
      'the read models were derived under other rule sets than those in force (RULE_SETS_FILE, or its content, changed): the compliance report and promotion-delay sweep may judge years already projected under the old ones until `npm run projections:rebuild` is run with the rule sets in force',
    );
  }

  /** Before any store closes (PortsShutdown runs at onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /**
   * Resolves once the read models include every event appended so far (read-your-writes), or
   * after `timeoutMs` (false) — e.g. while shutting down, when the runner no longer follows.
   */
  async catchUp(timeoutMs = 30_000): Promise<boolean> {
    return this.runner.waitFor(await this.events.headPosition(), { timeoutMs });
  }

  /**
   * For a job that must read every event appended so far: resolves once the read models hold
   * them. If the projection stopped (the process shuts down), waits for the job's `signal` (its
   * queue closing, a moment later) and throws JobInterruptedError: the job goes back to waiting,
   * no attempt counted — rather than at once, when a queue still open would take it again and
   * again meanwhile. Else, not caught up in time, throws `notCaughtUp` (a failed attempt, retried).
   */
  async requireCaughtUp(notCaughtUp: string, signal?: AbortSignal, timeoutMs?: number): Promise<void> {
    if (await this.catchUp(timeoutMs)) return;
    if (!this.runner.stopped) throw new Error(notCaughtUp);
    if (signal !== undefined && !signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    throw new JobInterruptedError('the projections stopped: the process is shutting down');
  }
}
