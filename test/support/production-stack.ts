/**
 * The e2e suites of the workflow run a second time on the production stack's stores (the jest
 * project `e2e-production`, or `JX_E2E_STACK=production` by hand for the e2e files that use the
 * in-process test app): events and read models in PostgreSQL, jobs through BullMQ on Redis — the
 * same code by configuration alone (API.md "Running"). An app's schemas and queue are named after
 * its DATA_DIR within this run, so a restart on the same DATA_DIR finds them again; they go when
 * the app that made its DATA_DIR closes, and the run's global teardown sweeps what is left (an app
 * given its DATA_DIR by the test). A run cut short (Ctrl-C: no teardown) is swept by a later run's
 * global setup, a day on: the run's id starts with the time it began.
 */
import { basename } from 'node:path';
import Redis from 'ioredis';
import { Client, escapeIdentifier } from 'pg';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A run's id: the time it began (seconds, base 36, 6–7 characters), then 4 random ones. */
const RUN_ID = /^[a-z0-9]{6,7}[a-z0-9]{4}$/;
const STALE_AFTER_S = 24 * 3600;

export function onProductionStack(): boolean {
  return (globalThis as { JX_E2E_STACK?: string }).JX_E2E_STACK === 'production' || process.env.JX_E2E_STACK === 'production';
}

export function newRunId(): string {
  return Math.floor(Date.now() / 1000).toString(36) + Math.random().toString(36).slice(2, 6).padEnd(4, '0');
}

/** The run's prefix: JX_E2E_RUN, which the e2e projects' global setups set for their workers. */
export function runPrefix(): string {
  const run = (process.env.JX_E2E_RUN ||= newRunId());
  if (!RUN_ID.test(run)) throw new Error(`JX_E2E_RUN must be a run id like ${newRunId()} (the e2e global setup makes one), got ${JSON.stringify(run)}`);
  return `jxp_${run}_`;
}

const tagOf = (dataDir: string): string => `${runPrefix()}${basename(dataDir).replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`.slice(0, 50);

export function productionStackEnv(dataDir: string): Record<string, string> {
  const tag = tagOf(dataDir);
  return { EVENT_STORE: 'postgres', DATABASE_URL, EVENT_STORE_SCHEMA: `${tag}_ev`, READ_MODELS_SCHEMA: `${tag}_rm`, REDIS_URL, JOBS_QUEUE: tag };
}

/** Drops the schemas `which` picks and the Redis keys matching `keys` (a SCAN pattern) that `whichKey` picks. */
async function drop(which: (schema: string) => boolean, keys: string, whichKey: (key: string) => boolean = () => true): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, 'jxp_')");
    for (const { name } of rows.filter((r) => which(r.name))) await client.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(name)} CASCADE`);
  } finally {
    await client.end();
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, scanned] = await redis.scan(cursor, 'MATCH', keys, 'COUNT', 1000);
      const found = scanned.filter(whichKey);
      if (found.length > 0) await redis.del(...found);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Every app's schemas and queue of this run (the global teardown). */
export function dropRun(): Promise<void> {
  const prefix = runPrefix();
  return drop((schema) => schema.startsWith(prefix), `bull:${prefix}*`);
}

/** Runs begun over a day ago that were cut short (their teardown never ran): the global setup. */
export async function dropStaleRuns(): Promise<void> {
  const now = Date.now() / 1000;
  const runOf = (name: string): string | undefined => /^jxp_([a-z0-9]+)_/.exec(name)?.[1];
  const stale = (run: string | undefined): boolean => run !== undefined && RUN_ID.test(run) && now - parseInt(run.slice(0, -4), 36) > STALE_AFTER_S;
  await drop((schema) => stale(runOf(schema)), 'bull:jxp_*', (key) => stale(runOf(key.slice('bull:'.length))));
}

/** One app's schemas and queue: what `close` drops for an app that made its own DATA_DIR. */
export function dropForDataDir(dataDir: string): Promise<void> {
  const tag = tagOf(dataDir);
  const own = new Set([`${tag}_ev`, `${tag}_rm`, `${tag}_rm_b`]);
  return drop((schema) => own.has(schema), `bull:${tag}:*`);
}
