/**
 * A process fenced out by newer code (its read models migrated past the schema it opened them at)
 * stops, so that a supervisor sees it go, instead of retrying its projection pages for ever while
 * it looked alive; restarted, the older code refuses to start, saying why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tokenSigner } from './support/embedded-files';
import { activity } from './support/fixtures';
import { requireBuild, startServer, type ServerProcess } from './support/server-process';
import { eventually } from './support/split-stack';
import { chinaYear } from './support/china-date';

const SECRET = 'fenced-test-secret-fenced-test-secret-00';
const sign = tokenSigner(SECRET, 'fenced');
const year = chinaYear();
let dataDir: string;
let server: ServerProcess | null = null;

beforeAll(() => requireBuild());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'jx-fenced-'));
});
afterEach(async () => {
  if (server !== null && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  server = null;
  rmSync(dataDir, { recursive: true, force: true });
});

/** What newer code's migration does last: it stamps its version on the copies' state. Returns [old, new]. */
function migrateByNewerCode(): [number, number] {
  const db = new Database(join(dataDir, 'readmodels.sqlite'));
  const own = db.pragma('user_version', { simple: true }) as number;
  db.prepare('UPDATE read_model_state SET schema_version = ?').run(own + 1);
  db.pragma(`user_version = ${own + 1}`);
  db.close();
  return [own, own + 1];
}
const fenced = ([own, stored]: [number, number]) =>
  `the read models' schema is at version ${stored}, this process opened them at version ${own}: restart it with the code that migrated them; this api process stops (exit status 1)`;

async function startWithUnit(): Promise<ServerProcess> {
  const started = await startServer({ DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, YEAR_CLOSES_ON: '12-31' });
  const hr = await sign({ role: 'authority', region: '360000' });
  const put = await fetch(`${started.baseUrl}/api/units/u1`, { method: 'PUT', headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'U', region: '360102', industry: 'general' }) });
  expect(put.status).toBe(200);
  return started;
}

it('npm start: the projection meets read models migrated by newer code, and the process exits 1 saying why; restarted, it refuses to start', async () => {
  server = await startWithUnit();
  const versions = migrateByNewerCode();
  // The event store is not fenced: the declaration is recorded and acknowledged; its page is not.
  const pro = await sign({ role: 'professional', personId: 'p1', unitId: 'u1' });
  const declared = await fetch(`${server.baseUrl}/api/persons/p1/years/${year}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pro}`, 'content-type': 'application/json' },
    body: JSON.stringify(activity({ activityId: 'a1', completedOn: `${year}-01-01` })),
  });
  expect(declared.status).toBe(201);
  expect(await server.exited).toBe(1);
  expect(server.output()).toContain(fenced(versions));

  const again = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, PORT: '0', DATABASE_URL: '', REDIS_URL: '', EVENT_STORE: 'sqlite' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect([again.status, again.stderr]).toEqual([1, expect.stringContaining(`read-model schema version ${versions[1]} is newer than this code (${versions[0]})`)]);
}, 90_000);

it('a read answered 503 because newer code migrated the read models stops the process too', async () => {
  server = await startWithUnit();
  // The unit's page committed first: only the read below meets the newer schema.
  const health = () => fetch(`${server!.baseUrl}/api/health`).then(async (r) => ((await r.json()) as { readModelsLag: { caughtUp: boolean } | null }).readModelsLag);
  expect(await eventually(health, (lag) => lag?.caughtUp === true)).toEqual({ caughtUp: true, seconds: 0 });
  const versions = migrateByNewerCode();
  const regulator = await sign({ role: 'regulator', region: '360000' });
  const report = await fetch(`${server.baseUrl}/api/reports/compliance?year=${year}`, { headers: { authorization: `Bearer ${regulator}` } });
  expect(report.status).toBe(503);
  expect(((await report.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
  expect(await server.exited).toBe(1);
  expect(server.output()).toContain(fenced(versions));
}, 90_000);

it('health, polled by a supervisor, reports the read models down and the process stops', async () => {
  server = await startWithUnit();
  const health = () => fetch(`${server!.baseUrl}/api/health`).then(async (r) => ({ status: r.status, body: (await r.json()) as { checks: Record<string, string>; readModelsLag: { caughtUp: boolean } | null } }));
  expect((await eventually(health, (h) => h.body.readModelsLag?.caughtUp === true)).body.checks.readModels).toBe('up');
  const versions = migrateByNewerCode();
  const fencedHealth = await health();
  // API.md: health's status follows the event store (and Redis); the read models are reported.
  expect([fencedHealth.status, fencedHealth.body.checks]).toEqual([200, { eventStore: 'up', readModels: 'down' }]);
  expect(await server.exited).toBe(1);
  expect(server.output()).toContain(fenced(versions));
}, 90_000);
