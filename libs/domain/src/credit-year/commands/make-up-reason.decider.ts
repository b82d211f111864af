/**
 * MakeUpReason (Art. 13): a unit or authority records a legitimate reason (injury, illness,
 * pregnancy, other) for a short year, possibly extending its make-up period. Changes no totals.
 */
import type { Field } from '@jx/rules';
import { chinaDate, yearOf } from '../../shared/china-time';
import { notFound } from '../../shared/domain-error';
import type { MakeUpGranted } from '../credit-year.events';
import type { CreditYearEvent } from '../credit-year.events';
import type { CreditYearState } from '../credit-year.state';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { checkStoredScope, refuseTooManyChanges, refuseVoided } from './guards';

export interface MakeUpReasonCommand {
  personId: string;
  year: number;
  reason: MakeUpGranted['data']['reason'];
  note: string | null;
  /** Validated upstream: a date after the year. */
  until: string | null;
}

/**
 * A unit may record a reason on a year never written to ("a year never written to is short too"),
 * which opens it with the unit: a person ill all year may then make it up beyond the default
 * period. Not on a year that has not begun: nothing can be short there yet, and opening it would
 * tie a person's future year to whichever unit asked first.
 */
export function decideMakeUpReason(cmd: MakeUpReasonCommand, current: CreditYearState | null, unit: UnitView, ctx: DecideContext): CreditYearDecision {
  const events: CreditYearEvent[] = [];
  let field: Field;
  if (current === null) {
    const notBegun = cmd.year > yearOf(chinaDate(ctx.now));
    if (ctx.actor.role !== 'unit' || notBegun) {
      throw notFound('PERSON_YEAR_NOT_FOUND', `no records for person ${cmd.personId} in ${cmd.year}${notBegun ? ' (a year that has not begun)' : ''}`);
    }
    if (unit === null) throw notFound('UNIT_NOT_FOUND', `unit ${ctx.actor.unitId ?? ''} is not registered`);
    field = unit.industry;
    events.push({ type: 'PersonYearOpened', data: { personId: cmd.personId, year: cmd.year, unitId: unit.unitId, field } });
  } else {
    checkStoredScope(ctx.actor, current, unit);
    refuseVoided(current);
    field = current.field;
    // The reason that stands, recorded again as it was: a repeat, which records nothing.
    const last = current.lastReason;
    if (last !== null && last.reason === cmd.reason && last.note === cmd.note && last.until === cmd.until) return { events: [], ruleSetId: ctx.rules.idFor(field, cmd.year) };
    refuseTooManyChanges(current.reasonsRecorded, 'recorded make-up reasons');
  }
  events.push({ type: 'MakeUpGranted', data: { reason: cmd.reason, note: cmd.note, until: cmd.until } });
  return { events, ruleSetId: ctx.rules.idFor(field, cmd.year) };
}
