/** SetField (Art. 15): the unit says which field's rules a person-year follows, before confirming. */
import type { Field } from '@jx/rules';
import { conflict } from '../../shared/domain-error';
import type { CreditYearState } from '../credit-year.state';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { checkStoredScope, refuseTooManyChanges, refuseVoided, requireYear } from './guards';

export interface SetFieldCommand {
  personId: string;
  year: number;
  field: Field;
}

export function decideSetField(cmd: SetFieldCommand, current: CreditYearState | null, unit: UnitView, ctx: DecideContext): CreditYearDecision {
  const state = requireYear(current, cmd.personId, cmd.year);
  checkStoredScope(ctx.actor, state, unit);
  refuseVoided(state);
  // Art. 15: chosen before confirmation; a year once finalised keeps the field it was reviewed
  // under (also reopened by a make-up declaration, so the last finalisation stays comparable).
  if (state.workflow === 'finalized' || state.finalizedOnce) {
    throw conflict('YEAR_FINALIZED', 'the year was finalised under its field, which it keeps (a make-up declaration reopening it changes nothing to that)', '15');
  }
  if (state.workflow !== 'open') throw conflict('YEAR_NOT_OPEN', `the field can change only while the year is open (it is ${state.workflow})`, '15');
  const ruleSetId = ctx.rules.idFor(cmd.field, state.year);
  if (state.field === cmd.field) return { events: [], ruleSetId };
  refuseTooManyChanges(state.fieldChanges, 'field changes');
  return { events: [{ type: 'FieldSet', data: { field: cmd.field } }], ruleSetId };
}
