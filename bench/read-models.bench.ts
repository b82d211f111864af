/**
 * Benchmark of the compliance report on the embedded read models (not a test): a synthetic
 * province of person-years in units across Jiangxi's cities, then each scope's report as the API
 * asks it (counts kept per unit, year and field) next to the baseline that adds up every
 * person-year of the scope (the report's query before the counts existed), on the same file in the
 * same run. Both must give the same numbers; the run stops if they do not.
 *
 *   npm run bench:report                                  # 200,000 person-years in 2,000 units
 *   BENCH_PERSON_YEARS=1000000 BENCH_UNITS=5000 npm run bench:report
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  READ_MODELS_CHECKPOINT, openSqliteReadModelStore, regionRange,
  type AuthorityPendingItem, type ComplianceCounts, type PersonYearRow, type ReadModelChange, type RegionScope, type ReportScope,
} from '@jx/projections';
import { prng } from './prng';

const positive = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${String(process.env[name])}`);
  return value;
};
const PERSON_YEARS = positive('BENCH_PERSON_YEARS', 200_000);
const UNITS = positive('BENCH_UNITS', 2_000);
const YEAR = 2024;

const rnd = prng(20230701);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

// Jiangxi's eleven cities, five counties each.
const CITIES = ['3601', '3602', '3603', '3604', '3605', '3606', '3607', '3608', '3609', '3610', '3611'];
const FIELDS = ['general', 'general', 'general', 'health', 'k12_education', 'accounting'];
const STATUSES = ['open', 'open', 'confirmed', 'finalized', 'finalized', 'voided'] as const;

const dir = mkdtempSync(join(tmpdir(), 'jx-bench-report-'));
const file = join(dir, 'readmodels.sqlite');
const store = openSqliteReadModelStore({ file });
let position = 0;
const apply = async (changes: ReadModelChange[]): Promise<void> => {
  await store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: ++position, changes });
};

/** The baseline: the report's query before the counts, every person-year of the scope added up. */
const baseline = new Database(file, { readonly: true });
const COUNTS = `COUNT(*) AS personYears, SUM(p.status <> 'voided' AND p.compliant = 1) AS compliant,
  SUM(p.status <> 'voided' AND p.compliant = 0) AS nonCompliant, SUM(p.status = 'voided') AS voided,
  SUM(p.status = 'finalized') AS finalized, SUM(p.promotion_delay) AS promotionDelays`;
const byRegion = baseline.prepare<[{ year: number; from: string; to: string; industry: string | null }], ComplianceCounts>(
  `SELECT ${COUNTS} FROM units u JOIN person_years p ON p.unit_id = u.unit_id AND p.year = @year
   WHERE u.region BETWEEN @from AND @to AND (@industry IS NULL OR p.field = @industry)`,
);
const byUnit = baseline.prepare<[{ year: number; unitId: string; industry: string | null }], ComplianceCounts>(
  `SELECT ${COUNTS} FROM person_years p WHERE p.unit_id = @unitId AND p.year = @year AND (@industry IS NULL OR p.field = @industry)`,
);
const scan = (scope: ReportScope): ComplianceCounts => {
  const row = 'unitId' in scope
    ? byUnit.get({ year: YEAR, unitId: scope.unitId, industry: scope.industry ?? null })!
    : byRegion.get({ year: YEAR, ...regionRange(scope.region), industry: scope.industry ?? null })!;
  const n = (v: number | null): number => v ?? 0;
  return { personYears: row.personYears, compliant: n(row.compliant), nonCompliant: n(row.nonCompliant), voided: n(row.voided), finalized: n(row.finalized), promotionDelays: n(row.promotionDelays) };
};

const inboxBaseline = baseline.prepare<[{ from: string; to: string; industry: string | null; limit: number }], AuthorityPendingItem>(
  `SELECT p.person_id AS personId, p.year, p.unit_id AS unitId, p.confirmed_at AS confirmedAt
   FROM person_years p INDEXED BY person_years_awaiting_finalization JOIN units u ON u.unit_id = p.unit_id
   WHERE p.status = 'confirmed' AND u.region BETWEEN @from AND @to AND (@industry IS NULL OR p.field = @industry)
   ORDER BY p.confirmed_at, p.person_id, p.year LIMIT @limit`,
);
const INBOX_PAGE = 100;
const scanInbox = (scope: RegionScope): AuthorityPendingItem[] => inboxBaseline.all({ ...regionRange(scope.region), industry: scope.industry ?? null, limit: INBOX_PAGE });

