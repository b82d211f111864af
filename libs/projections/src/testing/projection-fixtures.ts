/**
 * Test support: writes person-year and unit streams straight into a real event store, event by
 * event, as the deciders would have (valid shapes and metadata), so that the projection tests
 * control every instant and every transition. Not part of the runtime barrel.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  creditYearStream,
  unitStream,
  type ActivityData,
  type CreditYearEvent,
  type Field,
  type Role,
  type UnitPut,
} from '@jx/domain';
import { openSqliteEventStore, type AppendResult, type EventStore, type SqliteEventStore } from '@jx/event-store';
import { defaultRegistry } from '@jx/rules';
import { Projector } from '../projector';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../projection-runner';
import { openSqliteReadModelStore, type SqliteReadModelStore } from '../sqlite/sqlite-read-model.adapter';

const T0 = Date.parse('2024-06-01T00:00:00.000Z');

/** The instant `minutes` after 2024-06-01T00:00Z, in canonical ISO form. */
export function at(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString();
}

function metadata(when: string, role: Role, id: string) {
  return { actor: { id, role }, correlationId: `corr-${when}`, causationId: null, ruleSetId: 'jx-2023-trial', at: when };
}

export async function putUnit(store: EventStore, data: UnitPut['data'], when: string): Promise<AppendResult> {
  const event: UnitPut = { type: 'UnitPut', data };
  return store.append(unitStream(data.unitId), [{ ...event, metadata: metadata(when, 'authority', 'hr-360000') }], 'any');
}

export interface ActivityOptions {
  category?: ActivityData['category'];
  subject?: ActivityData['subject'];
  title?: string;
  hours?: number;
  contentKey?: string | null;
  institutionId?: string | null;
}

/** Writes one person-year's stream: each method appends the event its name says. */
export class PersonYearWriter {
  constructor(
    private readonly store: EventStore,
    readonly personId: string,
    readonly year: number,
  ) {}

  get streamId(): string {
    return creditYearStream(this.personId, this.year);
  }

  open(unitId: string, when: string, field: Field = 'general'): Promise<AppendResult> {
    return this.append({ type: 'PersonYearOpened', data: { personId: this.personId, year: this.year, unitId, field } }, when, 'unit');
  }

  /** A professional's declaration: waits for the unit. */
  declare(activityId: string, when: string, options: ActivityOptions = {}): Promise<AppendResult> {
    return this.append({ type: 'ActivityDeclared', data: this.activity(activityId, options, 'professional') }, when, 'professional');
  }

  /** An institution's registration: verified on registration. */
  register(activityId: string, when: string, options: ActivityOptions = {}): Promise<AppendResult> {
    const data = this.activity(activityId, { institutionId: 'inst-1', ...options }, 'institution');
    return this.append({ type: 'ActivityRegistered', data }, when, 'institution');
  }

  /** Registrations worth the whole requirement (public 30 + professional 60): a compliant year. */
  async registerEnough(when: string, institutionId = 'inst-1'): Promise<void> {
    await this.register(`${this.personId}-pub`, when, { subject: 'public', hours: 30, institutionId });
    await this.register(`${this.personId}-pro`, when, { subject: 'professional', hours: 60, institutionId });
  }

  verify(activityId: string, hours: number, when: string, contentKey: string | null = null): Promise<AppendResult> {
    return this.append({ type: 'ActivityVerifiedByUnit', data: { activityId, hours, reason: null, contentKey } }, when, 'unit');
  }

  reject(activityId: string, when: string): Promise<AppendResult> {
    return this.append({ type: 'ActivityRejectedByUnit', data: { activityId, reason: 'no evidence', contentKey: null } }, when, 'unit');
  }

  withdraw(activityId: string, when: string): Promise<AppendResult> {
    return this.append({ type: 'ActivityWithdrawn', data: { activityId } }, when, 'professional');
  }

  setField(field: Field, when: string): Promise<AppendResult> {
    return this.append({ type: 'FieldSet', data: { field } }, when, 'unit');
  }

  confirm(when: string): Promise<AppendResult> {
    return this.append({ type: 'YearConfirmedByUnit', data: { note: null } }, when, 'unit');
  }

  reopen(activityId: string, when: string): Promise<AppendResult> {
    return this.append({ type: 'YearReopened', data: { activityId, makeUp: false } }, when, 'professional');
  }

