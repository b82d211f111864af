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
import { READ_MODELS_CHECKPOINT, type ComplianceCounts, type PersonYearRow, type ReadModelChange, type ReportScope, openSqliteReadModelStore, regionRange } from '@jx/projections';
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
        confirmedAt: status === 'confirmed' ? '2025-01-10T00:00:00.000Z' : null, delayDueAfter: null, revision: 3,
      };
      changes.push({ kind: 'personYear', snapshot: { personYear, pending: [], registrations: [] } });
    }
    await apply(changes);
  }
  const fillMs = performance.now() - fillStart;

  const scopes: Array<[string, ReportScope]> = [
    ['province', { region: '360000' }],
    ['province, one field', { region: '360000', industry: 'health' }],
    ['city', { region: '360100' }],
    ['county', { region: '360102' }],
    ['unit', { unitId: 'u7' }],
  ];
  const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
  console.log(`compliance report bench: ${fmt(PERSON_YEARS)} person-years of ${YEAR} in ${fmt(UNITS)} units, node ${process.version}`);
  console.log(`filled the read models in ${(fillMs / 1000).toFixed(1)} s (${fmt(Math.round(PERSON_YEARS / (fillMs / 1000)))} person-years/s, counts kept as they were written)`);
  console.log('scope                 counts (µs/report)   every person-year (µs/report)   baseline / counts');
  for (const [name, scope] of scopes) {
    const kept = await store.complianceReport(YEAR, scope);
    const scanned = scan(scope);
    if (JSON.stringify(kept) !== JSON.stringify(scanned)) throw new Error(`the ${name} report differs: counts ${JSON.stringify(kept)}, every person-year ${JSON.stringify(scanned)}`);
    const time = async (run: () => unknown): Promise<number> => {
      for (let i = 0; i < 3; i++) await run(); // warm the page cache and the JIT
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < 1_000) {
        await run();
        n++;
      }
      return ((performance.now() - start) * 1000) / n;
    };
    const countsUs = await time(() => store.complianceReport(YEAR, scope));
    const scanUs = await time(() => scan(scope));
    console.log(`${name.padEnd(22)}${fmt(countsUs).padStart(18)}   ${fmt(scanUs).padStart(29)}   ${(scanUs / countsUs).toFixed(1).padStart(15)}×   (${fmt(kept.personYears)} person-years)`);
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
