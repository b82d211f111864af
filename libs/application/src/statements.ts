/** Reads a person-year's statement: a fold of its own stream, exact at any revision or instant. */
import { Inject, Injectable, Optional } from '@nestjs/common';
import { buildStatement, creditYearStream, notFound, type CreditYearState, type Statement } from '@jx/domain';
import { EVENT_STORE, readBetweenCommands, WeightedCache, type EventStore } from '@jx/event-store';
import type { RuleSetRegistry } from '@jx/rules';
import { foldYear } from './credit-year-commands';
import { RULE_SETS, STATEMENT_CACHE_EVENTS } from './tokens';

export interface StatementOptions {
  asOf?: string;
  revision?: number;
  /** Recompute under another rule set (what-if); validated by the caller. */
  ruleSet?: string;
}

@Injectable()
export class Statements {
  /**
   * Recently read years, each weighing the events folded into it (and one more): bounded by
   * events, not years, so that memory does not grow with the years' length. An entry also holds
   * its statement as JSON for each rule set asked for, which grows with its events too.
   */
  private readonly recent: WeightedCache<string, LatestYear>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(RULE_SETS) private readonly rules: RuleSetRegistry,
    @Optional() @Inject(STATEMENT_CACHE_EVENTS) cacheCapacity: number = CACHED_EVENTS,
  ) {
    this.recent = new WeightedCache(cacheCapacity, (latest) => latest.state.revision + 2);
  }

  /** How many events the recently read years hold (each year counting one more). */
  get cachedEvents(): number {
    return this.recent.weight;
  }

  /** The folded state, or 404 (never written; before the first event; past the last revision). */
  async state(personId: string, year: number, options: StatementOptions = {}): Promise<CreditYearState> {
    return (await this.read(personId, year, options)).state;
  }

  /**
   * The year as it stood (asOf / revision) and the rule set to show it under: the one asked for,
   * else the one recorded with its last event then — history replays under the rules of its day
   * (RULES.md, Art. 15), even after the configuration for (field, year) changed.
   */
  async asItStood(personId: string, year: number, options: StatementOptions): Promise<{ state: CreditYearState; ruleSet: string }> {
    const { state, recordedRuleSet } = await this.read(personId, year, options);
    const ofTheDay = recordedRuleSet !== undefined && this.rules.has(recordedRuleSet) ? recordedRuleSet : this.rules.idFor(state.field, state.year);
    return { state, ruleSet: options.ruleSet ?? ofTheDay };
  }

  private async read(personId: string, year: number, options: StatementOptions): Promise<{ state: CreditYearState; recordedRuleSet: string | undefined }> {
    const streamId = creditYearStream(personId, year);
    const readStream = () =>
      this.store.readStream(streamId, {
        ...(options.revision !== undefined ? { toRevision: options.revision } : {}),
        ...(options.asOf !== undefined ? { toTime: options.asOf } : {}),
      });
    // As it stood at an instant: not while a command whose events may carry an earlier time is
    // still committing them, so that the answer is the same whenever asked (a revision is exact anyway).
    const events = options.asOf !== undefined ? await readBetweenCommands(this.store, streamId, readStream) : await readStream();
    if (options.revision !== undefined && events.length !== options.revision + 1) {
      if (events.length === 0 && (await this.store.streamRevision(streamId)) === -1) throw yearNotFound(personId, year);
      throw notFound('REVISION_NOT_FOUND', `revision ${options.revision} does not exist in this person-year`);
    }
    const state = foldYear(events);
    if (state === null) {
      if (options.asOf !== undefined && (await this.store.streamRevision(streamId)) !== -1) {
        throw notFound('REVISION_NOT_FOUND', `nothing was recorded for this person-year at or before ${options.asOf}`);
      }
      throw yearNotFound(personId, year);
    }
    return { state, recordedRuleSet: events[events.length - 1]?.metadata.ruleSetId };
  }

  render(state: CreditYearState, ruleSet?: string): Statement {
    return buildStatement(state, this.rules.resolve(ruleSet ?? this.rules.idFor(state.field, state.year)));
  }

  /**
   * The year as it is now, from a small cache of recently read years that stays valid while the
   * stream is at the same revision (a statement is a pure function of stream, revision and rule
   * set): a repeated read costs one revision lookup instead of a read, a fold and an evaluation.
   */
  async latest(personId: string, year: number): Promise<LatestYear> {
    const streamId = creditYearStream(personId, year);
    const revision = await this.store.streamRevision(streamId);
    if (revision === -1) throw yearNotFound(personId, year);
    const cached = this.recent.get(streamId);
    if (cached !== undefined && cached.state.revision === revision) {
      this.recent.set(streamId, cached); // read again: the most recent now, the last to go
      return cached;
    }
    const state = await this.state(personId, year);
    const entry = new LatestYear(state, (ruleSet) => this.render(state, ruleSet));
    this.recent.set(streamId, entry);
    return entry;
  }

  async statement(personId: string, year: number, options: StatementOptions = {}): Promise<Statement> {
    return this.render(await this.state(personId, year, options), options.ruleSet);
  }
}

/** Events of recently read years kept, at most (see Statements.recent). */
const CACHED_EVENTS = 10_000;

/** A year's current state and its statement as JSON, rendered once per rule set. */
export class LatestYear {
  private readonly rendered = new Map<string, string>();
  constructor(
    readonly state: CreditYearState,
    private readonly render: (ruleSet?: string) => Statement,
  ) {}

  json(ruleSet?: string): string {
    const key = ruleSet ?? '';
    let text = this.rendered.get(key);
    if (text === undefined) {
      text = JSON.stringify(this.render(ruleSet));
      this.rendered.set(key, text);
    }
    return text;
  }
}

const yearNotFound = (personId: string, year: number) =>
  notFound('PERSON_YEAR_NOT_FOUND', `no records for person ${personId} in ${year}`);
