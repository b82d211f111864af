/**
 * MakeUpReason (Art. 13): a unit or authority records a legitimate reason (injury, illness,
 * pregnancy, other) for a short year, possibly extending its make-up period. Changes no totals.
 */
import type { Field } from '@jx/rules';
import { notFound } from '../../shared/domain-error';
import type { MakeUpGranted } from '../credit-year.events';
import type { CreditYearEvent } from '../credit-year.events';
import type { CreditYearState } from '../credit-year.state';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { checkStoredScope, refuseVoided } from './guards';

export interface MakeUpReasonCommand {
  personId: string;
  year: number;
  reason: MakeUpGranted['data']['reason'];
  note: string | null;
  /** Validated upstream: a date after the year. */
  until: string | null;
}

/** A unit may record a reason on a year never written to ("a year never written to is short too"). */
export function decideMakeUpReason(cmd: MakeUpReasonCommand, current: CreditYearState | null, unit: UnitView, ctx: DecideContext): CreditYearDecision {
  const events: CreditYearEvent[] = [];
  let field: Field;
  if (current === null) {
    if (ctx.actor.role !== 'unit') throw notFound('PERSON_YEAR_NOT_FOUND', `no records for person ${cmd.personId} in ${cmd.year}`);
    if (unit === null) throw notFound('UNIT_NOT_FOUND', `unit ${ctx.actor.unitId ?? ''} is not registered`);
    field = unit.industry;
    events.push({ type: 'PersonYearOpened', data: { personId: cmd.personId, year: cmd.year, unitId: unit.unitId, field } });
  } else {
    checkStoredScope(ctx.actor, current, unit);
    refuseVoided(current);
    field = current.field;
  }
  events.push({ type: 'MakeUpGranted', data: { reason: cmd.reason, note: cmd.note, until: cmd.until } });
  return { events, ruleSetId: ctx.rules.idFor(field, cmd.year) };
}
