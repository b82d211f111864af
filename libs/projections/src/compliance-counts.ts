/**
 * What one person-year adds to the compliance report (API.md): it counts once in compliant,
 * nonCompliant or voided by its current state; finalized counts the currently finalised, and
 * promotionDelays those with a delay recorded. The read models keep these sums per (unit, year,
 * field), so that a report adds up a row per unit of its scope instead of every person-year.
 */
import type { ComplianceCounts, PersonYearRow } from './read-model.port';

/** One person-year's share of a report, or a change to a key's counts (then possibly negative). */
export type ComplianceContribution = ComplianceCounts;

/** The counts' key: the report scopes by unit (its current region) and, for an industry authority, by field. */
export interface CountsKey {
  unitId: string;
  year: number;
  field: string;
}

export function contributionOf(row: PersonYearRow): ComplianceContribution {
  const voided = row.status === 'voided';
  return {
    personYears: 1,
    compliant: Number(!voided && row.compliant),
    nonCompliant: Number(!voided && !row.compliant),
    voided: Number(voided),
    finalized: Number(row.status === 'finalized'),
    promotionDelays: Number(row.promotionDelay),
  };
}

export const countsKeyOf = (row: PersonYearRow): CountsKey => ({ unitId: row.unitId, year: row.year, field: row.field });

/**
 * The changes to the counts when a person-year's row goes from `before` (null: not stored yet) to
 * `after`: none when it stays in the same key with the same contribution, one when it stays in the
 * key or is new, two (the key it left first) when it moves to another key.
 */
export function countsChanges(before: PersonYearRow | null, after: PersonYearRow): Array<CountsKey & ComplianceContribution> {
  const added = { ...countsKeyOf(after), ...contributionOf(after) };
  if (before === null) return [added];
  const removed = { ...countsKeyOf(before), ...negated(contributionOf(before)) };
  if (removed.unitId !== added.unitId || removed.year !== added.year || removed.field !== added.field) return [removed, added];
  const net = { ...added, ...sum(contributionOf(after), removed) };
  return isZero(net) ? [] : [net];
}

const KEYS = ['personYears', 'compliant', 'nonCompliant', 'voided', 'finalized', 'promotionDelays'] as const;

function negated(c: ComplianceContribution): ComplianceContribution {
  return mapCounts((k) => -c[k]);
}

function sum(a: ComplianceContribution, b: ComplianceContribution): ComplianceContribution {
  return mapCounts((k) => a[k] + b[k]);
}

function isZero(c: ComplianceContribution): boolean {
  return KEYS.every((k) => c[k] === 0);
}

function mapCounts(of: (key: (typeof KEYS)[number]) => number): ComplianceContribution {
  return { personYears: of('personYears'), compliant: of('compliant'), nonCompliant: of('nonCompliant'), voided: of('voided'), finalized: of('finalized'), promotionDelays: of('promotionDelays') };
}
