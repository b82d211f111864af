/**
 * `npm run bench:http` (not a test): DeclareActivity over HTTP against a bare Fastify route that
 * performs the same append on the same store, both measured in this run; then a 60-event
 * statement read (by a reader process of its own, bench/statement-reader.ts), against the same
 * answer served as a fixed text by the bare server. Prints commands/s, p50 and p99 for each and
 * their ratio.
 *   BENCH_COMMANDS (default 6000) · BENCH_CONCURRENCY (default 32) · BENCH_PERSONS (default 600);
 *     a person-year takes at most 500 activities, so (BENCH_WARMUP + BENCH_COMMANDS) / BENCH_PERSONS ≤ 500
 *   BENCH_WARMUP (default 3000): commands each server gets before anything is measured. V8 compiles
 *     hot code with TurboFan in background threads, and the API has much more code than the
 *     baselines: perf showed TurboFan at ≈ 14 % of the API's CPU over its first 8,000 commands and
 *     ≈ 0 after, so a short warm-up measured the compiler more than the server.
 *   BENCH_APP_ENV: extra JSON environment for the API process, e.g. '{"LOG_LEVEL":"error"}', or the
 *     production stack's stores: '{"EVENT_STORE":"postgres","DATABASE_URL":"postgres://…","EVENT_STORE_SCHEMA":"bench_es","READ_MODELS_SCHEMA":"bench_rm"}'
 *     (the baselines stay on SQLite; drop those schemas afterwards, and the read models' second copy: bench_rm_b)
 *   BENCH_APP_NODE_ARGS: node flags for the API process, e.g. '--cpu-prof --cpu-prof-dir=prof'
 *   BENCH_BASELINE_NODE_ARGS: node flags for the two baselines' processes (to profile them alike)
 * After each load of the API, the next load waits until the API's read models have caught up (its
 * in-process projection runs up to 250 ms behind): otherwise that work would be done, and counted,
 * during the next side's measurement. The API's CPU per command includes it; its rate does not
 * wait for it (API.md allows read models 2 s), and the catch-up time is printed.
 * Besides rates and latencies it prints the CPU time (user + system, every thread) that each server
 * and the load generator spent per command, read from /proc: where the time goes, on 2 cores; and
 * each server's main thread's own share, the one thread that runs its JavaScript.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chinaDate, MAX_ACTIVITIES_PER_YEAR } from '@jx/domain';
import { openPostgresEventStore, openSqliteEventStore } from '@jx/event-store';
import { openPostgresReadModelStore, openSqliteReadModelStore, READ_MODELS_CHECKPOINT } from '@jx/projections';
import { ROOT, start, tokenSigner } from './bench-server';
import { load, send, type LoadResult } from './http-client';

const SECRET = 'bench-secret-bench-secret-bench-secret-00';
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PERSONS = Number(process.env.BENCH_PERSONS ?? 600);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
// China's year and its first day (RULES.md §4: China dates), never a date still to come there.
const YEAR = Number(chinaDate(new Date()).slice(0, 4));

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined, thread?: 'main'): number {
  try {
    const stat = readFileSync(thread === 'main' ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

type Measured = LoadResult & { serverCpuUs: number; mainThreadCpuUs: number; clientCpuUs: number; settleMs: number };

/**
 * A load, with the CPU time the server and this client spent per command during it. `settle`
 * (the API's projection catching up) is awaited before the CPU is read and before the next load
 * begins: the work a load leaves behind counts as its own, never as the next side's.
 */
async function measured(server: ChildProcess, n: number, concurrency: number, send: (i: number) => Promise<number>, settle?: () => Promise<void>): Promise<Measured> {
  const server0 = cpuSeconds(server.pid);
  const main0 = cpuSeconds(server.pid, 'main');
  const client0 = process.cpuUsage();
  const result = await load(n, concurrency, send);
  const settled0 = performance.now();
  await settle?.();
  const settleMs = performance.now() - settled0;
  const client = process.cpuUsage(client0);
  return { ...result, settleMs, serverCpuUs: ((cpuSeconds(server.pid) - server0) * 1e6) / n, mainThreadCpuUs: ((cpuSeconds(server.pid, 'main') - main0) * 1e6) / n, clientCpuUs: (client.user + client.system) / n };
}

