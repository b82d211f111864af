/**
 * RecordPromotionDelay (Art. 13): when a short year's make-up period has ended without a
 * legitimate reason, the unit must extend the wait for the next title or post. Issued by the
 * scheduler; decided from the stream, so a repeat or an early run records nothing.
 */
import { chinaDate, isPast } from '../../shared/china-time';
import { isVoided, type CreditYearState } from '../credit-year.state';
import { evaluateYear } from '../statement';
import type { CreditYearDecision, DecideContext } from './decide-context';

export interface RecordPromotionDelayCommand {
  personId: string;
  year: number;
}

export function decideRecordPromotionDelay(
  _cmd: RecordPromotionDelayCommand,
  state: CreditYearState | null,
  ctx: DecideContext,
): CreditYearDecision<{ recorded: boolean }> {
  if (state === null) return { events: [], ruleSetId: '', result: { recorded: false } };
  const ruleSetId = ctx.rules.idFor(state.field, state.year);
  const skip = { events: [], ruleSetId, result: { recorded: false } };
  if (state.makeUp.promotionDelay || state.makeUp.reason !== null || isVoided(state)) return skip;
  if (!isPast(state.makeUp.until, chinaDate(ctx.now))) return skip;
  const evaluation = evaluateYear(state, ctx.rules.resolve(ruleSetId));
  if (evaluation.compliant) return skip;
  return {
    events: [{ type: 'PromotionDelayRecorded', data: { periodEnded: state.makeUp.until, shortfall: evaluation.shortfall } }],
    ruleSetId,
    result: { recorded: true },
  };
}
