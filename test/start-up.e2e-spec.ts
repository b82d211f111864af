/** `npm start`'s process: configuration checked at start, the development secret, graceful shutdown. */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { tokenSigner } from './support/embedded-files';
import { eventually } from './support/split-stack';
import { killGroup, requireBuild, startServer, startWithNpm } from './support/server-process';

const ROOT = join(__dirname, '..');

/** A child's exit code and output, awaited (spawnSync would block the listener the test holds). */
function spawnAsync(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}
let dataDir: string;
beforeAll(() => requireBuild());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'jx-start-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

it('a wrong variable stops start-up with a message naming it', () => {
  const run = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, YEAR_CLOSES_ON: '13-45', PORT: 'x' },
    encoding: 'utf8',
  });
  expect(run.status).toBe(78);
  expect(run.stderr).toMatch(/YEAR_CLOSES_ON/);
  expect(run.stderr).toMatch(/PORT/);
});

it.each([
  ['the API', 'dist/apps/api/src/main.js', 'start-up failed: '],
  ['the worker', 'dist/apps/worker/src/main.js', 'worker start-up failed: '],
])('%s stops with the variable named when a store it points to cannot be opened (nothing listens on port 1)', (_name, entry, prefix) => {
  const run = spawnSync(process.execPath, [entry], {
    cwd: ROOT,
    // The worker alone needs REDIS_URL too; nothing listens on port 1, so nothing is ever sent there.
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test', REDIS_URL: 'redis://127.0.0.1:1' },
    encoding: 'utf8',
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`${prefix}DATABASE_URL: cannot open the PostgreSQL`);
});

it.each([
  ['the API', 'dist/apps/api/src/main.js', 'start-up failed: '],
  ['the worker', 'dist/apps/worker/src/main.js', 'worker start-up failed: '],
])('%s stops with REDIS_URL named when its Redis has no such database, and writes nothing to database 0 (ioredis would go on there)', async (_name, entry, prefix) => {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const databases = await configuredDatabases(url.toString());
  url.pathname = `/${databases}`;
  const queue = `start-up-db-${process.pid}`;
  const run = spawnSync(process.execPath, [entry], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', REDIS_URL: url.toString(), JOBS_QUEUE: queue, RUN_WORKER: 'false', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' },
    encoding: 'utf8',
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`${prefix}REDIS_URL: the server has no database ${databases} (ERR DB index is out of range)`);
  url.pathname = '/0';
  const db0 = new Redis(url.toString());
  try {
    expect(await db0.keys(`*${queue}*`)).toEqual([]);
  } finally {
    db0.disconnect();
  }
});

it('the API stops with PORT named when its port is in use, and with HOST named when that is no address of this machine (exit 1, as a store it cannot open), before it opens a store or keeps a secret in DATA_DIR', async () => {
  const taken = createServer();
  taken.listen(0, '127.0.0.1');
  await once(taken, 'listening');
  const port = (taken.address() as AddressInfo).port;
  try {
    // A DATA_DIR not made yet: a start refused its address opens no store and keeps no secret there.
    const untouched = join(dataDir, 'never-made');
    const run = (env: Record<string, string>) =>
      spawnAsync(process.execPath, ['dist/apps/api/src/main.js'], { cwd: ROOT, env: { ...process.env, DATA_DIR: untouched, REDIS_URL: '', DATABASE_URL: '', AUTH_JWT_SECRET: '', ...env } });
    const inUse = await run({ PORT: String(port), HOST: '127.0.0.1' });
    expect([inUse.code, inUse.stderr]).toEqual([1, expect.stringContaining(`start-up failed: PORT: ${port} is in use on 127.0.0.1 (listen EADDRINUSE`)]);
    expect(existsSync(untouched)).toBe(false);
    // 192.0.2.1 (TEST-NET-1) is nobody's address here.
    const notHere = await run({ PORT: '0', HOST: '192.0.2.1' });
    expect([notHere.code, notHere.stderr]).toEqual([1, expect.stringContaining('start-up failed: HOST: 192.0.2.1 is no address of this machine (listen EADDRNOTAVAIL')]);
    expect(existsSync(untouched)).toBe(false);
  } finally {
    taken.close();
  }
  // Two processes started one after the other: on a loaded 2-core machine each may take seconds.
}, 30_000);

