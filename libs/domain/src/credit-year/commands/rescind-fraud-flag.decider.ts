/** RescindFraudFlag (Art. 14, e.g. after administrative review): restores the year exactly. */
import { conflict, notFound } from '../../shared/domain-error';
import type { CreditYearState } from '../credit-year.state';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { checkStoredScope, requireHrAuthority, requireYear } from './guards';

export interface RescindFraudFlagCommand {
  personId: string;
  year: number;
  flagId: string;
  reason: string;
}

export function decideRescindFraudFlag(
  cmd: RescindFraudFlagCommand,
  current: CreditYearState | null,
  unit: UnitView,
  ctx: DecideContext,
): CreditYearDecision {
  const state = requireYear(current, cmd.personId, cmd.year);
  const flag = state.flags.get(cmd.flagId);
  if (!flag) throw notFound('FLAG_NOT_FOUND', `flag ${cmd.flagId} is not on this person-year`);
  requireHrAuthority(ctx.actor);
  checkStoredScope(ctx.actor, state, unit);
  if (flag.rescinded) throw conflict('FLAG_ALREADY_RESCINDED', `flag ${cmd.flagId} is already rescinded`, '14');
  return {
    events: [{ type: 'FraudFlagRescinded', data: { flagId: cmd.flagId, reason: cmd.reason } }],
    ruleSetId: ctx.rules.idFor(state.field, state.year),
  };
}
