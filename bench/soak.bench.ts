/**
 * `npm run bench:soak` (not a test): a long run of the API on the embedded default, in rounds, to
 * see what a process that stays up does over time — its rate and p99 as streams lengthen, and its
 * memory, which must level off once its bounded caches are full (recent streams on both sides of
 * the store, verified tokens) instead of growing with what it has served.
 * Each round sends BENCH_ROUND requests, 32 in flight, to person-years of BENCH_PERSONS people
 * (this year) in 50 units: 88 % declarations, to each person in turn; 10 % statements of a person
 * drawn at random; 2 % the inbox of a unit drawn at random. Per round it prints the rate, p99, the
 * declarations per person-year so far, and the process's resident memory (anonymous: its heaps;
 * file-backed: its code and libraries).
 *   BENCH_ROUNDS (default 12) · BENCH_ROUND (default 20000) · BENCH_PERSONS (default 20000; a
 *     person-year takes at most 500 activities: the bench refuses to start a run that would
 *     declare more)
 *   BENCH_APP_ENV: extra JSON environment for the API, e.g. the production stack's stores:
 *     '{"EVENT_STORE":"postgres","DATABASE_URL":"postgres://…","EVENT_STORE_SCHEMA":"soak_es","READ_MODELS_SCHEMA":"soak_rm"}'
 *     (drop those schemas afterwards, and the read models' second copy: soak_rm_b)
 *   BENCH_APP_NODE_ARGS: node flags for the API, e.g. '--max-old-space-size=200': with the heap
 *     held that small, a process whose live heap kept growing would slow down round after round
 *     (ever more garbage collection) and stop with "heap out of memory", where one that levels
 *     off keeps its rate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chinaDate, MAX_ACTIVITIES_PER_YEAR } from '@jx/domain';
import { ROOT, start, tokenSigner } from './bench-server';
import { load, send } from './http-client';
import { prng } from './prng';

const SECRET = 'bench-secret-bench-secret-bench-secret-00';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const ROUND = Number(process.env.BENCH_ROUND ?? 20_000);
const PERSONS = Number(process.env.BENCH_PERSONS ?? 20_000);
const UNITS = 50;
// China's year and its first day (RULES.md §4: China dates), never a date still to come there.
const YEAR = Number(chinaDate(new Date()).slice(0, 4));

/** Resident memory of a process in MiB (Linux /proc), by kind. */
function residentMiB(pid: number): { anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { anon: kib('RssAnon') / 1024, file: kib('RssFile') / 1024 };
}

/** What the j-th request of a round asks for: 44 in 50 declare, 5 read a statement, 1 an inbox. */
type Kind = 'declare' | 'statement' | 'inbox';
const kindOf = (j: number): Kind => (j % 50 < 44 ? 'declare' : j % 50 < 49 ? 'statement' : 'inbox');

async function main(): Promise<void> {
  let declarations = 0;
  for (let j = 0; j < ROUND; j++) if (kindOf(j) === 'declare') declarations += ROUNDS;
  if (Math.ceil(declarations / PERSONS) > MAX_ACTIVITIES_PER_YEAR) {
    throw new Error(`${Math.ceil(declarations / PERSONS)} declarations per person-year: at most ${MAX_ACTIVITIES_PER_YEAR} are taken (raise BENCH_PERSONS)`);
  }
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'jx-bench-soak-'));
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const appEnv = JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>;
  const app = await start([...nodeArgs, 'dist/apps/api/src/main.js'], { DATA_DIR: dir, AUTH_JWT_SECRET: SECRET, PORT: '0', YEAR_CLOSES_ON: '12-31', ...appEnv });
  let exited: string | null = null;
  app.child.once('exit', (code, signal) => (exited = `the API exited (${signal ?? code})`));
  try {
    const sign = tokenSigner(SECRET);
    const hr = await sign({ role: 'authority', region: '360000' });
    for (let u = 0; u < UNITS; u++) {
      const put = await send(`${app.url}/api/units/u${u}`, 'PUT', { authorization: `Bearer ${hr}`, 'content-type': 'application/json' }, JSON.stringify({ name: `Unit ${u}`, region: '360102', industry: 'general' }));
      if (put.status !== 200) throw new Error(`PUT unit answered ${put.status}`);
    }
    const units = await Promise.all(Array.from({ length: UNITS }, (_, u) => sign({ role: 'unit', unitId: `u${u}` })));
    // Signed before the first round, whose rate would otherwise include signing them.
    const people = await Promise.all(Array.from({ length: PERSONS }, (_, p) => sign({ role: 'professional', personId: `p${p}`, unitId: `u${p % UNITS}` })));
    const random = prng(2023);
    const body = (i: number) => JSON.stringify({
      activityId: `s${i}`, category: '8.1', subject: 'professional', title: 'Soak course', completedOn: `${YEAR}-01-01`,
      measure: { minutes: 90 }, evidence: [{ name: 'certificate.pdf', sha256: 'a'.repeat(64) }],
    });
    let declared = 0;
    const stores = appEnv.EVENT_STORE ?? process.env.EVENT_STORE ?? 'sqlite';
    console.log(`soak: ${ROUNDS} rounds of ${ROUND} requests, 32 in flight, ${PERSONS} person-years in ${UNITS} units, events in ${stores}, node ${process.version}${nodeArgs.length ? ` (API: ${nodeArgs.join(' ')})` : ''}`);
    for (let round = 0; round < ROUNDS; round++) {
      const result = await load(ROUND, 32, async (j) => {
        const kind = kindOf(j);
        if (kind === 'inbox') {
          const u = Math.floor(random() * UNITS);
          return (await send(`${app.url}/api/units/u${u}/pending?limit=50`, 'GET', { authorization: `Bearer ${units[u]}` })).status;
        }
        if (kind === 'statement') {
          const p = Math.floor(random() * PERSONS);
          const read = await send(`${app.url}/api/persons/p${p}/years/${YEAR}`, 'GET', { authorization: `Bearer ${people[p]}` });
          return read.status === 404 && declared < PERSONS ? 200 : read.status; // not declared to yet, in the first round
        }
        // Everyone in turn: every round reaches far more person-years than any cache holds.
        const i = declared++;
        const p = i % PERSONS;
        return (await send(`${app.url}/api/persons/p${p}/years/${YEAR}/activities`, 'POST', { 'content-type': 'application/json', authorization: `Bearer ${people[p]}` }, body(i))).status;
      });
      if (exited !== null) throw new Error(exited);
      const memory = residentMiB(app.child.pid!);
      console.log(
        `round ${String(round + 1).padStart(2)}  ${result.perSecond.toFixed(0).padStart(5)} requests/s   p99 ${result.p99.toFixed(1).padStart(6)} ms   ` +
          `${(declared / PERSONS).toFixed(1).padStart(5)} declarations per person-year   resident: ${memory.anon.toFixed(0)} MiB anonymous, ${memory.file.toFixed(0)} MiB file`,
      );
    }
  } finally {
    app.child.kill('SIGTERM');
    if (exited === null) await new Promise((resolve) => app.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
