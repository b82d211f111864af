/** The units table: each unit's current name, region and industry, for scoping lists and reports. */
import { parseUnitStream, type UnitPut } from '@jx/domain';
import type { StoredEvent } from '@jx/event-store';
import type { UnitRow } from './read-model.port';

/** The row a unit event sets, or null for any other event. Re-putting a unit replaces its row. */
export function projectUnit(event: StoredEvent): UnitRow | null {
  if (event.type !== 'UnitPut' || parseUnitStream(event.streamId) === null) return null;
  const { unitId, name, region, industry } = event.data as UnitPut['data'];
  return { unitId, name, region, industry };
}
