import fc from 'fast-check';
import type { YearStatus } from '@jx/rules';
import { READ_MODELS_CHECKPOINT } from '../../projector';
import type { ComplianceCounts, PersonYearRow, PersonYearSnapshot, ReadModelChange, ReportScope, UnitRow } from '../../read-model.port';
import { regionRange } from '../../region-scope';
import type { ReadModelFactory } from './read-model-fixture';

const UNITS = ['u0', 'u1', 'u2', 'u-never-put'];
const REGIONS = ['360102', '360111', '360402'];
const FIELDS = ['general', 'health', 'accounting'];
const STATUSES: YearStatus[] = ['open', 'confirmed', 'finalized', 'voided'];
const YEARS = [2024, 2025];

const rowChange = fc.record({
  person: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5'),
  year: fc.constantFrom(...YEARS),
  unitId: fc.constantFrom(...UNITS),
  field: fc.constantFrom(...FIELDS),
  status: fc.constantFrom(...STATUSES),
  compliant: fc.boolean(),
  promotionDelay: fc.boolean(),
  /** Whether the projector hands the adapter the snapshot it wrote last for that person-year. */
  withPrevious: fc.boolean(),
});
const unitMove = fc.record({ unitId: fc.constantFrom(...UNITS.slice(0, 3)), region: fc.constantFrom(...REGIONS) });
const batches = fc.array(fc.array(fc.oneof({ weight: 5, arbitrary: rowChange.map((c) => ({ row: c })) }, { weight: 1, arbitrary: unitMove.map((u) => ({ unit: u })) }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 25 });

/** The report as the rows it sums say it must be: every person-year of the scope, once. */
function expected(rows: Iterable<PersonYearRow>, units: ReadonlyMap<string, string>, year: number, scope: ReportScope): ComplianceCounts {
  const counts: ComplianceCounts = { personYears: 0, compliant: 0, nonCompliant: 0, voided: 0, finalized: 0, promotionDelays: 0 };
  for (const r of rows) {
    if (r.year !== year || (scope.industry !== undefined && r.field !== scope.industry)) continue;
    if ('unitId' in scope ? r.unitId !== scope.unitId : !inRegion(units.get(r.unitId), scope.region)) continue;
    counts.personYears += 1;
    if (r.status === 'voided') counts.voided += 1;
    else if (r.compliant) counts.compliant += 1;
    else counts.nonCompliant += 1;
    if (r.status === 'finalized') counts.finalized += 1;
    if (r.promotionDelay) counts.promotionDelays += 1;
  }
  return counts;
}

function inRegion(region: string | undefined, scope: string): boolean {
  if (region === undefined) return false;
  const { from, to } = regionRange(scope);
  return region >= from && region <= to;
}

const SCOPES: ReportScope[] = [
  ...['360000', '360100', '360102', '360400'].flatMap((region) => [{ region }, { region, industry: 'health' }]),
  ...UNITS.flatMap((unitId) => [{ unitId }, { unitId, industry: 'general' }]),
];

/**
 * The report adds up counts the adapter keeps per (unit, year, field) as person-year rows change
 * (compliance-counts.ts). Whatever rows change, moving between keys and states, in whatever
 * batches, the report must stay what the rows themselves add up to — and a key nobody counts in
 * keeps no row, as a rebuild from zero would leave it.
 */
export function complianceCountsContract(factory: ReadModelFactory): void {
  describe('compliance counts kept per unit, year and field', () => {
    it('stay the sums of the person-year rows, whatever rows change and however they are batched (property)', async () => {
      await fc.assert(
        fc.asyncProperty(batches, async (steps) => {
          const fixture = await factory();
          try {
            const rows = new Map<string, PersonYearSnapshot>();
            const units = new Map<string, string>();
            let position = 0;
            for (const step of steps) {
              const changes: ReadModelChange[] = [];
              for (const change of step) {
                if ('unit' in change) {
                  const unit: UnitRow = { unitId: change.unit.unitId, name: 'U', region: change.unit.region, industry: 'general' };
                  units.set(unit.unitId, unit.region);
                  changes.push({ kind: 'unit', unit });
                  continue;
                }
                const c = change.row;
                const key = `${c.person}+${c.year}`;
                const before = rows.get(key);
                const personYear: PersonYearRow = {
                  personId: c.person, year: c.year, unitId: c.unitId, field: c.field, status: c.status,
                  compliant: c.status !== 'voided' && c.compliant, finalized: c.status === 'finalized', promotionDelay: c.promotionDelay,
                  confirmedAt: null, delayDueAfter: null, revision: (before?.personYear.revision ?? -1) + 1,
                };
                const snapshot: PersonYearSnapshot = { personYear, pending: [], registrations: [] };
                rows.set(key, snapshot);
                changes.push({ kind: 'personYear', snapshot, ...(c.withPrevious && before !== undefined ? { previous: before } : {}) });
              }
              await fixture.store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: ++position, changes });
              const latest = [...rows.values()].map((s) => s.personYear);
              for (const year of YEARS) {
                for (const scope of SCOPES) expect([year, scope, await fixture.store.complianceReport(year, scope)]).toEqual([year, scope, expected(latest, units, year, scope)]);
              }
            }
            const counted = new Set(Array.from(rows.values(), ({ personYear: p }) => JSON.stringify([p.unitId, p.year, p.field])));
            const kept = (await fixture.dump()).compliance_counts.map((r) => {
              const { unit_id, year, field } = r as { unit_id: string; year: number; field: string };
              return JSON.stringify([unit_id, year, field]);
            });
            expect(kept.sort()).toEqual([...counted].sort());
          } finally {
            await fixture.cleanup();
          }
        }),
        { numRuns: 12 },
      );
    }, 60_000);
  });
}
