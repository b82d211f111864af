/**
 * What one person-year adds to the compliance report (API.md): it counts once in compliant,
 * nonCompliant or voided by its current state; finalized counts the currently finalised, and
 * promotionDelays those with a delay recorded. The read models keep these sums per (unit, year,
 * field), so that a report adds up a row per unit of its scope instead of every person-year.
 */
import type { ComplianceCounts, PersonYearRow } from './read-model.port';

/** The counts' key: the report scopes by unit (its current region) and, for an industry authority, by field. */
export interface CountsKey {
  unitId: string;
  year: number;
  field: string;
}

/** A change to a key's counts: a person-year's share of its report, or what it takes away (negative). */
export type CountsChange = CountsKey & ComplianceCounts;

/** The row's share, `sign` times (−1: taken away), under its key. */
function share(row: PersonYearRow, sign: 1 | -1): CountsChange {
  const voided = row.status === 'voided';
  return {
    unitId: row.unitId,
    year: row.year,
    field: row.field,
    personYears: sign,
    compliant: !voided && row.compliant ? sign : 0,
    nonCompliant: !voided && !row.compliant ? sign : 0,
    voided: voided ? sign : 0,
    finalized: row.status === 'finalized' ? sign : 0,
    promotionDelays: row.promotionDelay ? sign : 0,
  };
}

export const countsKeyOf = (row: PersonYearRow): CountsKey => ({ unitId: row.unitId, year: row.year, field: row.field });

/**
 * The changes to the counts when a person-year's row goes from `before` (null: not stored yet) to
 * `after`: none when it stays in the same key with the same contribution, one when it stays in the
 * key or is new, two (the key it left first) when it moves to another key.
 */
export function countsChanges(before: PersonYearRow | null, after: PersonYearRow): CountsChange[] {
  const added = share(after, 1);
  if (before === null) return [added];
  const removed = share(before, -1);
  if (before.unitId !== after.unitId || before.year !== after.year || before.field !== after.field) return [removed, added];
  // Same key: its person-year count is unchanged; only the states it counts in may move.
  const net: CountsChange = {
    ...added,
    personYears: 0,
    compliant: added.compliant + removed.compliant,
    nonCompliant: added.nonCompliant + removed.nonCompliant,
    voided: added.voided + removed.voided,
    finalized: added.finalized + removed.finalized,
    promotionDelays: added.promotionDelays + removed.promotionDelays,
  };
  const unchanged = net.compliant === 0 && net.nonCompliant === 0 && net.voided === 0 && net.finalized === 0 && net.promotionDelays === 0;
  return unchanged ? [] : [net];
}
