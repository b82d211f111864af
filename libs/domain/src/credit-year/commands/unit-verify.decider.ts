/** UnitVerify (核定, Art. 12 ¶1–2): the unit approves, possibly with fewer hours, or rejects. */
import { conflict, unprocessable } from '../../shared/domain-error';
import { chinaDate } from '../../shared/china-time';
import type { CreditYearState } from '../credit-year.state';
import { toHundredths } from '../credit-year.state';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { refuseCountedNextDoor, type NeighbourYears } from './content-across-years';
import { checkStoredScope, refuseVoided, requireActivity, requireYear } from './guards';

export interface UnitVerifyCommand {
  personId: string;
  year: number;
  activityId: string;
  decision: 'approve' | 'reject';
  /** Validated upstream: > 0, ≤ 2 decimals; a reason accompanies it. */
  hours: number | null;
  reason: string | null;
  contentKey: string | null;
}

export function decideUnitVerify(
  cmd: UnitVerifyCommand,
  current: CreditYearState | null,
  unit: UnitView,
  ctx: DecideContext,
  /** Needed when an approval sets a contentKey (content counts in one year only, Art. 13). */
  neighbours: NeighbourYears,
): CreditYearDecision {
  const state = requireYear(current, cmd.personId, cmd.year);
  const activity = requireActivity(state, cmd.activityId);
  checkStoredScope(ctx.actor, state, unit);
  refuseVoided(state);
  if (activity.status !== 'declared') {
    throw conflict('ACTIVITY_NOT_DECLARED', `activity ${cmd.activityId} is ${activity.status}, no longer declared`, '12');
  }
  const ruleSetId = ctx.rules.idFor(state.field, state.year);
  if (cmd.decision === 'reject') {
    return {
      events: [{ type: 'ActivityRejectedByUnit', data: { activityId: cmd.activityId, reason: cmd.reason ?? '', contentKey: cmd.contentKey } }],
      ruleSetId,
    };
  }
  if (cmd.contentKey !== null) refuseCountedNextDoor(state.year, activity, cmd.contentKey, neighbours, chinaDate(ctx.now));
  if (cmd.hours !== null && toHundredths(cmd.hours) > activity.claimed) {
    throw unprocessable('HOURS_ABOVE_CLAIMED', `hours ${cmd.hours} exceed the claimed ${activity.data.hours}`, '12');
  }
  return {
    events: [{
      type: 'ActivityVerifiedByUnit',
      data: { activityId: cmd.activityId, hours: cmd.hours ?? activity.data.hours, reason: cmd.reason, contentKey: cmd.contentKey },
    }],
    ruleSetId,
  };
}