it('the API stops with DATA_DIR named, at once, when that folder cannot be made under /proc (Node\'s recursive mkdir would spin there for ever)', () => {
  const run = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], { cwd: ROOT, env: { ...process.env, DATA_DIR: '/proc/jx-no-such/data', PORT: '0', EVENT_STORE: 'sqlite', REDIS_URL: '', DATABASE_URL: '', AUTH_JWT_SECRET: '' }, encoding: 'utf8', timeout: 30_000 });
  expect([run.status, run.stderr]).toEqual([1, expect.stringContaining('start-up failed: DATA_DIR: ')]);
  // The logs say so too: the process's last JSON line is its exit code.
  expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ msg: 'exits', exitCode: 1 });
});

it('the API stops with DATA_DIR and the file named when SQLite cannot open a store file (a folder stands in its place)', () => {
  mkdirSync(join(dataDir, 'events.sqlite'));
  const run = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, PORT: '0', EVENT_STORE: 'sqlite', REDIS_URL: '', DATABASE_URL: '', AUTH_JWT_SECRET: 'start-up-test-secret-0123456789-abcdefgh' }, encoding: 'utf8' });
  expect([run.status, run.stderr]).toEqual([1, expect.stringContaining(`start-up failed: DATA_DIR: ${join(dataDir, 'events.sqlite')}: unable to open database file`)]);
});

it('the API stops with DATA_DIR named when that folder cannot be made (a file stands in its way)', () => {
  const file = join(dataDir, 'a-file');
  writeFileSync(file, 'x');
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: join(file, 'data'), PORT: '0', EVENT_STORE: 'sqlite', REDIS_URL: '', DATABASE_URL: '' };
  delete env.AUTH_JWT_SECRET;
  const run = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], { cwd: ROOT, env, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('start-up failed: DATA_DIR: ');
});

