/**
 * `projections:rebuild` beside a running server: the rebuild builds the read models' second copy
 * while the server goes on projecting into the copy in use and a reader finds every declaration
 * made before it in the inbox all along; declarations made before, during and after all reach the
 * inbox, and the read models end exactly as a rebuild from zero into a fresh file gives. (The
 * copies' hand-over itself is checked deterministically by the read-model contract.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openSqliteEventStore } from '@jx/event-store';
import { openSqliteReadModelStore, Projector, ProjectionRunner } from '@jx/projections';
import { defaultRegistry } from '@jx/rules';
import { dumpReadModels, tokenSigner } from './support/embedded-files';
import { activity } from './support/fixtures';
import { requireBuild, startServer } from './support/server-process';
import { chinaYear } from './support/china-date';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const SECRET = 'rebuild-test-secret-rebuild-test-secret-0';
let dataDir: string;

beforeAll(() => requireBuild());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'jx-rebuild-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const sign = tokenSigner(SECRET, 'rebuild');

/** Every page of the unit's inbox. */
async function allPending(baseUrl: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const res = await fetch(`${baseUrl}/api/units/u1/pending?limit=1000${query}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await res.json()) as { items: Array<{ activityId: string }>; nextCursor: string | null };
    ids.push(...page.items.map((i) => i.activityId));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

it('declarations before, during and after a rebuild all reach the inbox, which never misses one meanwhile; the rows equal a rebuild from zero', async () => {
  // The embedded stores, whatever the environment says (CI exports DATABASE_URL and REDIS_URL).
  const env = { DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, YEAR_CLOSES_ON: '12-31', DATABASE_URL: '', REDIS_URL: '' };
  const year = chinaYear();
  const server = await startServer(env);
  try {
    const hr = await sign({ role: 'authority', region: '360000' });
    const unit = await sign({ role: 'unit', unitId: 'u1' });
    const put = await fetch(`${server.baseUrl}/api/units/u1`, { method: 'PUT', headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'U', region: '360102', industry: 'general' }) });
    expect(put.status).toBe(200);
    const declared: string[] = [];
    const declare = async (personId: string, n: number) => {
      const token = await sign({ role: 'professional', personId, unitId: 'u1' });
      const activityId = `${personId}-a${n}`;
      const res = await fetch(`${server.baseUrl}/api/persons/${personId}/years/${year}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(activity({ activityId, completedOn: `${year}-01-01`, measure: { minutes: 45 + n } })),
      });
      expect(res.status).toBe(201);
      declared.push(activityId);
    };
    // Enough history that the replay takes a while, from eight clients at once.
    let n = 0;
    const clients = (persons: string, until: () => boolean) => Promise.all(Array.from({ length: 8 }, async (_, c) => {
      while (until()) await declare(persons === 'p' ? `p${n % 40}` : `q${c}`, n++);
    }));
    await clients('p', () => n < 1500);
    // Everything declared so far is in the inbox before the rebuild begins.
    let before: string[] = [];
    for (const until = Date.now() + 10_000; before.length < declared.length && Date.now() < until; ) before = await allPending(server.baseUrl, unit);
    expect(before.length).toBe(declared.length);

    // The rebuild runs as its own process while the clients keep declaring, for other persons,
    // and a reader keeps reading the inbox: the copy in use serves it whole all along.
    let rebuilding = true;
    const rebuild = run('npm', ['run', '-s', 'projections:rebuild'], { cwd: ROOT, env: { ...process.env, ...env } }).finally(() => (rebuilding = false));
    const missing = new Set<string>();
    let reads = 0;
    const reader = (async () => {
      while (rebuilding) {
        const seen = new Set(await allPending(server.baseUrl, unit));
        for (const id of before) if (!seen.has(id)) missing.add(id);
        reads += 1;
      }
    })();
    await clients('q', () => rebuilding);
    const { stdout } = await Promise.all([rebuild, reader]).then(([done]) => done);
    expect(stdout).toMatch(/rebuilt up to position \d+, now in use/);
    expect(reads).toBeGreaterThan(0);
    expect([...missing]).toEqual([]);
    for (const end = n + 10; n < end; ) await declare('q0', n++);

    // Inboxes reflect an acknowledged command within 2 s (API.md): ask until they do.
    let pending: string[] = [];
    for (const until = Date.now() + 10_000; Date.now() < until; ) {
      pending = await allPending(server.baseUrl, unit);
      if (pending.length === declared.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...pending].sort()).toEqual([...declared].sort());
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }

  const events = openSqliteEventStore({ file: join(dataDir, 'events.sqlite') });
  const fresh = openSqliteReadModelStore({ file: join(dataDir, 'rebuilt.sqlite') });
  await new ProjectionRunner(events, fresh, new Projector(events, fresh, defaultRegistry())).rebuild();
  await Promise.all([fresh.close(), events.close()]);
  expect(dumpReadModels(join(dataDir, 'readmodels.sqlite'))).toEqual(dumpReadModels(join(dataDir, 'rebuilt.sqlite')));
}, 120_000);

it('a rebuild run after an interrupted one says it takes over, and completes', async () => {
  // A server started once on this DATA_DIR (its event store, still empty), then a rebuild interrupted.
  await openSqliteEventStore({ file: join(dataDir, 'events.sqlite') }).close();
  const readModels = openSqliteReadModelStore({ file: join(dataDir, 'readmodels.sqlite') });
  await readModels.beginRebuild('interrupted');
  await readModels.close();
  const env = { DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' };
  const { stdout } = await run('npm', ['run', '-s', 'projections:rebuild'], { cwd: ROOT, env: { ...process.env, ...env } });
  expect(stdout).toMatch(/a rebuild begun at \S+ has not ended \(interrupted, or still running elsewhere\): this one takes over, and that one stops/);
  expect(stdout).toMatch(/rebuilt up to position 0, now in use/);
  const again = openSqliteReadModelStore({ file: join(dataDir, 'readmodels.sqlite') });
  expect((await again.rebuildState()).rebuildingSince).toBeNull();
  await again.close();
}, 60_000);
