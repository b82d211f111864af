/**
 * The API in-process with events and read models in PostgreSQL reached through a TCP forwarder,
 * so that a test can cut PostgreSQL off or make it fall silent; schemas of its own, dropped after.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TcpProxy } from '../../libs/jobs/src/testing/tcp-proxy';
import { world, type World } from './fixtures';
import { startTestApp, type TestApp } from './test-app';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ForwardedApp {
  proxy: TcpProxy;
  t: TestApp;
  w: World;
  /** The event store's schema (the read models': with `_rm`). */
  schema: string;
}

export async function startForwardedApp(prefix: string, env: Record<string, string> = {}): Promise<ForwardedApp> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const { proxy, url } = await TcpProxy.forUrl(DATABASE_URL, 5432);
  const t = await startTestApp({ now: '2024-06-01T02:00:00.000Z', env: { EVENT_STORE: 'postgres', DATABASE_URL: url, EVENT_STORE_SCHEMA: schema, READ_MODELS_SCHEMA: `${schema}_rm`, ...env } });
  return { proxy, t, w: await world(t), schema };
}

/** Closes the app (with PostgreSQL reachable again, should a test have left it cut), then drops its schemas. */
export async function stopForwardedApp(app: ForwardedApp | undefined): Promise<void> {
  if (app === undefined) return;
  await app.proxy.resume().catch(() => undefined); // listening already: it was not cut
  await app.t.close();
  await app.proxy.cut();
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    for (const s of [app.schema, `${app.schema}_rm`, `${app.schema}_rm_b`]) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await client.end();
  }
}
