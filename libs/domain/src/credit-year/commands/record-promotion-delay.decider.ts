/**
 * RecordPromotionDelay (Art. 13): when a short year's make-up period has ended without a
 * legitimate reason, the unit must extend the wait for the next title or post. Issued by the
 * scheduler; decided from the stream, on the year as it stood when the period ended
 * (promotion-delay.ts), so a repeat, an early run or a late one decides the same.
 */
import { chinaDate, isPast } from '../../shared/china-time';
import type { CreditYearState } from '../credit-year.state';
import { promotionDelayOwed } from '../promotion-delay';
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
  const skip = { events: [], ruleSetId: ctx.rules.idFor(state.field, state.year), result: { recorded: false } };
  if (!isPast(state.makeUp.until, chinaDate(ctx.now))) return skip;
  const owed = promotionDelayOwed(state, (year) => ctx.rules.resolve(ctx.rules.idFor(year.field, year.year)));
  if (owed === null) return skip;
  return {
    events: [{ type: 'PromotionDelayRecorded', data: { periodEnded: owed.periodEnded, shortfall: owed.shortfall } }],
    // Decided under the rules of the field the year had when its period ended (Art. 15).
    ruleSetId: ctx.rules.idFor(owed.judged.field, owed.judged.year),
    result: { recorded: true },
  };
}
