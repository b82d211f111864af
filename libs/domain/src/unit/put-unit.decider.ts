/** PutUnit: a 人社 authority registers or updates an employer, within its region (API.md, Units). */
import type { Field } from '@jx/rules';
import type { ActorClaims } from '../shared/actor';
import { forbidden } from '../shared/domain-error';
import { regionCovers } from '../shared/region';
import type { UnitEvent, UnitState } from './unit.events';

export interface PutUnitCommand {
  unitId: string;
  name: string;
  region: string;
  industry: Field;
}

/** Re-putting the same data changes nothing; a changed unit must stay inside the authority's region. */
export function decidePutUnit(cmd: PutUnitCommand, current: UnitState | null, actor: ActorClaims): UnitEvent[] {
  const scope = actor.region ?? '';
  if (current !== null && !regionCovers(scope, current.region)) {
    throw forbidden('OUT_OF_SCOPE', `unit ${cmd.unitId} is registered outside your scope`);
  }
  if (
    current !== null &&
    current.name === cmd.name &&
    current.region === cmd.region &&
    current.industry === cmd.industry
  ) {
    return [];
  }
  return [{ type: 'UnitPut', data: { unitId: cmd.unitId, name: cmd.name, region: cmd.region, industry: cmd.industry } }];
}
