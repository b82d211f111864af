/**
 * Benchmark of the rules evaluator (not a test): a synthetic province-year of person-years with
 * 5–30 activities each and a realistic mix of items, evaluated with `explain: false`, next to a
 * bare loop that only sums the same hours, measured in the same run.
 *
 *   npx tsx bench/rules.bench.ts                  # 1,000,000 person-years
 *   BENCH_PERSON_YEARS=100000 npx tsx bench/rules.bench.ts
 *   npx tsx bench/rules.bench.ts 100000
 *
 * Inputs are generated up front per chunk (deterministic PRNG) and outside the timed sections.
 */
import { performance } from 'node:perf_hooks';
import { prng } from './prng';
import { type ActivityInput, type ActivityStatus, type Category, defaultRegistry, evaluate, type PersonYearInput } from '@jx/rules';

const TARGET = 200_000;
const total = Number(process.argv[2] ?? process.env['BENCH_PERSON_YEARS'] ?? 1_000_000);
if (!Number.isSafeInteger(total) || total <= 0) throw new Error(`person-years must be a positive integer, got ${String(total)}`);
const CHUNK = 25_000;

const rnd = prng(20230701);
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** Item mix of a realistic year: mostly organised training, some achievements; [category, weight, hours]. */
const MIX: readonly [Category, number, () => number][] = [
  ['8.1', 34, () => pick([int(1, 24) * 100, Math.round((int(45, 1440) * 100) / 45), int(1, 5) * 800])],
  ['8.2', 8, () => int(2, 5) * 800],
  ['8.3', 12, () => int(1, 8) * 100],
  ['8.4', 3, () => int(1, 10) * 800],
  ['8.5', 9, () => pick([800, 1600, Math.round((int(60, 350) * 100) / 45)])],
  ['8.6', 3, () => int(1, 3) * 1000],
  ['8.7', 2, () => pick([1000, 2000, 3000])],
  ['8.8', 6, () => int(0, 15) * 100],
  ['9.1', 7, () => 1000],
  ['9.2', 1, () => pick([2000, 1000])],
  ['9.3', 4, () => pick([500, 300, 100, 100])],
  ['9.4', 3, () => pick([3000, 2000, 1000])],
  ['9.5', 1, () => pick([6000, 4000, 2000])],
  ['10', 7, () => Math.round((int(45, 240) * 200) / 45)],
];
const WEIGHT = MIX.reduce((s, m) => s + m[1], 0);
const DECLARED_SUBJECT = new Set<Category>(['8.1', '8.2', '8.6', '10']);
const IDS = Array.from({ length: 30 }, (_, i) => `a${i + 1}`);
const DATES = Array.from({ length: 365 }, (_, d) => new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10));
const KEYS = ['course-1', 'course-2', 'course-3', 'seminar-1'];
const MAKE_UP = { until: '2025-12-31', reason: null, promotionDelay: false };

function activity(i: number, finalized: boolean): ActivityInput {
  let w = rnd() * WEIGHT;
  let m = MIX[0]!;
  for (const x of MIX) if ((w -= x[1]) < 0) { m = x; break; }
  const category = m[0];
  const claimed = m[2]();
  const r = rnd();
  const status: ActivityStatus = r < 0.82 ? 'verified' : r < 0.93 ? 'declared' : r < 0.97 ? 'rejected' : 'withdrawn';
  const verified = status === 'verified' ? (rnd() < 0.05 ? Math.max(1, Math.floor(claimed / 2)) : claimed) : null;
  const final = finalized && verified !== null ? (rnd() < 0.03 ? (rnd() < 0.5 ? 0 : Math.floor(verified / 2)) : verified) : null;
  return {
    activityId: IDS[i]!,
    category,
    subject: category === '8.8' ? 'public' : DECLARED_SUBJECT.has(category) && rnd() < 0.55 ? 'public' : 'professional',
    title: 'activity',
    completedOn: pick(DATES),
    measure: {},
    claimed,
    status,
    verified,
    final,
    finalRejected: final === 0,
    contentKey: rnd() < 0.08 ? pick(KEYS) : null,
  };
}

function personYear(): PersonYearInput {
  const finalized = rnd() < 0.4;
  const n = int(5, 30);
  const activities = new Array<ActivityInput>(n);
  for (let i = 0; i < n; i++) activities[i] = activity(i, finalized);
  const voided = rnd() < 0.001;
  return { year: 2024, status: voided ? 'voided' : finalized ? 'finalized' : 'confirmed', finalized, activities, makeUp: MAKE_UP };
}

/** The floor: touch every activity once and sum its hours per tier, as a loop would. */
function bare(py: PersonYearInput): number {
  let declared = 0;
  let verified = 0;
  let final = 0;
  for (const a of py.activities) {
    if (a.status !== 'withdrawn' && a.status !== 'rejected') declared += a.claimed;
    if (a.verified !== null) verified += a.verified;
    if (a.final !== null) final += a.final;
  }
  return declared + verified + final;
}

/**
 * Lets a freshly generated chunk settle into the old generation (short-lived garbage triggers
 * the scavenges that promote it), so that the timed loops do not pay the generator's GC debt.
 */
function settle(): number {
  let keep: number[][] = [];
  for (let i = 0; i < 2_000_000; i++) {
    keep.push([i, i + 1, i + 2, i + 3]);
    if (keep.length === 1024) keep = [];
  }
  return keep.length;
}

const ruleSet = defaultRegistry().resolve('jx-2023-trial');
let evalMs = 0;
let bareMs = 0;
let activities = 0;
let checksum = 0;
let bareChecksum = 0;
let compliant = 0;

// Warm-up, untimed, so both loops are measured optimised.
for (let i = 0; i < 20_000; i++) {
  const py = personYear();
  checksum += evaluate(ruleSet, py, { explain: false }).totals.declared.total * 0 + bare(py) * 0;
}

for (let done = 0; done < total; done += CHUNK) {
  const chunk = Array.from({ length: Math.min(CHUNK, total - done) }, personYear);
  for (const py of chunk) activities += py.activities.length;
  settle();
  let t = performance.now();
  for (const py of chunk) {
    const e = evaluate(ruleSet, py, { explain: false });
    checksum += e.totals.verified.total;
    if (e.compliant) compliant++;
  }
  evalMs += performance.now() - t;
  t = performance.now();
  for (const py of chunk) bareChecksum += bare(py);
  bareMs += performance.now() - t;
}

const rate = (ms: number): number => Math.round(total / (ms / 1000));
const fmt = (x: number): string => x.toLocaleString('en-US');
console.log(`rules bench: ${fmt(total)} person-years, ${fmt(activities)} activities (5–30 each), explain: false, node ${process.version}`);
console.log(`evaluate  : ${(evalMs / 1000).toFixed(2)} s  ${fmt(rate(evalMs))} person-years/s  (${fmt(Math.round(activities / (evalMs / 1000)))} activities/s)`);
console.log(`bare loop : ${(bareMs / 1000).toFixed(2)} s  ${fmt(rate(bareMs))} person-years/s`);
console.log(`ratio     : evaluate takes ${(evalMs / bareMs).toFixed(1)}× the bare loop's time`);
console.log(`target    : ≥ ${fmt(TARGET)} person-years/s — ${rate(evalMs) >= TARGET ? 'met' : 'NOT met'}`);
console.log(`checksums : verified total ${checksum.toFixed(2)}, compliant ${fmt(compliant)}, bare ${bareChecksum}`);