/**
 * Resolves once the API's read models hold every event its store holds (read with the product's
 * own adapters: its files under DATA_DIR, or the PostgreSQL schemas BENCH_APP_ENV names): the
 * projection's backlog after a load, polled every 2 ms. A projection 30 s behind stops the bench.
 */
async function projectedIn(dir: string, env: NodeJS.ProcessEnv): Promise<{ settle: () => Promise<void>; close: () => Promise<void> }> {
  // As the API decides (platform/stores.ts): events in PostgreSQL with EVENT_STORE=postgres, read
  // models there whenever DATABASE_URL is set.
  const url = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  const events =
    env.EVENT_STORE === 'postgres' && url !== undefined
      ? await openPostgresEventStore({ connectionString: url, ...(env.EVENT_STORE_SCHEMA ? { schema: env.EVENT_STORE_SCHEMA } : {}) })
      : openSqliteEventStore({ file: join(dir, 'events.sqlite') });
  const readModels =
    url !== undefined
      ? await openPostgresReadModelStore({ connectionString: url, ...(env.READ_MODELS_SCHEMA ? { schema: env.READ_MODELS_SCHEMA } : {}) })
      : openSqliteReadModelStore({ file: join(dir, 'readmodels.sqlite') });
  return {
    settle: async () => {
      const head = await events.headPosition();
      const deadline = performance.now() + 30_000;
      while ((await readModels.checkpoint(READ_MODELS_CHECKPOINT)) < head) {
        if (performance.now() > deadline) throw new Error(`the API's read models did not reach position ${head} within 30 s (read where the API keeps them: DATA_DIR, or the PostgreSQL schemas)`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    close: async () => {
      await events.close();
      await readModels.close();
    },
  };
}

const body = (i: number) => ({
  activityId: `b${i}`, category: '8.1', subject: 'professional', title: 'Benchmark course', completedOn: `${YEAR}-01-01`,
  measure: { minutes: 90 }, evidence: [{ name: 'certificate.pdf', sha256: 'a'.repeat(64) }],
});

async function main(): Promise<void> {
  const perYear = Math.ceil((WARMUP + COMMANDS) / PERSONS);
  if (perYear > MAX_ACTIVITIES_PER_YEAR) throw new Error(`${perYear} declarations per person-year: at most ${MAX_ACTIVITIES_PER_YEAR} are taken (raise BENCH_PERSONS)`);
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dirs = [mkdtempSync(join(tmpdir(), 'jx-bench-app-')), mkdtempSync(join(tmpdir(), 'jx-bench-bare-')), mkdtempSync(join(tmpdir(), 'jx-bench-nest-'))];
  const sign = tokenSigner(SECRET);
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const baselineArgs = (process.env.BENCH_BASELINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const appEnv = JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>;
  const app = await start([...nodeArgs, 'dist/apps/api/src/main.js'], { DATA_DIR: dirs[0]!, AUTH_JWT_SECRET: SECRET, PORT: '0', YEAR_CLOSES_ON: '12-31', ...appEnv });
  // `--import tsx` rather than tsx's CLI: one process per server, whose CPU time is then its own.
  const bare = await start([...baselineArgs, '--import', 'tsx', 'bench/bare-server.ts'], { DATA_DIR: dirs[1]!, PORT: '0' });
  const nest = await start([...baselineArgs, '--import', 'tsx', 'bench/nest-bare-server.ts'], { DATA_DIR: dirs[2]!, PORT: '0' });
  // The API's environment: this process's, BENCH_APP_ENV over it (see start).
  const appProjected = await projectedIn(dirs[0]!, { ...process.env, ...appEnv });
  try {
    const hr = await sign({ role: 'authority', region: '360000' });
    await fetch(`${app.url}/api/units/u1`, { method: 'PUT', headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'U', region: '360102', industry: 'general' }) });
    const tokens = await Promise.all(Array.from({ length: PERSONS }, (_, p) => sign({ role: 'professional', personId: `p${p}`, unitId: 'u1' })));
    const post = (url: string, auth: boolean) => async (i: number) => {
      const p = i % PERSONS;
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${tokens[p]}` } : {}) };
      return (await send(`${url}/api/persons/p${p}/years/${YEAR}/activities`, 'POST', headers, JSON.stringify(body(i)))).status;
    };
    // Warm-up each (steady state: see BENCH_WARMUP), then measure the three in turn, twice.
    await load(WARMUP, CONCURRENCY, (i) => post(bare.url, false)(i + 1_000_000));
    await load(WARMUP, CONCURRENCY, (i) => post(nest.url, false)(i + 1_000_000));
    await load(WARMUP, CONCURRENCY, (i) => post(app.url, true)(i + 1_000_000));
    await appProjected.settle();
    const runs = { bare: [] as Measured[], nest: [] as Measured[], app: [] as Measured[] };
    for (let round = 0; round < 2; round++) {
      runs.bare.push(await measured(bare.child, COMMANDS / 2, CONCURRENCY, (i) => post(bare.url, false)(i + round * COMMANDS)));
      runs.nest.push(await measured(nest.child, COMMANDS / 2, CONCURRENCY, (i) => post(nest.url, false)(i + round * COMMANDS)));
      runs.app.push(await measured(app.child, COMMANDS / 2, CONCURRENCY, (i) => post(app.url, true)(i + round * COMMANDS), appProjected.settle));
    }
    const mean = (r: Measured[], f: (x: Measured) => number) => r.reduce((s, x) => s + f(x), 0) / r.length;
    const merge = (r: Measured[]) => ({
      perSecond: mean(r, (x) => x.perSecond), p50: Math.max(...r.map((x) => x.p50)), p99: Math.max(...r.map((x) => x.p99)),
      serverCpuUs: mean(r, (x) => x.serverCpuUs), mainThreadCpuUs: mean(r, (x) => x.mainThreadCpuUs), clientCpuUs: mean(r, (x) => x.clientCpuUs), settleMs: Math.max(...r.map((x) => x.settleMs)),
    });
    const b = merge(runs.bare);
    const n = merge(runs.nest);
    const a = merge(runs.app);
    const line = (name: string, r: typeof a) =>
      `${name.padEnd(16)} ${r.perSecond.toFixed(0).padStart(6)} commands/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   CPU per command: server ${r.serverCpuUs.toFixed(0)} µs (main thread ${r.mainThreadCpuUs.toFixed(0)}), client ${r.clientCpuUs.toFixed(0)} µs`;
    console.log(`http bench: ${COMMANDS} commands per side after ${WARMUP} to warm up, ${CONCURRENCY} in flight, ${PERSONS} person-years, node ${process.version}`);
    console.log(line('bare append', b));
    console.log(line('Nest bare append', n));
    console.log(line('DeclareActivity', a));
    console.log(`                 read models caught up ${a.settleMs.toFixed(0)} ms after the last answer (at most; API.md allows 2 s); its CPU counts above`);
    console.log(`ratio            ${(a.perSecond / b.perSecond).toFixed(2)} (DeclareActivity / bare; target ≥ 0.7, and ≥ 1,500 commands/s)`);
    console.log(`                 ${(n.perSecond / b.perSecond).toFixed(2)} (Nest bare / bare: the framework alone); ${(a.perSecond / n.perSecond).toFixed(2)} (DeclareActivity / Nest bare)`);
    // What the machine allows: the server and this load generator share its cores, so even a server
    // spreading its work over every core could not answer more than cores / (its CPU + the
    // client's, per command). Printed so that the ratio above can be read against its ceiling.
    const cores = availableParallelism();
    const ceiling = (r: typeof a) => cores / ((r.serverCpuUs + r.clientCpuUs) / 1e6);
    console.log(`                 ${(b.serverCpuUs / a.serverCpuUs).toFixed(2)} (server CPU per command, bare / DeclareActivity); at its CPU per command DeclareActivity could reach at most ${ceiling(a).toFixed(0)} commands/s on ${cores} cores, a ratio of ${(ceiling(a) / b.perSecond).toFixed(2)}, even with every core busy`);
    // JavaScript runs on one thread: its CPU per command bounds the answers per second on its own,
    // whatever the other threads (GC helpers, the file system's) and cores do. The API's includes
    // the projection's catch-up after the load (on that same thread), so it bounds a sustained
    // rate; a short load may answer faster, leaving that work for afterwards.
    const mainBound = (r: typeof a) => 1e6 / r.mainThreadCpuUs;
    console.log(`                 sustained, its main thread allows at most ${mainBound(a).toFixed(0)} commands/s (${(mainBound(a) / b.perSecond).toFixed(2)} of bare; the catch-up included), the bare route's ${mainBound(b).toFixed(0)}/s: the side whose bound is near its rate was waiting on that one thread`);

    // A 60-event statement read, p99 (target ≤ 5 ms), one request at a time.
    const reader = await sign({ role: 'professional', personId: 'stmt', unitId: 'u1' });
    for (let i = 0; i < 59; i++) {
      await fetch(`${app.url}/api/persons/stmt/years/${YEAR}/activities`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` }, body: JSON.stringify(body(i)) });
    }
    const history = await (await fetch(`${app.url}/api/persons/stmt/years/${YEAR}/history`, { headers: { authorization: `Bearer ${reader}` } })).json() as unknown[];
    // Read by a process of its own: the load generator, after its ≈ 20,000 requests and ~100 open
    // keep-alive sockets, adds its own pauses to every latency it measures (≈ 0.2 ms at p50 here).
    const readBy = (url: string) => JSON.parse(execFileSync(process.execPath, [require.resolve('tsx/cli'), 'bench/statement-reader.ts'], {
      cwd: ROOT, env: { ...process.env, STATEMENT_URL: url, STATEMENT_TOKEN: reader },
    }).toString()) as LoadResult;
    const statementUrl = `${app.url}/api/persons/stmt/years/${YEAR}`;
    // Its baseline: the very same answer, as a fixed text on the bare server (same bytes, same HTTP).
    const answer = (await send(statementUrl, 'GET', { authorization: `Bearer ${reader}` })).text;
    const put = await send(`${bare.url}/api/fixed-answer`, 'PUT', { 'content-type': 'text/plain; charset=utf-8' }, answer);
    if (put.status !== 204) throw new Error(`the bare server did not take the fixed answer: ${put.status} ${put.text}`);
    const fixed = readBy(`${bare.url}/api/fixed-answer`);
    const read = readBy(statementUrl);
    console.log(`statement read   ${history.length}-event stream: p50 ${read.p50.toFixed(2)} ms   p99 ${read.p99.toFixed(2)} ms (target p99 ≤ 5 ms)`);
    console.log(`                 the same ${(Buffer.byteLength(answer) / 1024).toFixed(0)} KiB as a fixed answer of the bare server: p50 ${fixed.p50.toFixed(2)} ms   p99 ${fixed.p99.toFixed(2)} ms (the machine's share)`);
  } finally {
    const exited = (c: ChildProcess) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)));
    await appProjected.close();
    for (const c of [app.child, bare.child, nest.child]) c.kill('SIGTERM');
    await Promise.all([exited(app.child), exited(bare.child), exited(nest.child)]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
