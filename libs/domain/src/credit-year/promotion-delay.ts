/**
 * Art. 13 (RULES.md §4): "when the period ends and the year is still short, a promotion delay is
 * recorded … unless a unit or authority recorded a legitimate reason". Shortness is judged on the
 * year as it stood when its make-up period ended, so that it never depends on when the
 * scheduler's sweep happened to run: a verification or a final review recorded after the end
 * changes nothing. A legitimate reason excuses the year whenever it is recorded before the delay
 * is ("a reason may be recorded at any time"): documenting an illness late must not be what
 * sanctions a year — such a reason may even be what opens a year never written to. A reason that
 * extends the period after it ended starts a new one (it ends at the latest `until` recorded).
 */
import type { Evaluation, RuleSet } from '@jx/rules';
import { isVoided, type CreditYearState } from './credit-year.state';
import { evaluateYear } from './statement';

export interface PromotionDelayOwed {
  periodEnded: string;
  shortfall: Evaluation['shortfall'];
  /** The year as judged (its field then decides the rule set the delay was decided under). */
  judged: CreditYearState;
}

/**
 * The delay the year owes once its make-up period (`makeUp.until`) has ended, or null: none was
 * recorded yet, no legitimate reason is recorded, the year is not voided now (nothing is written
 * to a voided year), and as it stood at the end — or now, where nothing was recorded since the
 * end, or the end is still to come — it was short on its deciding tier. `current` is the present
 * state's evaluation under `ruleSetFor`, where the caller has it already.
 */
export function promotionDelayOwed(
  state: CreditYearState,
  ruleSetFor: (year: CreditYearState) => RuleSet,
  current?: Evaluation,
): PromotionDelayOwed | null {
  if (state.makeUp.promotionDelay || state.makeUp.reason !== null || isVoided(state)) return null;
  const atEnd = state.atPeriodEnd?.until === state.makeUp.until ? state.atPeriodEnd.year : state;
  const evaluation = atEnd === state && current !== undefined ? current : evaluateYear(atEnd, ruleSetFor(atEnd));
  return evaluation.compliant ? null : { periodEnded: state.makeUp.until, shortfall: evaluation.shortfall, judged: atEnd };
}
