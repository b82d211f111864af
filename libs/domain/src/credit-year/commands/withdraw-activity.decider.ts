/** WithdrawActivity: the professional takes back a declaration the unit has not decided yet. */
import { conflict } from '../../shared/domain-error';
import type { CreditYearState } from '../credit-year.state';
import type { CreditYearDecision, DecideContext } from './decide-context';
import { refuseVoided, requireActivity, requireYear } from './guards';

export interface WithdrawActivityCommand {
  personId: string;
  year: number;
  activityId: string;
}

export function decideWithdrawActivity(
  cmd: WithdrawActivityCommand,
  current: CreditYearState | null,
  ctx: DecideContext,
): CreditYearDecision {
  const state = requireYear(current, cmd.personId, cmd.year);
  const activity = requireActivity(state, cmd.activityId);
  refuseVoided(state);
  if (ctx.actor.unitId !== state.unitId) throw conflict('UNIT_MISMATCH', 'this person-year belongs to another unit', '12');
  if (activity.status !== 'declared') {
    throw conflict('ACTIVITY_NOT_DECLARED', `activity ${cmd.activityId} is ${activity.status}, no longer declared`, '12');
  }
  return {
    events: [{ type: 'ActivityWithdrawn', data: { activityId: cmd.activityId } }],
    ruleSetId: ctx.rules.idFor(state.field, state.year),
  };
}
