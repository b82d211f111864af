/**
 * Crash: SIGKILL the server in the middle of a stream of declarations, restart it, and find every
 * acknowledged declaration; the checkpointed projection then reaches exactly what a rebuild from
 * zero gives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@jx/event-store';
import { openSqliteReadModelStore, Projector, ProjectionRunner } from '@jx/projections';
import { defaultRegistry } from '@jx/rules';
import { dumpReadModels, tokenSigner } from './support/embedded-files';
import { activity } from './support/fixtures';
import { requireBuild, startServer } from './support/server-process';
import { chinaYear } from './support/china-date';

const SECRET = 'crash-test-secret-crash-test-secret-0000';
let dataDir: string;

beforeAll(() => requireBuild());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'jx-crash-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const sign = tokenSigner(SECRET, 'crash');

it('every acknowledged declaration survives kill -9, and the projection resumes to what a rebuild gives', async () => {
  const env = { DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, YEAR_CLOSES_ON: '12-31' };
  const year = chinaYear();
  const completedOn = `${year}-01-01`;
  const server = await startServer(env);
  const hr = await sign({ role: 'authority', region: '360000' });
  const put = await fetch(`${server.baseUrl}/api/units/u1`, { method: 'PUT', headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'U', region: '360102', industry: 'general' }) });
  expect(put.status).toBe(200);

  const acknowledged: Array<{ personId: string; activityId: string }> = [];
  const killAfter = 60;
  let killed = false;
  // Four clients declare for four persons until the server dies under them.
  const client = async (personId: string) => {
    const token = await sign({ role: 'professional', personId, unitId: 'u1' });
    for (let i = 0; ; i++) {
      const activityId = `${personId}-a${i}`;
      try {
        const res = await fetch(`${server.baseUrl}/api/persons/${personId}/years/${year}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(activity({ activityId, completedOn, measure: { minutes: 45 + i } })),
        });
        if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
        acknowledged.push({ personId, activityId });
        if (acknowledged.length >= killAfter && !killed) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      } catch (e) {
        if (killed) return;
        throw e;
      }
    }
  };
  await Promise.all(['p1', 'p2', 'p3', 'p4'].map(client));
  await server.exited;
  expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

  const restarted = await startServer(env);
  try {
    const reader = await sign({ role: 'regulator', region: '360000' });
    for (const personId of ['p1', 'p2', 'p3', 'p4']) {
      const res = await fetch(`${restarted.baseUrl}/api/persons/${personId}/years/${year}`, { headers: { authorization: `Bearer ${reader}` } });
      const statement = (await res.json()) as { activities: Array<{ activityId: string }> };
      const present = new Set(statement.activities.map((a) => a.activityId));
      for (const ack of acknowledged.filter((a) => a.personId === personId)) expect(present).toContain(ack.activityId);
    }
  } finally {
    restarted.child.kill('SIGKILL');
    await restarted.exited;
  }

  // The live read models resume from their checkpoint; a fresh database is rebuilt from zero.
  const events = openSqliteEventStore({ file: join(dataDir, 'events.sqlite') });
  const live = openSqliteReadModelStore({ file: join(dataDir, 'readmodels.sqlite') });
  const runner = new ProjectionRunner(events, live, new Projector(events, live, defaultRegistry()));
  await runner.start();
  expect(await runner.waitFor(await events.headPosition())).toBe(true);
  await runner.stop();
  const fresh = openSqliteReadModelStore({ file: join(dataDir, 'rebuilt.sqlite') });
  await new ProjectionRunner(events, fresh, new Projector(events, fresh, defaultRegistry())).rebuild();
  await Promise.all([live.close(), fresh.close(), events.close()]);
  expect(dumpReadModels(join(dataDir, 'readmodels.sqlite'))).toEqual(dumpReadModels(join(dataDir, 'rebuilt.sqlite')));
}, 120_000);
