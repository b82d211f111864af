/**
 * The statement of one person-year (API.md, Statement): a fold of its own stream through the
 * rules. Because it is a fold, `asOf`, `revision` and `ruleSet` what-ifs are exact and free.
 */
import { evaluate, type ActivityInput, type Evaluation, type PersonYearInput, type RuleSet, type YearStatus } from '@jx/rules';
import { effectiveContentKey, isVoided, type CreditYearState } from './credit-year.state';

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

export function toRulesInput(state: CreditYearState): PersonYearInput {
  const activities: ActivityInput[] = [];
  for (const a of state.activities.values()) {
    activities.push({
      activityId: a.data.activityId,
      category: a.data.category,
      subject: a.data.subject,
      title: a.data.title,
      completedOn: a.data.completedOn,
      measure: a.data.measure,
      claimed: a.claimed,
      status: a.status,
      verified: a.verified,
      final: a.final,
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
  return evaluate(ruleSet, toRulesInput(state), { explain });
}

export function buildStatement(state: CreditYearState, ruleSet: RuleSet): Statement {
  const evaluation = evaluate(ruleSet, toRulesInput(state), { explain: true });
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
