/** UnitConfirm (Art. 12 ¶1, 核定个人总学时完成情况): the unit confirms the year's total. */
import { conflict } from '../../shared/domain-error';
import type { CreditYearState } from '../credit-year.state';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { checkStoredScope, refuseVoided, requireYear } from './guards';

export interface UnitConfirmCommand {
  personId: string;
  year: number;
  note: string | null;
}

export function decideUnitConfirm(cmd: UnitConfirmCommand, current: CreditYearState | null, unit: UnitView, ctx: DecideContext): CreditYearDecision {
  const state = requireYear(current, cmd.personId, cmd.year);
  checkStoredScope(ctx.actor, state, unit);
  refuseVoided(state);
  const ruleSetId = ctx.rules.idFor(state.field, state.year);
  if (state.workflow === 'finalized') throw conflict('YEAR_FINALIZED', 'this year is already finalised', '12');
  if (state.workflow === 'confirmed') return { events: [], ruleSetId };
  const pending = [...state.activities.values()].filter((a) => a.status === 'declared').length;
  if (pending > 0) throw conflict('PENDING_VERIFICATION', `${pending} activit${pending === 1 ? 'y awaits' : 'ies await'} verification`, '12');
  return { events: [{ type: 'YearConfirmedByUnit', data: { note: cmd.note } }], ruleSetId };
}