  finalize(when: string, adjustments: Array<{ activityId: string; hours: number; contentKey?: string }> = []): Promise<AppendResult> {
    const adjusted = adjustments.map((a) => ({ activityId: a.activityId, hours: a.hours, reason: 'review', contentKey: a.contentKey ?? null }));
    return this.append({ type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: adjusted } }, when, 'authority');
  }

  flag(flagId: string, when: string, institutionId: string | null = null): Promise<AppendResult> {
    const data = { flagId, reason: 'forged certificate', evidence: [], institutionId, courses: null };
    return this.append({ type: 'FraudFlagged', data }, when, 'authority');
  }

  rescind(flagId: string, when: string): Promise<AppendResult> {
    return this.append({ type: 'FraudFlagRescinded', data: { flagId, reason: 'administrative review' } }, when, 'authority');
  }

  /** A legitimate reason for the shortfall (Art. 13): no promotion delay is due any more. */
  grantMakeUp(reason: 'injury' | 'illness' | 'pregnancy' | 'other', until: string | null, when: string): Promise<AppendResult> {
    return this.append({ type: 'MakeUpGranted', data: { reason, note: null, until } }, when, 'unit');
  }

  recordPromotionDelay(when: string): Promise<AppendResult> {
    const data = { periodEnded: `${this.year + 1}-12-31`, shortfall: { public: 30, professional: 60 } };
    return this.append({ type: 'PromotionDelayRecorded', data }, when, 'authority');
  }

  private append(event: CreditYearEvent, when: string, role: Role): Promise<AppendResult> {
    const data = event.data as unknown as Record<string, unknown>;
    return this.store.append(this.streamId, [{ type: event.type, data, metadata: metadata(when, role, `${role}-1`) }], 'any');
  }

  private activity(activityId: string, o: ActivityOptions, role: Role): ActivityData {
    const hours = o.hours ?? 10;
    return {
      activityId,
      category: o.category ?? '8.1',
      subject: o.subject ?? 'professional',
      title: o.title ?? `Course ${activityId}`,
      completedOn: `${this.year}-05-06`,
      measure: { hours },
      hours,
      contentKey: o.contentKey ?? null,
      evidence: [{ name: 'certificate.pdf', sha256: 'a'.repeat(64) }],
      makeUp: false,
      declarant: { id: `${role}-1`, role },
      institutionId: o.institutionId ?? null,
      requestDigest: `digest-${activityId}`,
    };
  }
}

/** A temp folder with an event store and read models in separate files, and a runner between them. */
export interface ProjectionHarness {
  dir: string;
  events: SqliteEventStore;
  readModels: SqliteReadModelStore;
  runner: ProjectionRunner;
  /** Resolves once the read models include every event appended so far. */
  caughtUp(): Promise<void>;
  /** A second read-model database in the same folder, with its own runner (for rebuilds). */
  secondary(name: string, options?: ProjectionRunnerOptions): { readModels: SqliteReadModelStore; runner: ProjectionRunner };
  close(): Promise<void>;
}

export async function projectionHarness(options: ProjectionRunnerOptions & { busyTimeoutMs?: number } = {}): Promise<ProjectionHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'jx-projections-'));
  const events = openSqliteEventStore({ file: join(dir, 'events.sqlite'), pollIntervalMs: 10 });
  const extra: Array<{ readModels: SqliteReadModelStore; runner: ProjectionRunner }> = [];
  const open = (name: string, runnerOptions: ProjectionRunnerOptions) => {
    const readModels = openSqliteReadModelStore({
      file: join(dir, name),
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    });
    const runner = new ProjectionRunner(events, readModels, new Projector(events, readModels, defaultRegistry()), runnerOptions);
    return { readModels, runner };
  };
  const main = open('readmodels.sqlite', options);
  return {
    dir,
    events,
    ...main,
    caughtUp: async () => {
      await main.runner.waitFor(await events.headPosition());
    },
    secondary: (name, runnerOptions = {}) => {
      const opened = open(name, runnerOptions);
      extra.push(opened);
      return opened;
    },
    close: async () => {
      for (const { runner, readModels } of [main, ...extra]) {
        await runner.stop();
        await readModels.close();
      }
      await events.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
