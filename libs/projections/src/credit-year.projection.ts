/**
 * A person-year's read-model snapshot, derived from its own stream prefix only: fold, then
 * evaluate under the rule set configured for (field, year). Because the snapshot depends on
 * nothing but the stream, a rebuild from zero reaches the same rows however the events were paged.
 */
import { effectiveContentKey, evaluateYear, foldCreditYear, isField, promotionDelayOwed, yearStatus, type CreditYearState } from '@jx/domain';
import type { StoredEvent } from '@jx/event-store';
import type { RuleSetRegistry } from '@jx/rules';
import type { InstitutionRegistrationRow, PendingActivityRow, PersonYearSnapshot } from './read-model.port';

/** What the projection needs of the rule-set registry. */
export type RuleSets = Pick<RuleSetRegistry, 'idFor' | 'resolve' | 'ids' | 'entries'>;

/**
 * `stream` is the person-year's events from revision 0, in order (as readStream returns them).
 * Null when it holds no opening event (nothing to show).
 */
export function projectCreditYear(stream: readonly StoredEvent[], rules: RuleSets): PersonYearSnapshot | null {
  const state = foldCreditYear(stream);
  if (state === null) return null;
  // A field outside the configured list can only come from a corrupt stream: stop loudly rather
  // than count the year under a guessed rule set.
  if (!isField(state.field)) throw new Error(`${stream[0]?.streamId}: unknown field "${state.field}"`);
  const status = yearStatus(state);
  const ruleSetFor = (year: CreditYearState) => rules.resolve(rules.idFor(year.field, year.year));
  const evaluation = evaluateYear(state, ruleSetFor(state));
  const pending: PendingActivityRow[] = [];
  const registrations: InstitutionRegistrationRow[] = [];
  for (const a of state.activities.values()) {
    // A voided year waits for nobody: its declarations leave the unit's inbox until a rescission.
    if (a.status === 'declared' && status !== 'voided') {
      const declaring = eventAt(stream, a.declaredRevision);
      pending.push({ activityId: a.data.activityId, category: a.data.category, title: a.data.title, declaredAt: a.declaredAt, position: declaring.position });
    }
    // Every status, as FlagFraud's decider matches them: the index only finds candidates.
    if (a.data.institutionId !== null) {
      const registering = eventAt(stream, a.declaredRevision);
      registrations.push({ activityId: a.data.activityId, institutionId: a.data.institutionId, contentKey: effectiveContentKey(a), position: registering.position });
    }
  }
  return {
    personYear: {
      personId: state.personId,
      year: state.year,
      unitId: state.unitId,
      field: state.field,
      status,
      compliant: status !== 'voided' && evaluation.compliant,
      finalized: status === 'finalized',
      promotionDelay: state.makeUp.promotionDelay,
      // Judged as the decider judges it (the year as it stood when the period ended): the sweep
      // asks the decider for exactly the years that owe one.
      delayDueAfter: promotionDelayOwed(state, ruleSetFor, evaluation)?.periodEnded ?? null,
      confirmedAt: state.confirmedAt,
      revision: state.revision,
    },
    pending,
    registrations,
  };
}

function eventAt(stream: readonly StoredEvent[], revision: number): StoredEvent {
  const event = stream[revision];
  if (event === undefined) throw new Error(`${stream[0]?.streamId}: no event at revision ${revision}`);
  return event;
}