it('the API refuses to start on read models of other events than its store holds (ahead of it; or as far on, with other events), naming the remedy; once they are removed it projects them anew', async () => {
  const secret = 'start-up-test-secret-0123456789-abcdefgh';
  const authority = await tokenSigner(secret, 'start-up')({ role: 'authority', region: '360000' });
  const putUnits = async (dir: string, unitIds: string[]) => {
    const server = await startServer({ DATA_DIR: dir, AUTH_JWT_SECRET: secret });
    try {
      for (const unitId of unitIds) {
        const put = await fetch(`${server.baseUrl}/api/units/${unitId}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${authority}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: unitId, region: '360102', industry: 'general' }),
        });
        expect(put.status).toBe(200);
      }
      // Stopped once the read models hold every event: their checkpoint is the store's last.
      const lag = async () => ((await (await fetch(`${server.baseUrl}/api/health`)).json()) as { readModelsLag: { caughtUp: boolean } | null }).readModelsLag;
      expect(await eventually(lag, (value) => value?.caughtUp === true)).toEqual({ caughtUp: true, seconds: 0 });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  };
  const readModelFiles = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('readmodels.sqlite'));
  /** Puts `from`'s read models in `to`, in place of its own (a mix-up, or a restore of the events alone). */
  const moveReadModels = (from: string, to: string) => {
    for (const name of readModelFiles(to)) rmSync(join(to, name));
    for (const name of readModelFiles(from)) copyFileSync(join(from, name), join(to, name));
  };
  const start = (dir: string) => spawnSync(process.execPath, ['dist/apps/api/src/main.js'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dir, PORT: '0', EVENT_STORE: 'sqlite', REDIS_URL: '', DATABASE_URL: '', AUTH_JWT_SECRET: secret }, encoding: 'utf8', timeout: 30_000 });
  const other = mkdtempSync(join(tmpdir(), 'jx-start-other-'));
  const behind = mkdtempSync(join(tmpdir(), 'jx-start-behind-'));
  try {
    await putUnits(dataDir, ['u1', 'u2']);
    await putUnits(other, ['v1', 'v2', 'v3']);
    await putUnits(behind, ['w1']);
    // Read models of two events beside a store of three others: as far on, not the same events.
    moveReadModels(dataDir, other);
    const diverged = start(other);
    expect([diverged.status, diverged.stderr]).toEqual([1, expect.stringContaining('start-up failed: the read models were projected from other events than the event store holds')]);
    expect(diverged.stderr).toContain('remove the read models and start again');
    // Beside a store of one event: ahead of it.
    moveReadModels(dataDir, behind);
    const ahead = start(behind);
    expect([ahead.status, ahead.stderr]).toEqual([1, expect.stringContaining('start-up failed: the read models are ahead of the event store')]);
    // As the message says: removed, they are projected anew from the store's own events.
    for (const name of readModelFiles(other)) rmSync(join(other, name));
    const server = await startServer({ DATA_DIR: other, AUTH_JWT_SECRET: secret });
    try {
      const report = await fetch(`${server.baseUrl}/api/reports/compliance?year=2024&unitId=v3`, { headers: { authorization: `Bearer ${authority}` } });
      expect(report.status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    expect(server.output()).not.toContain('start-up failed');
  } finally {
    rmSync(other, { recursive: true, force: true });
    rmSync(behind, { recursive: true, force: true });
  }
}, 60_000);

it('the worker alone refuses the embedded default (it serves APIs started with RUN_WORKER=false: REDIS_URL and DATABASE_URL)', () => {
  const run = spawnSync(process.execPath, ['dist/apps/worker/src/main.js'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, REDIS_URL: '', DATABASE_URL: '' }, encoding: 'utf8' });
  expect(run.status).toBe(78);
  expect(run.stderr).toMatch(/REDIS_URL is required by the worker alone/);
  expect(run.stderr).toMatch(/DATABASE_URL is required by the worker alone/);
});

it('production refuses to start without AUTH_JWT_SECRET', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'production' };
  delete env.AUTH_JWT_SECRET;
  const run = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], { cwd: ROOT, env, encoding: 'utf8' });
  expect(run.status).toBe(78);
  expect(run.stderr).toMatch(/AUTH_JWT_SECRET is required when NODE_ENV=production/);
});

it('npm start: a SIGTERM sent to npm (as a supervisor sends it to the process it started) stops the server, which closes its stores first', async () => {
  const npm = await startWithNpm({ DATA_DIR: dataDir, AUTH_JWT_SECRET: '' });
  try {
    expect((await fetch(`${npm.baseUrl}/api/health`)).status).toBe(200);
    npm.child.kill('SIGTERM');
    await npm.exited;
    // npm returns once its script has: by then the server has shut down, not been left behind.
    expect(npm.output()).toContain('SIGTERM: shutting down');
    await expect(fetch(`${npm.baseUrl}/api/health`)).rejects.toThrow();
  } finally {
    killGroup(npm); // a server left behind (the shell did not pass the signal on) must not outlive the test
  }
}, 120_000);

it('npm run token refuses what would make a useless or ambiguous token, saying which argument (exit 1)', () => {
  const token = (...args: string[]) => spawnSync(process.execPath, ['dist/apps/api/src/cli/issue-token.js', ...args], { cwd: ROOT, env: { ...process.env, AUTH_JWT_SECRET: 'cli-secret-cli-secret-cli-secret-cli-00' }, encoding: 'utf8' });
  const cases: Array<[string[], string]> = [
    [['role=authority', 'region=360000', 'hours=0'], 'hours must be a number of hours above 0 (at most a year), got 0'],
    [['role=authority', 'region=360000', 'hours=-1'], 'hours must be a number of hours above 0 (at most a year), got -1'],
    [['role=authority', 'region=360000', 'hours=abc'], 'hours must be a number of hours above 0 (at most a year), got abc'],
    [['role=unit', 'unitId=u1', 'unitId=u2'], 'unitId is given twice'],
    [['role=authority'], 'an authority token needs a valid region claim'],
    // A typo of hours would have given the default 8 hours; a name every object inherits is no claim either.
    [['role=authority', 'region=360000', 'hour=1'], 'unknown argument hour: the arguments are role, sub, personId, unitId, institutionId, region, industry, hours'],
    [['role=authority', 'region=360000', 'toString=x'], 'unknown argument toString: the arguments are role, sub, personId, unitId, institutionId, region, industry, hours'],
  ];
  for (const [args, message] of cases) {
    const run = token(...args);
    // The message first; a wrong key is followed by the usage.
    expect([args, run.status, run.stdout, run.stderr.trim().split('\n')[0]]).toEqual([args, 1, '', message]);
  }
  expect(token('role=authority', 'region=360000', 'hours=0.5').status).toBe(0);
  // Without sub=, the user id names the role and its scope: two institutions' tokens are two actors.
  const subOf = (...args: string[]) => JSON.parse(Buffer.from(token(...args).stdout.trim().split('.')[1]!, 'base64url').toString()).sub;
  expect([
    subOf('role=institution', 'institutionId=inst1'),
    subOf('role=institution', 'institutionId=inst2'),
    subOf('role=professional', 'personId=p1', 'unitId=u1'),
    subOf('role=authority', 'region=360100', 'industry=health'),
    subOf('role=unit', 'unitId=u1', 'sub=hr-alice'),
    subOf('role=professional', 'personId=a-b', 'unitId=c'),
    subOf('role=professional', 'personId=a', 'unitId=b-c'),
  ]).toEqual(['institution:inst1:cli', 'institution:inst2:cli', 'professional:p1:u1:cli', 'authority:360100:health:cli', 'hr-alice', 'professional:a-b:c:cli', 'professional:a:b-c:cli']);
  // Ids at their longest would make a default over the 128 characters a token's sub may hold: say so.
  const long = token('role=professional', `personId=${'p'.repeat(64)}`, `unitId=${'u'.repeat(64)}`);
  expect([long.status, long.stdout, long.stderr.trim()]).toEqual([1, '', 'the default sub (146 characters: the role and its scope claims) is longer than the 128 a token may carry: give sub=']);
  // Asked for help it says how; given nothing, it says so, with the same usage.
  const help = token('--help');
  expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('usage: npm run token -- role=<role>')]);
  const nothing = token();
  expect([nothing.status, nothing.stdout, nothing.stderr]).toEqual([1, '', expect.stringMatching(/^no claims given\nusage: npm run token/)]);
});

it('npm run token without a secret names where it looked for the development secret (exit 2)', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: join(dataDir, 'elsewhere') };
  delete env.AUTH_JWT_SECRET;
  const run = spawnSync(process.execPath, ['dist/apps/api/src/cli/issue-token.js', 'role=authority', 'region=360000'], { cwd: ROOT, env, encoding: 'utf8' });
  expect([run.status, run.stdout, run.stderr.trim()]).toEqual([2, '', `AUTH_JWT_SECRET is not set, and there is no development secret in ${join(dataDir, 'elsewhere', 'dev-jwt-secret')} (npm start keeps it in its DATA_DIR: give the same DATA_DIR)`]);
});

it.each(['verify-chain', 'projections-rebuild'])('%s takes no arguments: --help says what it does, anything else is refused before a store is opened', (name) => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [`dist/apps/worker/src/cli/${name}.js`, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, EVENT_STORE: 'sqlite', DATABASE_URL: '' }, encoding: 'utf8' });
  const help = cli('--help');
  expect([help.status, help.stdout, help.stderr]).toEqual([0, expect.stringMatching(/^usage: npm run (verify-chain|projections:rebuild) {3}\(in the Docker image: node dist\/apps\/worker\/src\/cli\/[a-z-]+\.js\)\n/), '']);
  const wrong = cli('--all');
  expect([wrong.status, wrong.stdout, wrong.stderr]).toEqual([1, '', expect.stringMatching(/^unexpected argument --all: this command takes none\nusage: /)]);
  // Nothing was opened, so nothing was made: the store files are not there.
  expect(readdirSync(dataDir)).toEqual([]);
});

it('the embedded default prints its development secret, keeps it across restarts, and stops on SIGTERM', async () => {
  const env: Record<string, string> = { DATA_DIR: dataDir, AUTH_JWT_SECRET: '' };
  const first = await startServer(env);
  first.child.kill('SIGTERM');
  await first.exited;
  const kept = readFileSync(join(dataDir, 'dev-jwt-secret'), 'utf8').trim();
  expect(kept.length).toBeGreaterThanOrEqual(32);
  const second = await startServer(env);
  try {
    expect(second.output()).toContain(kept);
    const health = await fetch(`${second.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    // `npm run token` without AUTH_JWT_SECRET signs with the secret kept in DATA_DIR: the server takes it.
    const cli = spawnSync(process.execPath, ['dist/apps/api/src/cli/issue-token.js', 'role=authority', 'region=360000'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, AUTH_JWT_SECRET: '' }, encoding: 'utf8' });
    expect(cli.status).toBe(0);
    const put = await fetch(`${second.baseUrl}/api/units/u1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${cli.stdout.trim()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Unit One', region: '360102', industry: 'general' }),
    });
    expect(put.status).toBe(200);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
  expect(second.child.signalCode ?? second.child.exitCode).not.toBeNull();
  expect(second.output()).toContain('SIGTERM: shutting down');
}, 60_000);

it('logs, as JSON lines, what it runs on once it listens (kinds and names, never a URL), that it shuts down, and that its stores closed — and none of Nest\'s per-route start-up lines at info', async () => {
  const server = await startServer({ DATA_DIR: dataDir, AUTH_JWT_SECRET: 'start-up-test-secret-0123456789-abcdefgh', LOG_LEVEL: 'info' });
  server.child.kill('SIGTERM');
  await server.exited;
  const lines = server.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const port = Number(new URL(server.baseUrl).port);
  expect(lines.find((l) => l.msg === 'listening')).toMatchObject({ level: 30, port, eventStore: 'sqlite', readModels: 'sqlite', jobs: 'in-process', runWorker: true, dataDir, ruleSets: expect.stringMatching(/^jx-2023-trial@1#[0-9a-f]{12}$/), ruleSetMapping: expect.stringMatching(/^[0-9a-f]{12}$/) });
  expect(lines.filter((l) => ['shutting down', 'stores closed; the process stops', 'exits'].includes(l.msg as string)).map((l) => [l.msg, l.signal])).toEqual([['shutting down', 'SIGTERM'], ['stores closed; the process stops', 'SIGTERM']]);
  expect(lines.filter((l) => ['RouterExplorer', 'RoutesResolver', 'InstanceLoader'].includes(l.context as string))).toEqual([]);
}, 60_000);

it('logs one JSON line per request: the route pattern (never the URL, which holds person ids), the status and, for a failure, its error code (and for a refused token, why)', async () => {
  const server = await startServer({ DATA_DIR: dataDir, AUTH_JWT_SECRET: 'start-up-test-secret-0123456789-abcdefgh', LOG_LEVEL: 'info' });
  try {
    expect((await fetch(`${server.baseUrl}/api/persons/person-secret-9/years/2024`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
    // A path the router cannot read is answered outside the routes, and logged all the same.
    expect((await fetch(`${server.baseUrl}/api/persons/person-secret-9%ZZ/years/2024`)).status).toBe(401);
    const requests = () => server.output().split('\n').filter((line) => line.includes('"msg":"request"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    // The line is written once the answer is sent: wait for all three (no fixed sleep).
    while (requests().length < 3) await new Promise((resolve) => setImmediate(resolve));
    expect(requests()).toEqual([
      // A refused token's line says why (the 401's message, naming no claim's value).
      expect.objectContaining({ method: 'GET', route: '/api/persons/:personId/years/:year', status: 401, code: 'UNAUTHENTICATED', reason: 'an Authorization: Bearer token is required' }),
      expect.objectContaining({ method: 'GET', route: '/api/health', status: 200 }),
      expect.objectContaining({ method: 'GET', route: 'unreadable', status: 401, code: 'UNAUTHENTICATED' }),
    ]);
    expect(requests()[1]).not.toHaveProperty('code');
    expect(server.output()).not.toContain('person-secret-9');
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}, 60_000);

it('logs a JSON line when a job starts and when it completes: its id, name, attempt, duration and counts (the sweep run at start-up)', async () => {
  const server = await startServer({ DATA_DIR: dataDir, AUTH_JWT_SECRET: 'start-up-test-secret-0123456789-abcdefgh', LOG_LEVEL: 'info' });
  try {
    await server.printed('"msg":"job completed"');
    const lines = server.output().split('\n').filter((line) => line.includes('"context":"jobs"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const run = { jobId: expect.stringMatching(/^promotion-delay-sweep:start:\d{4}-\d\d-\d\dT\d\d$/), job: 'promotion-delay-sweep', attempt: 1 };
    expect(lines).toEqual([
      expect.objectContaining({ ...run, msg: 'job started' }),
      expect.objectContaining({ ...run, msg: 'job completed', ms: expect.any(Number), result: { recorded: 0 } }),
    ]);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}, 60_000);

/** How many databases the test Redis has (CONFIG GET databases): the first index it refuses. */
async function configuredDatabases(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    return Number(((await client.config('GET', 'databases')) as string[])[1]);
  } finally {
    client.disconnect();
  }
}

it('on SIGTERM, requests already on their way — on idle keep-alive connections and on new ones — are answered (200, or 503 with the connection closed), none reset', async () => {
  // A grace far longer than the requests below take to arrive: they are sent as soon as the signal is seen.
  const server = await startServer({ DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '3000' });
  const get = (agent: Agent) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${server.baseUrl}/api/health`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const keptAlive = new Agent({ keepAlive: true, maxSockets: 8 });
  const fresh = new Agent({ keepAlive: false });
  try {
    expect(await Promise.all(Array.from({ length: 8 }, () => get(keptAlive)))).toEqual(Array(8).fill(200));
    server.child.kill('SIGTERM');
    await server.printed('SIGTERM: shutting down');
    const answers = await Promise.allSettled([...Array.from({ length: 8 }, () => get(keptAlive)), ...Array.from({ length: 8 }, () => get(fresh))]);
    for (const answer of answers) {
      expect(answer.status).toBe('fulfilled');
      expect([200, 503]).toContain((answer as PromiseFulfilledResult<number>).value);
    }
    // It stops on its own, after the grace, within the shutdown deadline.
    await server.exited;
    expect(server.output()).not.toContain('shutdown took longer');
  } finally {
    keptAlive.destroy();
    fresh.destroy();
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
}, 30_000);
