/**
 * Runs a person-year decision: read → fold → decide → append (ARCHITECTURE.md step 2–4).
 * Everything a decision knows comes from streams; nothing from a read model.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  chinaDate,
  creditYearStream,
  foldCreditYear,
  foldUnit,
  unitStream,
  type CreditYearDecision,
  type CreditYearState,
  type DecideContext,
  type NeighbourYears,
  type UnitState,
  yearOf,
} from '@jx/domain';
import { EVENT_STORE, handleCommand, type EventStore, type StoredEvent } from '@jx/event-store';
import type { RuleSetRegistry } from '@jx/rules';
import type { CommandMetadata } from './command-metadata';
import { CLOCK, RULE_SETS, WORKFLOW_SETTINGS, type Clock, type WorkflowSettings } from './tokens';

export type Recorded = ReadonlyArray<StoredEvent>;

export const foldYear = (events: Recorded): CreditYearState | null => foldCreditYear(events);

/** The neighbouring person-years a decision was given; asking for one not read is a programming error. */
export const neighbourYears =
  (personId: string, related: ReadonlyMap<string, CreditYearState | null>): NeighbourYears =>
  (year) => {
    const id = creditYearStream(personId, year);
    if (!related.has(id)) throw new Error(`${id} was not read for this decision`);
    return related.get(id)!;
  };

export interface DecisionInput {
  state: CreditYearState | null;
  related: ReadonlyMap<string, CreditYearState | null>;
  /** The unit named by `RunOptions.unitId`, as read for this try (null: not registered). */
  unit: UnitState | null;
  ctx: DecideContext;
}

export interface RunOptions {
  /** Other person-years read and guarded with the decision (see CommandSpec.relatedStreams). */
  relatedStreams?: readonly string[];
  /**
   * A unit the decision reads, as a watched stream (CommandSpec.watchedStreams): every command of
   * its staff reads it, so they must not queue on it, and a cached read of it is used only if it
   * is still current at the append.
   */
  unitId?: string;
}

export interface YearOutcome<R> {
  appended: StoredEvent[];
  /** The stream after the command (folded on demand: a declaration's answer does not need it). */
  readonly stream: readonly StoredEvent[];
  readonly state: CreditYearState | null;
  result: R | undefined;
}

/** The person-year was opened, by a command at the same time, after its unit was read. */
class UnitReadBeforeOpening extends Error {}

@Injectable()
export class CreditYearCommands {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RULE_SETS) readonly rules: RuleSetRegistry,
    @Inject(WORKFLOW_SETTINGS) private readonly settings: WorkflowSettings,
  ) {}

  /**
   * The last person-year a decision taken now may have to read for content (content-across-years):
   * this year in China, and the next in case a year turns between choosing the streams and deciding.
   */
  lastYearToRead(): number {
    return yearOf(chinaDate(this.clock.now())) + 1;
  }

  async readUnit(unitId: string): Promise<UnitState | null> {
    return foldUnit(await this.store.readStream(unitStream(unitId)));
  }

  /** The unit of a person-year as it is now (scope is judged on a unit's current region). */
  async unitOfYear(personId: string, year: number): Promise<UnitState | null> {
    const head = await this.store.readStream(creditYearStream(personId, year), { toRevision: 0 });
    const unitId = (head[0]?.data as { unitId?: string } | undefined)?.unitId;
    return unitId === undefined ? null : this.readUnit(unitId);
  }

  /**
   * `run`, for a decision that judges scope on the person-year's unit (`unit` below), read before
   * the year's stream. A year opened in between — by a declaration sent at the same time — came
   * with a unit the decision was not given, and an authority covering it was refused 403, an answer
   * no serial order gives: the unit is then read again and the command decided afresh. A year's
   * unit never changes once opened, so once is enough.
   */
  async runWithYearUnit<R>(
    personId: string,
    year: number,
    meta: CommandMetadata,
    readUnit: () => Promise<UnitState | null>,
    decide: (input: DecisionInput & { unit: UnitState | null }) => CreditYearDecision<R>,
    options: RunOptions = {},
  ): Promise<YearOutcome<R>> {
    for (let attempt = 1; ; attempt++) {
      const unit = await readUnit();
      try {
        return await this.run(
          personId,
          year,
          meta,
          (input) => {
            if (attempt === 1 && input.state !== null && input.state.unitId !== unit?.unitId) throw new UnitReadBeforeOpening();
            return decide({ ...input, unit });
          },
          options,
        );
      } catch (error: unknown) {
        if (!(error instanceof UnitReadBeforeOpening)) throw error;
      }
    }
  }

  async run<R>(
    personId: string,
    year: number,
    meta: CommandMetadata,
    decide: (input: DecisionInput) => CreditYearDecision<R>,
    { relatedStreams = [], unitId }: RunOptions = {},
  ): Promise<YearOutcome<R>> {
    const unitStreamId = unitId === undefined ? undefined : unitStream(unitId);
    const outcome = await handleCommand(this.store, {
      streamId: creditYearStream(personId, year),
      relatedStreams,
      watchedStreams: unitStreamId === undefined ? [] : [unitStreamId],
      metadata: {
        actor: { id: meta.actor.sub, role: meta.actor.role },
        correlationId: meta.correlationId,
        causationId: meta.causationId,
      },
      now: () => this.clock.now().toISOString(),
      decide: ({ stream, related, at }) => {
        const ctx: DecideContext = { now: at, actor: meta.actor, rules: this.rules, yearClosesOn: this.settings.yearClosesOn };
        const relatedStates = new Map(relatedStreams.map((id) => [id, foldYear(related.get(id) ?? [])]));
        const unit = unitStreamId === undefined ? null : foldUnit(related.get(unitStreamId) ?? []);
        const decision = decide({ state: foldYear(stream), related: relatedStates, unit, ctx });
        return { events: decision.events as unknown as Array<{ type: string; data: Record<string, unknown> }>, ruleSetId: decision.ruleSetId, result: decision.result };
      },
    });
    return {
      appended: outcome.events,
      stream: outcome.stream,
      get state() {
        return foldYear(outcome.stream);
      },
      result: outcome.result,
    };
  }
}
