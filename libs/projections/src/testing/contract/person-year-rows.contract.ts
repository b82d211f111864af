import fc from 'fast-check';
import type { YearStatus } from '@jx/rules';
import { READ_MODELS_CHECKPOINT } from '../../projector';
import type { AuthorityPendingItem, ComplianceCounts, PersonYearRow, PersonYearSnapshot, ReadModelChange, ReadModelStore, RegionScope, ReportScope, UnitRow } from '../../read-model.port';
import { regionRange } from '../../region-scope';
import type { ReadModelFactory } from './read-model-fixture';

const UNITS = ['u0', 'u1', 'u2', 'u-never-put'];
// Jiangxi's, and two units registered under other provinces' codes (360000 covers them too).
const REGIONS = ['360102', '360111', '360402', '350102', '110101'];
const FIELDS = ['general', 'health', 'accounting'];
const STATUSES: YearStatus[] = ['open', 'confirmed', 'finalized', 'voided'];
const YEARS = [2024, 2025];
/** Few instants, so that confirmations tie and the inbox's order falls to person, then year. */
const INSTANTS = ['2025-01-10T02:00:00.000Z', '2025-01-10T02:00:00.001Z', '2025-02-01T00:00:00.000Z'];

const rowChange = fc.record({
  person: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5'),
  year: fc.constantFrom(...YEARS),
  unitId: fc.constantFrom(...UNITS),
  field: fc.constantFrom(...FIELDS),
  status: fc.constantFrom(...STATUSES),
  compliant: fc.boolean(),
  promotionDelay: fc.boolean(),
  confirmedAt: fc.constantFrom(...INSTANTS),
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

const REGION_SCOPES: RegionScope[] = ['360000', '360100', '360102', '360111', '360400', '360402', '350000', '350100', '110000']
  .flatMap((region) => [{ region }, { region, industry: 'health' }]);
const SCOPES: ReportScope[] = [...REGION_SCOPES, ...UNITS.flatMap((unitId) => [{ unitId }, { unitId, industry: 'general' }])];

/** The authority inbox as the rows say it must be: confirmed years of the scope, oldest confirmation first, then person, then year. */
function expectedInbox(rows: Iterable<PersonYearRow>, units: ReadonlyMap<string, string>, scope: RegionScope): AuthorityPendingItem[] {
  const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows]
    .filter((r) => r.status === 'confirmed' && inRegion(units.get(r.unitId), scope.region) && (scope.industry === undefined || r.field === scope.industry))
    .sort((a, b) => byCodeUnits(a.confirmedAt!, b.confirmedAt!) || byCodeUnits(a.personId, b.personId) || a.year - b.year)
    .map((r) => ({ personId: r.personId, year: r.year, unitId: r.unitId, confirmedAt: r.confirmedAt! }));
}

/** Every page of the inbox, walked with the cursors it hands out; each page at most `limit` long. */
async function walkInbox(store: ReadModelStore, scope: RegionScope, limit: number): Promise<AuthorityPendingItem[]> {
  const items: AuthorityPendingItem[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.authorityPending(scope, { limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < 1000);
  return items;
}

/**
 * What an adapter keeps beside the person-year rows, so that reports and inboxes need not read
 * them all: the report's counts per (unit, year, field) (compliance-counts.ts), and each row's
 * region, which follows its unit (the authority inbox's indexes by scope). Whatever rows change,
 * moving between keys, states and regions, in whatever batches, the report and the inbox must stay
 * what the rows themselves say — and a key nobody counts in keeps no row, as a rebuild leaves it.
 */
export function personYearRowsContract(factory: ReadModelFactory): void {
  describe('the report and the authority inbox over random person-year rows', () => {
    it('stay what the rows say, whatever rows change and however they are batched (property)', async () => {
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
                  confirmedAt: c.status === 'open' ? null : c.confirmedAt, delayDueAfter: null, revision: (before?.personYear.revision ?? -1) + 1,
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
              for (const scope of REGION_SCOPES) {
                const inbox = expectedInbox(latest, units, scope);
                for (const limit of [2, 100]) expect([scope, limit, await walkInbox(fixture.store, scope, limit)]).toEqual([scope, limit, inbox]);
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
        { numRuns: 20 },
      );
    }, 60_000);
  });
}
