/**
 * The statement of one person-year (API.md, Statement): a fold of its own stream through the
 * rules. Because it is a fold, `asOf`, `revision` and `ruleSet` what-ifs are exact and free.
 */
import { evaluate, validateMeasure, type ActivityInput, type Evaluation, type Hundredths, type PersonYearInput, type RuleSet, type YearStatus } from '@jx/rules';
import { effectiveContentKey, isVoided, rejectedByAuthority, type ActivityState, type CreditYearState } from './credit-year.state';
import type { ActivityData } from './credit-year.events';

export interface Statement extends Omit<Evaluation, 'ruleSet'> {
  personId: string;
  year: number;
  unitId: string;
  field: string;
  ruleSet: string;
  status: YearStatus;
  revision: number;
  flags: Array<{ flagId: string; reason: string; at: string; institutionId: string | null; rescinded: boolean }>;
}

export function yearStatus(state: CreditYearState): YearStatus {
  return isVoided(state) ? 'voided' : state.workflow;
}

/**
 * The hours the recorded measure earns under `ruleSet` (a field's rules or a what-if may convert
 * differently, Art. 15); the recorded hours when the measure does not fit that rule set. The
 * unit's and the authority's hours never exceed them.
 */
function claimedUnder(ruleSet: RuleSet | undefined, a: ActivityState): Hundredths {
  if (ruleSet === undefined) return a.claimed;
  // Recorded data and rule sets never change: each pair is converted once, not at every fold.
  let byRuleSet = claimedByData.get(a.data);
  const known = byRuleSet?.get(ruleSet);
  if (known !== undefined) return known;
  const m = validateMeasure(ruleSet, { category: a.data.category, subject: a.data.subject, measure: a.data.measure });
  const hours = m.ok ? m.hours : a.claimed;
  if (byRuleSet === undefined) claimedByData.set(a.data, (byRuleSet = new Map()));
  byRuleSet.set(ruleSet, hours);
  return hours;
}

/** claimedUnder's answers, per recorded activity (its event's data) and rule set. */
const claimedByData = new WeakMap<ActivityData, Map<RuleSet, Hundredths>>();

const atMost = (hours: Hundredths | null, cap: Hundredths): Hundredths | null => (hours === null ? null : Math.min(hours, cap));

export function toRulesInput(state: CreditYearState, ruleSet?: RuleSet): PersonYearInput {
  const activities: ActivityInput[] = [];
  for (const a of state.activities.values()) {
    const claimed = claimedUnder(ruleSet, a);
    activities.push({
      activityId: a.data.activityId,
      category: a.data.category,
      subject: a.data.subject,
      title: a.data.title,
      completedOn: a.data.completedOn,
      measure: a.data.measure,
      claimed,
      status: a.status,
      verified: atMost(a.verified, claimed),
      final: atMost(a.final, claimed),
      // RULES.md §4: an adjustment to 0 rejects it in the final tier; a final of 0 otherwise (8(8)
      // under 1,000 points, or another rule set's hours) is counted at 0.
      finalRejected: rejectedByAuthority(a),
      contentKey: effectiveContentKey(a),
    });
  }
  return {
    year: state.year,
    status: yearStatus(state),
    finalized: state.finalizedOnce,
    activities,
    makeUp: { ...state.makeUp },
  };
}

export function evaluateYear(state: CreditYearState, ruleSet: RuleSet, explain = false): Evaluation {
  return evaluate(ruleSet, toRulesInput(state, ruleSet), { explain });
}

export function buildStatement(state: CreditYearState, ruleSet: RuleSet): Statement {
  const evaluation = evaluate(ruleSet, toRulesInput(state, ruleSet), { explain: true });
  return {
    personId: state.personId,
    year: state.year,
    unitId: state.unitId,
    field: state.field,
    ruleSet: evaluation.ruleSet,
    status: yearStatus(state),
    revision: state.revision,
    requirement: evaluation.requirement,
    totals: evaluation.totals,
    compliant: evaluation.compliant,
    shortfall: evaluation.shortfall,
    flags: [...state.flags.values()].map((f) => ({
      flagId: f.flagId,
      reason: f.reason,
      at: f.at,
      institutionId: f.institutionId,
      rescinded: f.rescinded,
    })),
    makeUp: evaluation.makeUp,
    activities: evaluation.activities,
  };
}
