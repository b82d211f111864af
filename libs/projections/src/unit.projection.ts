/** The units table: each unit's current name, region and industry, for scoping lists and reports. */
import { parseUnitStream, requireKnownType, UNIT_EVENT_TYPES, type UnitPut } from '@jx/domain';
import type { StoredEvent } from '@jx/event-store';
import type { UnitRow } from './read-model.port';

/** The row a unit stream's event sets, or null for an event of another stream. Re-putting a unit replaces its row. */
export function projectUnit(event: StoredEvent): UnitRow | null {
  if (parseUnitStream(event.streamId) === null) return null;
  requireKnownType(UNIT_EVENT_TYPES, event, event.revision);
  const { unitId, name, region, industry } = event.data as UnitPut['data'];
  return { unitId, name, region, industry };
}
