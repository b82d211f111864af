/** Tamper: one stored event edited in the SQLite file; `npm run verify-chain` names its stream and revision. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { activity, world, yearPath } from './support/fixtures';
import { startTestApp } from './support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

async function verifyChain(dataDir: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('npm', ['run', '-s', 'verify-chain'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
    return { code: 0, stdout };
  } catch (e) {
    const failure = e as { code: number; stdout: string };
    return { code: failure.code, stdout: failure.stdout };
  }
}

let dataDir: string;
beforeAll(async () => {
  const t = await startTestApp({ now: '2024-06-01T02:00:00.000Z' });
  const w = await world(t);
  for (const personId of ['p1', 'p2']) {
    for (const id of ['a1', 'a2', 'a3']) {
      await t.call('POST', `${yearPath(personId)}/activities`, { token: w.institution, body: activity({ activityId: id, unitId: 'u1', evidence: undefined }) });
    }
  }
  // Keep a copy of the event store: the test app removes its own folder on close.
  dataDir = mkdtempSync(join(tmpdir(), 'jx-tamper-'));
  const db = new Database(join(t.dataDir, 'events.sqlite'));
  await db.backup(join(dataDir, 'events.sqlite'));
  db.close();
  await t.close();
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('an intact store verifies', async () => {
  const result = await verifyChain(dataDir);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^OK: 3 streams, 9 events checked, 0 broken$/m);
  // Progress as it goes, as projections:rebuild prints it: the last line before the verdict says all.
  expect(result.stdout).toMatch(/^verifying hash chains: 3\/3 streams \(100%\), 9 events$/m);
}, 60_000);

it('an edited event is named by stream and revision', async () => {
  const db = new Database(join(dataDir, 'events.sqlite'));
  const row = db.prepare(`SELECT position, data FROM events WHERE stream_id = 'creditYear-p2+2024' AND revision = 2`).get() as { position: number; data: string };
  const forged = row.data.replace('"hours":10', '"hours":100');
  expect(forged).not.toBe(row.data);
  db.prepare('UPDATE events SET data = ? WHERE position = ?').run(forged, row.position);
  db.close();
  const result = await verifyChain(dataDir);
  expect(result.code).toBe(3);
  expect(result.stdout).toContain('BROKEN creditYear-p2+2024 at revision 2');
  expect(result.stdout).not.toContain('creditYear-p1+2024');
}, 60_000);

it('an event edited beyond decoding is named too (exit 3), and the other streams are still checked', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'jx-tamper-'));
  try {
    const source = new Database(join(dataDir, 'events.sqlite'));
    await source.backup(join(copy, 'events.sqlite'));
    source.close();
    const db = new Database(join(copy, 'events.sqlite'));
    expect(db.prepare(`UPDATE events SET data = '{"bogus":' WHERE stream_id = 'creditYear-p1+2024' AND revision = 1`).run().changes).toBe(1);
    db.close();
    const result = await verifyChain(copy);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('BROKEN creditYear-p1+2024 at revision 1: unreadable (its data cannot be read: ');
    expect(result.stdout).toMatch(/^BROKEN: 3 streams, \d+ events checked, \d+ broken$/m);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}, 60_000);

it('on a DATA_DIR holding no event store it fails naming DATA_DIR, and makes none', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'jx-nostore-'));
  try {
    const failure = await run('npm', ['run', '-s', 'verify-chain'], { cwd: ROOT, env: { ...process.env, DATA_DIR: join(empty, 'mistyped') } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('DATA_DIR: no event store at');
    expect(existsSync(join(empty, 'mistyped'))).toBe(false);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}, 60_000);
