/**
 * The same API with events and read models in PostgreSQL (EVENT_STORE=postgres), against the real server at
 * DATABASE_URL (default: the local test database). Fails, never skips, when PostgreSQL is down.
 */
import { randomBytes } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { newEvent } from '../libs/event-store/src/testing';
import { TcpProxy } from '../libs/jobs/src/testing/tcp-proxy';
import { world, type World } from './support/fixtures';
import { itKeepsCommandsOnThisStore } from './support/store-wiring';
import { startTestApp, type TestApp } from './support/test-app';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `jx_e2e_${randomBytes(4).toString('hex')}`;
let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startTestApp({ now: '2024-06-01T02:00:00.000Z', env: { EVENT_STORE: 'postgres', DATABASE_URL, EVENT_STORE_SCHEMA: schema, READ_MODELS_SCHEMA: `${schema}_rm` } });
  w = await world(t);
}, 30_000);
afterAll(async () => {
  await t?.close();
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS ${schema}_rm CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS ${schema}_rm_b CASCADE`);
  // What a maintenance command would have created on a mistyped schema, had it (the test below).
  for (const suffix of ['_typo', '_typo_rm', '_typo_rm_b']) await client.query(`DROP SCHEMA IF EXISTS ${schema}${suffix} CASCADE`);
  await client.end();
});

itKeepsCommandsOnThisStore('PostgreSQL', () => ({ t, w }));

describe('maintenance commands on PostgreSQL', () => {
  const cli = (name: string, env: Record<string, string>) =>
    promisify(execFile)(process.execPath, [join(__dirname, '..', 'dist/apps/worker/src/cli', `${name}.js`)], { env: { ...process.env, EVENT_STORE: 'postgres', DATABASE_URL, ...env } }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  const schemaExists = async (name: string) => {
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      return (await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [name])).rowCount === 1;
    } finally {
      await client.end();
    }
  };

  it('verify-chain checks the store EVENT_STORE_SCHEMA names; a schema holding none fails naming EVENT_STORE_SCHEMA (exit 1) and is not created — never a false OK', async () => {
    const sound = await cli('verify-chain', { EVENT_STORE_SCHEMA: schema });
    expect([sound.code, sound.stdout]).toEqual([0, expect.stringMatching(/^OK: [1-9]\d* streams/m)]);
    const typo = `${schema}_typo`;
    for (const name of ['verify-chain', 'projections-rebuild']) {
      const refused = await cli(name, { EVENT_STORE_SCHEMA: typo, READ_MODELS_SCHEMA: `${typo}_rm` });
      expect([name, refused.code, refused.stderr.trim()]).toEqual([name, 1, `EVENT_STORE_SCHEMA: schema ${typo} holds no event store`]);
    }
    expect([await schemaExists(typo), await schemaExists(`${typo}_rm`)]).toEqual([false, false]);
  }, 60_000);

  it('verify-chain losing PostgreSQL mid-way says which store, after how many streams, and that the check is incomplete (exit 1, never a verdict)', async () => {
    for (let i = 0; i < 400; i++) await t.store.append(`unit-vc${i}`, [newEvent('UnitRegistered', { i })], -1);
    const { proxy, url } = await TcpProxy.forUrl(DATABASE_URL, 5432);
    try {
      const child = spawn(process.execPath, [join(__dirname, '..', 'dist/apps/worker/src/cli/verify-chain.js')], { env: { ...process.env, EVENT_STORE: 'postgres', DATABASE_URL: url, EVENT_STORE_SCHEMA: schema } });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const started = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), stdout.includes('verifying hash chains') && resolve())));
      const exited = once(child, 'exit');
      await started;
      await proxy.cut();
      const [code] = await exited;
      expect(code).toBe(1);
      expect(stderr).toMatch(/^verify-chain stopped after \d+ streams: the event store \(EVENT_STORE=postgres\) could not be read: .+ The check is incomplete .+ run it again once the store answers\.$/m);
      expect(stdout).not.toMatch(/^(OK|BROKEN):/m);
    } finally {
      await proxy.cut().catch(() => undefined); // cut already, unless the test failed before
    }
  }, 60_000);
});
