/**
 * Benchmark of the read models' compliance report and authority inbox (not a test): a synthetic
 * province of person-years in units across Jiangxi's cities, then each scope's report as the API
 * asks it (counts kept per unit, year and field) next to the baseline that adds up every
 * person-year of the scope (the report's query before the counts existed), and each scope's first
 * inbox page (read on the scope's own index) next to the query that walked every confirmed year in
 * order, on the same tables in the same run. Both must give the same answers; the run stops if not.
 *
 *   npm run bench:read-models                             # 200,000 person-years in 2,000 units, SQLite
 *   BENCH_PERSON_YEARS=1000000 BENCH_UNITS=5000 npm run bench:read-models
 *   BENCH_READ_MODELS=postgres DATABASE_URL=postgres://… npm run bench:read-models
 *     (the production stack's adapter, in schemas bench_rm_<pid> and bench_rm_<pid>_b, dropped after)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import {
  READ_MODELS_CHECKPOINT, openPostgresReadModelStore, openSqliteReadModelStore, regionRange,
  type AuthorityPendingItem, type ComplianceCounts, type PersonYearRow, type ReadModelChange, type ReadModelStore, type RegionScope, type ReportScope,
} from '@jx/projections';
import { prng } from './prng';

const positive = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${String(process.env[name])}`);
  return value;
};
const PERSON_YEARS = positive('BENCH_PERSON_YEARS', 200_000);
const UNITS = positive('BENCH_UNITS', 2_000);
const KIND = process.env.BENCH_READ_MODELS ?? 'sqlite';
if (KIND !== 'sqlite' && KIND !== 'postgres') throw new Error(`BENCH_READ_MODELS must be sqlite or postgres, got ${KIND}`);
const YEAR = 2024;
const INBOX_PAGE = 100;

const rnd = prng(20230701);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

// Jiangxi's eleven cities, five counties each.
const CITIES = ['3601', '3602', '3603', '3604', '3605', '3606', '3607', '3608', '3609', '3610', '3611'];
const FIELDS = ['general', 'general', 'general', 'health', 'k12_education', 'accounting'];
const STATUSES = ['open', 'open', 'confirmed', 'finalized', 'finalized', 'voided'] as const;

/** The adapter under test, and the baselines: the queries before, on its own tables (the copy in use). */
interface Bench {
  store: ReadModelStore;
  scan(scope: ReportScope): Promise<ComplianceCounts>;
  scanInbox(scope: RegionScope): Promise<AuthorityPendingItem[]>;
  /** Once filled: what a running database does by itself meanwhile (PostgreSQL's autoanalyze). */
  filled?(): Promise<void>;
  close(): Promise<void>;
}

const counted = (row: { [K in keyof ComplianceCounts]: number | null }): ComplianceCounts => {
  const n = (v: number | null): number => Number(v ?? 0);
  return { personYears: n(row.personYears), compliant: n(row.compliant), nonCompliant: n(row.nonCompliant), voided: n(row.voided), finalized: n(row.finalized), promotionDelays: n(row.promotionDelays) };
};

