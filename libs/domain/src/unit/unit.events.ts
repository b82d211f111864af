import type { Field } from '@jx/rules';

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

export function foldUnit(events: ReadonlyArray<{ type: string; data: unknown }>): UnitState | null {
  let state: UnitState | null = null;
  for (const e of events) if (e.type === 'UnitPut') state = { ...(e.data as UnitPut['data']) };
  return state;
}
