/**
 * The e2e suites of the workflow run a second time on the production stack's stores (the jest
 * project `e2e-production`, or `JX_E2E_STACK=production` by hand): events and read models in
 * PostgreSQL, jobs through BullMQ on Redis — the same code by configuration alone (API.md
 * "Running"). An app's schemas and queue are named after its DATA_DIR within this run, so a restart
 * on the same DATA_DIR finds them again; they go when the app that made its DATA_DIR closes, and
 * the run's global teardown sweeps what is left (an app closed without it, a run cut short).
 */
import { basename } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function onProductionStack(): boolean {
  return (globalThis as { JX_E2E_STACK?: string }).JX_E2E_STACK === 'production' || process.env.JX_E2E_STACK === 'production';
}

/** The run's prefix (set by the project's global setup; by hand, one per process). */
export function runPrefix(): string {
  process.env.JX_E2E_RUN ??= Math.random().toString(16).slice(2, 8);
  return `jxp_${process.env.JX_E2E_RUN}_`;
}

const tagOf = (dataDir: string): string => `${runPrefix()}${basename(dataDir).replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`.slice(0, 50);

export function productionStackEnv(dataDir: string): Record<string, string> {
  const tag = tagOf(dataDir);
  return { EVENT_STORE: 'postgres', DATABASE_URL, EVENT_STORE_SCHEMA: `${tag}_ev`, READ_MODELS_SCHEMA: `${tag}_rm`, REDIS_URL, JOBS_QUEUE: tag };
}

/** Drops the schemas whose names start with `schemas` and the Redis keys matching `keys`. */
async function drop(schemas: string, keys: string): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)', [schemas]);
    for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', keys, 'COUNT', 1000);
      if (found.length > 0) await redis.del(...found);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Every app's schemas and queue of this run (the global teardown). */
export const dropRun = (): Promise<void> => drop(runPrefix(), `bull:${runPrefix()}*`);

/** One app's schemas and queue: what `close` drops for an app that made its own DATA_DIR. */
export const dropForDataDir = (dataDir: string): Promise<void> => drop(`${tagOf(dataDir)}_`, `bull:${tagOf(dataDir)}:*`);