function sqliteBench(): Bench {
  const dir = mkdtempSync(join(tmpdir(), 'jx-bench-report-'));
  const file = join(dir, 'readmodels.sqlite');
  const store = openSqliteReadModelStore({ file });
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
  const inbox = baseline.prepare<[{ from: string; to: string; industry: string | null; limit: number }], AuthorityPendingItem>(
    `SELECT p.person_id AS personId, p.year, p.unit_id AS unitId, p.confirmed_at AS confirmedAt
     FROM person_years p INDEXED BY person_years_awaiting_finalization JOIN units u ON u.unit_id = p.unit_id
     WHERE p.status = 'confirmed' AND u.region BETWEEN @from AND @to AND (@industry IS NULL OR p.field = @industry)
     ORDER BY p.confirmed_at, p.person_id, p.year LIMIT @limit`,
  );
  return {
    store,
    scan: async (scope) =>
      counted('unitId' in scope
        ? byUnit.get({ year: YEAR, unitId: scope.unitId, industry: scope.industry ?? null })!
        : byRegion.get({ year: YEAR, ...regionRange(scope.region), industry: scope.industry ?? null })!),
    scanInbox: async (scope) => inbox.all({ ...regionRange(scope.region), industry: scope.industry ?? null, limit: INBOX_PAGE }),
    close: async () => {
      baseline.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The same on PostgreSQL: the baselines are the adapter's own statements before the counts and the regions (prepared, as its are). */
async function postgresBench(): Promise<Bench> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('BENCH_READ_MODELS=postgres needs DATABASE_URL');
  const schema = `bench_rm_${process.pid}`;
  const store = await openPostgresReadModelStore({ connectionString: url, schema });
  const pool = new Pool({ connectionString: url, max: 1 });
  const COUNTS = `count(*)::int AS "personYears",
    (count(*) FILTER (WHERE p.status <> 'voided' AND p.compliant))::int AS compliant,
    (count(*) FILTER (WHERE p.status <> 'voided' AND NOT p.compliant))::int AS "nonCompliant",
    (count(*) FILTER (WHERE p.status = 'voided'))::int AS voided,
    (count(*) FILTER (WHERE p.status = 'finalized'))::int AS finalized,
    (count(*) FILTER (WHERE p.promotion_delay))::int AS "promotionDelays"`;
  const byRegion = `SELECT ${COUNTS} FROM ${schema}.units u JOIN ${schema}.person_years p ON p.unit_id = u.unit_id AND p.year = $1::int8
    WHERE u.region BETWEEN $2::text AND $3::text AND ($4::text IS NULL OR p.field = $4::text)`;
  const byUnit = `SELECT ${COUNTS} FROM ${schema}.person_years p WHERE p.unit_id = $1 AND p.year = $2::int8 AND ($3::text IS NULL OR p.field = $3::text)`;
  const inbox = `SELECT p.person_id AS "personId", p.year, p.unit_id AS "unitId", p.confirmed_at AS "confirmedAt"
    FROM ${schema}.person_years p JOIN ${schema}.units u ON u.unit_id = p.unit_id
    WHERE p.status = 'confirmed' AND u.region BETWEEN $1::text AND $2::text AND ($3::text IS NULL OR p.field = $3::text)
    ORDER BY p.confirmed_at, p.person_id, p.year LIMIT $4`;
  return {
    store,
    scan: async (scope) => {
      const { rows } = 'unitId' in scope
        ? await pool.query({ name: 'scan-unit', text: byUnit, values: [scope.unitId, YEAR, scope.industry ?? null] })
        : await pool.query({ name: 'scan-region', text: byRegion, values: [YEAR, ...Object.values(regionRange(scope.region)), scope.industry ?? null] });
      return counted(rows[0]);
    },
    filled: async () => {
      await pool.query(`ANALYZE ${schema}.units, ${schema}.person_years, ${schema}.compliance_counts`);
    },
    scanInbox: async (scope) => {
      const { from, to } = regionRange(scope.region);
      return (await pool.query<AuthorityPendingItem>({ name: 'scan-inbox', text: inbox, values: [from, to, scope.industry ?? null, INBOX_PAGE] })).rows;
    },
    close: async () => {
      await store.close();
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_b CASCADE`);
      await pool.end();
    },
  };
}

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

async function main(bench: Bench): Promise<void> {
  const { store } = bench;
  let position = 0;
  const apply = async (changes: ReadModelChange[]): Promise<void> => {
    await store.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: ++position, changes });
  };
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
  await bench.filled?.();

  const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
  const line = (name: string, ours: number, theirs: number, size: string): void =>
    console.log(`${name.padEnd(24)}${fmt(ours).padStart(12)}   ${fmt(theirs).padStart(12)}   ${(theirs / ours).toFixed(1).padStart(8)}×   (${size})`);
  console.log(`read models bench (${KIND}): ${fmt(PERSON_YEARS)} person-years of ${YEAR} in ${fmt(UNITS)} units, node ${process.version}`);
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
    const scanned = await bench.scan(scope);
    if (JSON.stringify(kept) !== JSON.stringify(scanned)) throw new Error(`the ${name} report differs: counts ${JSON.stringify(kept)}, every person-year ${JSON.stringify(scanned)}`);
    line(name, await time(() => store.complianceReport(YEAR, scope)), await time(() => bench.scan(scope)), `${fmt(kept.personYears)} person-years`);
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
    const scanned = await bench.scanInbox(scope);
    if (JSON.stringify(page) !== JSON.stringify(scanned)) throw new Error(`the ${name} inbox differs: by scope ${JSON.stringify(page.slice(0, 3))}…, every confirmed year ${JSON.stringify(scanned.slice(0, 3))}…`);
    line(name, await time(() => store.authorityPending(scope, { limit: INBOX_PAGE })), await time(() => bench.scanInbox(scope)), `${page.length} items`);
  }
}

(async () => {
  const bench = KIND === 'postgres' ? await postgresBench() : sqliteBench();
  try {
    await main(bench);
  } finally {
    await bench.close();
  }
})().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
