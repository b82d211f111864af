/**
 * Art. 13 (RULES.md §4): "when the period ends and the year is still short, a promotion delay is
 * recorded … unless a unit or authority recorded a legitimate reason". Judged on the year as it
 * stood when its make-up period ended — what it held and which reason it had by then — so that
 * the answer never depends on when the scheduler's sweep happened to run: a verification, a final
 * review or a reason recorded after the end changes nothing. A reason that extends the period
 * after it ended starts a new one, judged when that one ends (RULES.md: the period ends at the
 * latest `until` recorded).
 */
import type { Evaluation, RuleSet } from '@jx/rules';
import { isVoided, type CreditYearState } from './credit-year.state';
import { evaluateYear } from './statement';

export interface PromotionDelayOwed {
  periodEnded: string;
  shortfall: Evaluation['shortfall'];
}

/**
 * The delay the year owes once its make-up period (`makeUp.until`) has ended, or null: none was
 * recorded yet, the year is not voided now (nothing is written to a voided year), and as it stood
 * at the end — or now, where nothing was recorded since the end, or the end is still to come —
 * it had no legitimate reason and was short on its deciding tier. `current` is the present
 * state's evaluation under `ruleSetFor`, where the caller has it already.
 */
export function promotionDelayOwed(
  state: CreditYearState,
  ruleSetFor: (year: CreditYearState) => RuleSet,
  current?: Evaluation,
): PromotionDelayOwed | null {
  if (state.makeUp.promotionDelay || isVoided(state)) return null;
  const atEnd = state.atPeriodEnd?.until === state.makeUp.until ? state.atPeriodEnd.year : state;
  if (atEnd.makeUp.reason !== null) return null;
  const evaluation = atEnd === state && current !== undefined ? current : evaluateYear(atEnd, ruleSetFor(atEnd));
  return evaluation.compliant ? null : { periodEnded: state.makeUp.until, shortfall: evaluation.shortfall };
}
