/**
 * RULE_SETS_FILE through the built processes (Art. 15): the API's statements, its in-process
 * projections and `npm run projections:rebuild` all evaluate a field's year under the rule set the
 * file maps to it; a wrong file stops each of them, named.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenSigner } from './support/embedded-files';
import { caller, eventually } from './support/split-stack';
import { requireBuild, startServer, type ServerProcess } from './support/server-process';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'rule-sets.example.json');
const SECRET = 'rule-sets-file-e2e-secret-0123456789abcdef';
const sign = tokenSigner(SECRET, 'rule-sets-file');
/** This year in China (UTC+8), whatever day the suite runs: still open, and covered by the example's mapping (from 2025). */
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

let dataDir: string;
let api: ServerProcess | undefined;
const call = caller(() => api!);
beforeAll(() => requireBuild());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'jx-rule-sets-file-'));
});
afterEach(async () => {
  if (api !== undefined) {
    api.child.kill('SIGTERM');
    await api.exited;
    api = undefined;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({ DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, RULE_SETS_FILE: EXAMPLE, ...extra });
const rebuild = (extra: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['dist/apps/worker/src/cli/projections-rebuild.js'], { cwd: ROOT, env: { ...process.env, EVENT_STORE: 'sqlite', DATABASE_URL: '', REDIS_URL: '', ...env(extra) }, encoding: 'utf8', timeout: 60_000 });

it('a health unit\'s year is judged under the health rule set the file maps (70 professional hours) by the statement, the report and a rebuild', async () => {
  api = await startServer(env());
  const authority = await sign({ role: 'authority', region: '360000' });
  const institution = await sign({ role: 'institution', institutionId: 'i1' });
  expect((await call('PUT', '/api/units/uh', authority, { name: 'Hospital', region: '360102', industry: 'health' })).status).toBe(200);
  const path = `/api/persons/p1/years/${YEAR}`;
  const register = (activityId: string, subject: string, hours: number) =>
    call('POST', `${path}/activities`, institution, { activityId, category: '8.1', subject, title: 'course', completedOn: `${YEAR}-01-01`, measure: { hours }, unitId: 'uh' });
  expect((await register('pub', 'public', 30)).status).toBe(201);
  expect((await register('pro', 'professional', 60)).status).toBe(201);

  const statement = await call('GET', path, authority);
  expect(statement.body).toMatchObject({ field: 'health', ruleSet: 'jx-2025-health-example', requirement: { public: 30, professional: 70, total: 100 }, compliant: false, shortfall: { public: 0, professional: 10 } });
  // Under the shipped rules the same year would be compliant: the file is what decides.
  const whatIf = await call('GET', `${path}?ruleSet=jx-2023-trial`, authority);
  expect(whatIf.body).toMatchObject({ ruleSet: 'jx-2023-trial', compliant: true });
  const report = () => call('GET', `/api/reports/compliance?year=${YEAR}`, authority);
  expect((await eventually(report, (r) => r.body.personYears === 1)).body).toMatchObject({ compliant: 0, nonCompliant: 1 });

  api.child.kill('SIGTERM');
  await api.exited;
  api = undefined;
  const rebuilt = rebuild();
  expect(rebuilt.stderr).toBe('');
  expect(rebuilt.status).toBe(0);
  api = await startServer(env());
  expect((await report()).body).toMatchObject({ personYears: 1, compliant: 0, nonCompliant: 1 });
}, 60_000);

it('started with other rule sets than its read models were derived under, the API warns until they are rebuilt under those in force', async () => {
  api = await startServer(env());
  const authority = await sign({ role: 'authority', region: '360000' });
  const institution = await sign({ role: 'institution', institutionId: 'i1' });
  await call('PUT', '/api/units/uh', authority, { name: 'Hospital', region: '360102', industry: 'health' });
  for (const [activityId, subject, hours] of [['pub', 'public', 30], ['pro', 'professional', 60]] as const) {
    await call('POST', `/api/persons/p1/years/${YEAR}/activities`, institution, { activityId, category: '8.1', subject, title: 'course', completedOn: `${YEAR}-01-01`, measure: { hours }, unitId: 'uh' });
  }
  const report = () => call('GET', `/api/reports/compliance?year=${YEAR}`, authority);
  await eventually(report, (r) => r.body.nonCompliant === 1);
  const restart = async (extra: Record<string, string>) => {
    api!.child.kill('SIGTERM');
    await api!.exited;
    api = await startServer(env(extra));
  };
  const WARNING = 'the read models were derived under other rule sets than those in force';
  await restart({});
  expect(api.output()).not.toContain(WARNING);
  // The shipped rules (no file): the year is compliant now, but its row in the report is not.
  await restart({ RULE_SETS_FILE: '' });
  await api.printed(WARNING);
  expect((await call('GET', `/api/persons/p1/years/${YEAR}`, authority)).body.compliant).toBe(true);
  expect((await report()).body).toMatchObject({ compliant: 0, nonCompliant: 1 });
  api.child.kill('SIGTERM');
  await api.exited;
  api = undefined;
  expect(rebuild({ RULE_SETS_FILE: '' }).status).toBe(0);
  api = await startServer(env({ RULE_SETS_FILE: '' }));
  expect((await report()).body).toMatchObject({ compliant: 1, nonCompliant: 0 });
  expect(api.output()).not.toContain(WARNING);
}, 60_000);

it.each([
  ['the API', ['dist/apps/api/src/main.js']],
  ['the worker', ['dist/apps/worker/src/main.js']],
  ['projections:rebuild', ['dist/apps/worker/src/cli/projections-rebuild.js']],
])('%s stops at start with RULE_SETS_FILE and the field at fault named (exit 78)', (_name, args) => {
  const bad = join(dataDir, 'rule-sets.json');
  writeFileSync(bad, JSON.stringify({ ruleSets: [{ id: 'x', version: '1', title: 'x', effectiveFrom: '2025-01-01', extends: 'jx-2023-trial', items: { '9.1': { cap: 40.125 } } }] }));
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env({ RULE_SETS_FILE: bad, PORT: '0' }) }, encoding: 'utf8', timeout: 30_000 });
  expect(run.status).toBe(78);
  expect(run.stderr).toContain('RULE_SETS_FILE ruleSets.0 (rule set "x"): items.9.1.cap: at most 2 decimals');
});

it('npm run rule-sets:check: a file that loads prints what it puts in force (exit 0); one that does not, each problem (exit 1), before any restart meets it', () => {
  const check = (...args: string[]) => spawnSync(process.execPath, ['dist/apps/worker/src/cli/check-rule-sets.js', ...args], { cwd: ROOT, env: { ...process.env, RULE_SETS_FILE: '' }, encoding: 'utf8', timeout: 30_000 });
  const good = check(EXAMPLE);
  expect(good.status).toBe(0);
  expect(good.stdout).toContain('health: from 2023 jx-2023-trial; from 2025 jx-2025-health-example\n');
  expect(good.stdout).toContain(`OK: ${EXAMPLE} loads\n`);
  const bad = join(dataDir, 'rule-sets.json');
  writeFileSync(bad, JSON.stringify({ mapping: [{ field: 'health', fromYear: 2025, ruleSet: 'jx-2025-health' }] }));
  const refused = check(bad);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toBe('RULE_SETS_FILE mapping.0.ruleSet: unknown rule set "jx-2025-health"\n');
  expect(check(EXAMPLE, 'extra').status).toBe(1);
});
