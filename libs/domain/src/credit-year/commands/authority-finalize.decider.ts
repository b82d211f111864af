/** AuthorityFinalize (终审, Art. 12 ¶3): final review of a confirmed year, with adjustments. */
import { conflict, unprocessable } from '../../shared/domain-error';
import { chinaDate } from '../../shared/china-time';
import type { Adjustment } from '../credit-year.events';
import { effectiveContentKey, isActive, rejectedByAuthority, toHundredths, type CreditYearState } from '../credit-year.state';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { contentOf, refuseCountedNextDoor, type NeighbourYears } from './content-across-years';
import { checkStoredScope, refuseVoided, requireActivity, requireYear } from './guards';

export interface AuthorityFinalizeCommand {
  personId: string;
  year: number;
  /** Validated upstream: distinct activityIds, hours ≥ 0 with ≤ 2 decimals, a reason each. */
  adjustments: Adjustment[];
}

export function decideAuthorityFinalize(
  cmd: AuthorityFinalizeCommand,
  current: CreditYearState | null,
  unit: UnitView,
  ctx: DecideContext,
  /** Needed when an adjustment above 0 may make content count (content counts in one year only, Art. 13). */
  neighbours: NeighbourYears,
): CreditYearDecision {
  const state = requireYear(current, cmd.personId, cmd.year);
  const targets = cmd.adjustments.map((adj) => ({ adj, activity: requireActivity(state, adj.activityId) }));
  checkStoredScope(ctx.actor, state, unit);
  refuseVoided(state);
  if (state.workflow !== 'confirmed') throw conflict('NOT_CONFIRMED', `only a confirmed year can be finalised (it is ${state.workflow})`, '12');
  for (const { adj, activity } of targets) {
    if (activity.status !== 'verified' || activity.verified === null) {
      throw conflict('ACTIVITY_NOT_VERIFIED', `activity ${adj.activityId} is ${activity.status}; only verified activities can be adjusted`, '12');
    }
  }
  // Content starts to count under an adjustment above 0 that links it by a key, or that brings
  // back an activity an earlier finalisation adjusted to 0 (it counted nowhere meanwhile, so
  // another year may have taken the same content). An adjustment to 0 counts nowhere.
  for (const { adj, activity } of targets) {
    if (adj.hours === 0 || (adj.contentKey === null && !rejectedByAuthority(activity))) continue;
    const content = adj.contentKey ?? contentOf(activity.data.activityId, effectiveContentKey(activity));
    refuseCountedNextDoor(state.year, activity, content, neighbours, chinaDate(ctx.now));
  }
  refuseSecondActivePoints(state, cmd.adjustments);
  for (const { adj, activity } of targets) {
    if (toHundredths(adj.hours) > activity.verified!) {
      throw unprocessable('HOURS_ABOVE_VERIFIED', `hours ${adj.hours} for ${adj.activityId} exceed the verified ${activity.verified! / 100}`, '12');
    }
  }
  return {
    events: [{ type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: cmd.adjustments } }],
    ruleSetId: ctx.rules.idFor(state.field, state.year),
  };
}

/**
 * Decision (8(8)): at most one active points activity. An adjustment above 0 brings back one an
 * earlier finalisation adjusted to 0, and another may have been declared meanwhile: counted as the
 * year would stand after these adjustments (one brought back while the other goes to 0 is fine).
 */
function refuseSecondActivePoints(state: CreditYearState, adjustments: readonly Adjustment[]): void {
  const adjusted = new Map(adjustments.map((a) => [a.activityId, a.hours]));
  let active = 0;
  for (const a of state.activities.values()) {
    if (a.data.category !== '8.8') continue;
    const hours = adjusted.get(a.data.activityId);
    const activeAfter = hours === undefined ? isActive(a) : hours > 0 && (isActive(a) || rejectedByAuthority(a));
    if (activeAfter) active += 1;
  }
  if (active > 1) throw conflict('POINTS_ALREADY_DECLARED', 'these adjustments would leave two active 学习强国 points activities in this year', '8(8)');
}
