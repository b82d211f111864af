import type { Field } from '@jx/rules';
import { requireKnownType } from '../shared/unknown-event';

/** Events of a unit stream `unit-{unitId}`: the employer's name, region and industry over time. */
export interface UnitPut {
  type: 'UnitPut';
  data: { unitId: string; name: string; region: string; industry: Field };
}

export type UnitEvent = UnitPut;

export interface UnitState {
  unitId: string;
  name: string;
  region: string;
  industry: Field;
}

export const UNIT_EVENT_TYPES: ReadonlySet<string> = new Set<UnitEvent['type']>(['UnitPut']);

export function foldUnit(events: ReadonlyArray<{ type: string; data: unknown; revision?: number; streamId?: string }>): UnitState | null {
  let state: UnitState | null = null;
  for (const [i, e] of events.entries()) {
    requireKnownType(UNIT_EVENT_TYPES, e, i);
    state = { ...(e.data as UnitPut['data']) };
  }
  return state;
}
