/**
 * API.md: distinct commands on one person-year all succeed, none lost — also when two server
 * processes share the embedded store or EventStoreDB (a revision conflict re-reads and re-decides),
 * and the same content counts in one year only (RULES.md §4) across them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { startFakeEventStoreDb } from '../libs/event-store/src/eventstoredb/testing/fake-esdb-server';
import { activity } from './support/fixtures';
import { requireBuild, startServer, type ServerProcess } from './support/server-process';
import { chinaYear } from './support/china-date';

const SECRET = 'two-processes-secret-two-processes-00000';
const sign = (claims: Record<string, string>) =>
  new SignJWT({ sub: `${claims.role}-2p`, ...claims }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

/** The two processes' shared store: the embedded file, or EventStoreDB (the real client on a fake gRPC server: no server can run here). */
const stores: [string, () => Promise<{ env: Record<string, string>; close: () => Promise<void> }>][] = [
  ['the embedded store (SQLite)', async () => ({ env: {}, close: async () => undefined })],
  [
    'EventStoreDB (real client, fake gRPC server)',
    async () => {
      const esdb = await startFakeEventStoreDb();
      return { env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: esdb.url }, close: () => esdb.close() };
    },
  ],
];

describe.each(stores)('two processes on %s', (_label, openStore) => {
  let dataDir: string;
  let servers: ServerProcess[] = [];
  let store: { close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    requireBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'jx-2p-'));
    const opened = await openStore();
    store = opened;
    const env = { DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, YEAR_CLOSES_ON: '12-31', ...opened.env };
    servers = [await startServer(env), await startServer(env)];
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('40 declarations on one person-year through two processes at once all land', async () => {
    const year = chinaYear();
    const hr = await sign({ role: 'authority', region: '360000' });
    const put = await fetch(`${servers[0]!.baseUrl}/api/units/u1`, { method: 'PUT', headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'U', region: '360102', industry: 'general' }) });
    expect(put.status).toBe(200);
    const pro = await sign({ role: 'professional', personId: 'p1', unitId: 'u1' });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${servers[i % 2]!.baseUrl}/api/persons/p1/years/${year}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${pro}`, 'content-type': 'application/json' },
          body: JSON.stringify(activity({ activityId: `x${i}`, completedOn: `${year}-01-01` })),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { revision: number } })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));
    expect(new Set(answers.map((a) => a.body.revision)).size).toBe(40);
    const statement = await fetch(`${servers[1]!.baseUrl}/api/persons/p1/years/${year}`, { headers: { authorization: `Bearer ${pro}` } });
    expect(((await statement.json()) as { activities: unknown[] }).activities).toHaveLength(40);
  }, 60_000);

  it('a person-year opened by one process takes the industry the other process gave its unit just before', async () => {
    const year = chinaYear();
    const hr = await sign({ role: 'authority', region: '360000' });
    const putUnit = (server: ServerProcess, industry: string) =>
      fetch(`${server.baseUrl}/api/units/u2`, { method: 'PUT', headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'U2', region: '360102', industry }) });
    const declare = async (server: ServerProcess, personId: string) => {
      const pro = await sign({ role: 'professional', personId, unitId: 'u2' });
      const answer = await fetch(`${server.baseUrl}/api/persons/${personId}/years/${year}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pro}`, 'content-type': 'application/json' },
        body: JSON.stringify(activity({ activityId: 'a1', completedOn: `${year}-01-01` })),
      });
      expect(answer.status).toBe(201);
      const statement = await fetch(`${server.baseUrl}/api/persons/${personId}/years/${year}`, { headers: { authorization: `Bearer ${pro}` } });
      return ((await statement.json()) as { field: string }).field;
    };
    expect((await putUnit(servers[0]!, 'general')).status).toBe(200);
    // The second process reads the unit (and may keep it) while opening a first person-year under it.
    expect(await declare(servers[1]!, 'q1')).toBe('general');
    expect((await putUnit(servers[0]!, 'health')).status).toBe(200);
    expect(await declare(servers[1]!, 'q2')).toBe('health');
  }, 60_000);

  it('RULES §4: the same content sent at once through two processes to a short year (make-up) and to the year it was completed in lands in one of them — also under an extended period', async () => {
    const year = chinaYear();
    const hr = await sign({ role: 'authority', region: '360000' });
    const put = await fetch(`${servers[0]!.baseUrl}/api/units/u3`, { method: 'PUT', headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'U3', region: '360102', industry: 'general' }) });
    expect(put.status).toBe(200);
    const pro = await sign({ role: 'professional', personId: 'r1', unitId: 'u3' });
    const unit = await sign({ role: 'unit', unitId: 'u3' });
    const call = (server: ServerProcess, path: string, token: string, body: unknown) =>
      fetch(`${server.baseUrl}/api/persons/r1/years/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }));
    // Two years back is short (never written to) and closed: a reason extends its period into this year.
    expect((await call(servers[0]!, `${year - 2}/make-up`, unit, { reason: 'illness', until: `${year}-12-31` })).status).toBe(200);
    for (const shortYear of [year - 1, year - 2]) {
      for (let i = 0; i < 8; i++) {
        const content = { contentKey: `SAME-${shortYear}-${i}`, completedOn: `${year}-01-01` };
        const answers = await Promise.all([
          call(servers[0]!, `${shortYear}/activities`, pro, activity({ activityId: `m${shortYear}-${i}`, ...content })),
          call(servers[1]!, `${year}/activities`, pro, activity({ activityId: `r${shortYear}-${i}`, ...content })),
        ]);
        expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
        expect(answers.find((a) => a.status === 409)!.body.error!.code).toBe('CONTENT_ALREADY_COUNTED');
      }
    }
  }, 60_000);
});