/** µs per call, after a warm-up, over about a second. */
async function time(run: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await run(); // warm the page cache and the JIT
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 1_000) {
    await run();
    n++;
  }
  return ((performance.now() - start) * 1000) / n;
}

async function main(): Promise<void> {
  const fillStart = performance.now();
  const units: ReadModelChange[] = [];
  for (let u = 0; u < UNITS; u++) {
    units.push({ kind: 'unit', unit: { unitId: `u${u}`, name: `Unit ${u}`, region: `${pick(CITIES)}0${1 + Math.floor(rnd() * 5)}`, industry: 'general' } });
  }
  await apply(units);
  for (let done = 0; done < PERSON_YEARS; ) {
    const changes: ReadModelChange[] = [];
    for (; changes.length < 1_000 && done < PERSON_YEARS; done++) {
      const status = pick(STATUSES);
      const personYear: PersonYearRow = {
        personId: `p${done}`, year: YEAR, unitId: `u${Math.floor(rnd() * UNITS)}`, field: pick(FIELDS), status,
        compliant: status !== 'voided' && rnd() < 0.6, finalized: status === 'finalized', promotionDelay: rnd() < 0.02,
        confirmedAt: status === 'confirmed' ? new Date(Date.UTC(2025, 0, 2) + Math.floor(rnd() * 90 * 86_400_000)).toISOString() : null, delayDueAfter: null, revision: 3,
      };
      changes.push({ kind: 'personYear', snapshot: { personYear, pending: [], registrations: [] } });
    }
    await apply(changes);
  }
  const fillMs = performance.now() - fillStart;

  const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
  const line = (name: string, ours: number, theirs: number, size: string): void =>
    console.log(`${name.padEnd(24)}${fmt(ours).padStart(12)}   ${fmt(theirs).padStart(12)}   ${(theirs / ours).toFixed(1).padStart(8)}×   (${size})`);
  console.log(`read models bench: ${fmt(PERSON_YEARS)} person-years of ${YEAR} in ${fmt(UNITS)} units, node ${process.version}`);
  console.log(`filled the read models in ${(fillMs / 1000).toFixed(1)} s (${fmt(Math.round(PERSON_YEARS / (fillMs / 1000)))} person-years/s, with what is kept beside them)`);

  console.log('compliance report        µs (counts)   µs (every person-year)   baseline / counts');
  const reports: Array<[string, ReportScope]> = [
    ['province', { region: '360000' }],
    ['province, one field', { region: '360000', industry: 'health' }],
    ['city', { region: '360100' }],
    ['county', { region: '360102' }],
    ['unit', { unitId: 'u7' }],
  ];
  for (const [name, scope] of reports) {
    const kept = await store.complianceReport(YEAR, scope);
    const scanned = scan(scope);
    if (JSON.stringify(kept) !== JSON.stringify(scanned)) throw new Error(`the ${name} report differs: counts ${JSON.stringify(kept)}, every person-year ${JSON.stringify(scanned)}`);
    line(name, await time(() => store.complianceReport(YEAR, scope)), await time(() => scan(scope)), `${fmt(kept.personYears)} person-years`);
  }

  console.log(`authority inbox, first ${INBOX_PAGE}   µs (by scope)   µs (every confirmed year in order)   baseline / by scope`);
  const inboxes: Array<[string, RegionScope]> = [
    ['province', { region: '360000' }],
    ['province, one field', { region: '360000', industry: 'accounting' }],
    ['city', { region: '360100' }],
    ['city, one field', { region: '360100', industry: 'accounting' }],
    ['county', { region: '360102' }],
    ['county, one field', { region: '360102', industry: 'accounting' }],
  ];
  for (const [name, scope] of inboxes) {
    const page = (await store.authorityPending(scope, { limit: INBOX_PAGE })).items;
    const scanned = scanInbox(scope);
    if (JSON.stringify(page) !== JSON.stringify(scanned)) throw new Error(`the ${name} inbox differs: by scope ${JSON.stringify(page.slice(0, 3))}…, every confirmed year ${JSON.stringify(scanned.slice(0, 3))}…`);
    line(name, await time(() => store.authorityPending(scope, { limit: INBOX_PAGE })), await time(() => scanInbox(scope)), `${page.length} items`);
  }
}

main()
  .finally(async () => {
    baseline.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
