/** Checks shared by several deciders, in API.md's order: 404, stored-scope 403, then 409. */
import { conflict, forbidden, notFound } from '../../shared/domain-error';
import { isHrAuthority, type ActorClaims } from '../../shared/actor';
import { regionCovers } from '../../shared/region';
import type { UnitState } from '../../unit/unit.events';
import { isVoided, type ActivityState, type CreditYearState } from '../credit-year.state';

export function requireYear(state: CreditYearState | null, personId: string, year: number): CreditYearState {
  if (state === null) throw notFound('PERSON_YEAR_NOT_FOUND', `no records for person ${personId} in ${year}`);
  return state;
}

export function requireActivity(state: CreditYearState, activityId: string): ActivityState {
  const a = state.activities.get(activityId);
  if (!a) throw notFound('ACTIVITY_NOT_FOUND', `activity ${activityId} is not in this person-year`);
  return a;
}

/** Art. 14: a voided year takes no write but a rescission or a further flag. */
export function refuseVoided(state: CreditYearState): void {
  if (isVoided(state)) throw conflict('YEAR_VOIDED', 'this year is voided by a fraud flag', '14');
}

/** Whether checkStoredScope needs the year's unit: its region decides only an authority's or a regulator's scope. */
export function scopeNeedsUnit(actor: ActorClaims): boolean {
  return actor.role === 'authority' || actor.role === 'regulator';
}

/**
 * Stored scope (API.md): a unit acts on its own staff's years; an authority or regulator on
 * years of units in its region (`unit`: read for them only, see scopeNeedsUnit), an industry
 * authority only in its own field.
 */
export function checkStoredScope(actor: ActorClaims, state: CreditYearState, unit: UnitState | null): void {
  const ok = (() => {
    switch (actor.role) {
      case 'professional':
        return actor.personId === state.personId;
      case 'unit':
        return actor.unitId === state.unitId;
      case 'authority':
      case 'regulator':
        return (
          unit !== null &&
          regionCovers(actor.region ?? '', unit.region) &&
          (actor.industry === undefined || actor.industry === state.field)
        );
      default:
        return false;
    }
  })();
  if (!ok) throw forbidden('OUT_OF_SCOPE', 'this person-year is outside your scope');
}

/** Art. 14 powers belong to 人社 alone. */
export function requireHrAuthority(actor: ActorClaims): void {
  if (!isHrAuthority(actor)) throw forbidden('FORBIDDEN', 'only a 人社 authority may do this', '14');
}

/**
 * Field changes and make-up reasons are the writes a unit (or an authority) can repeat without
 * end, each an event every later command folds: a person-year takes this many of each. A real
 * year needs a handful; the bound keeps one token from growing a stream without limit.
 */
export const MAX_CHANGES_PER_KIND = 100;

export function refuseTooManyChanges(recorded: number, what: string): void {
  if (recorded >= MAX_CHANGES_PER_KIND) throw conflict('TOO_MANY_CHANGES', `a person-year takes at most ${MAX_CHANGES_PER_KIND} ${what}`);
}
