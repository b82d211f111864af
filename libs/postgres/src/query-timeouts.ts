import { Client, type ClientConfig } from 'pg';

/**
 * How long a PostgreSQL statement may take. The server cancels one still running after
 * `queryTimeoutMs` (statement_timeout, SQLSTATE 57014: nothing of it committed); the client gives
 * up a query whose answer has not come a second later (node-postgres's query_timeout: "Query read
 * timeout") — a server gone silent on an open connection, which would otherwise hold the request
 * for as long as the operating system keeps the connection (many minutes). Both answer 503.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
/** The client waits this much longer than the server, so that a slow statement is cancelled on the server first. */
const CLIENT_MARGIN_MS = 1000;

export function queryTimeouts(queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS): { statement_timeout: number; query_timeout: number } {
  if (!Number.isSafeInteger(queryTimeoutMs) || queryTimeoutMs < 1) throw new RangeError(`queryTimeoutMs must be a whole number of ms ≥ 1, got ${queryTimeoutMs}`);
  return { statement_timeout: queryTimeoutMs, query_timeout: queryTimeoutMs + CLIENT_MARGIN_MS };
}

/**
 * node-postgres gave up waiting for a query's answer (query_timeout). The statement may still be
 * running on the server, or the server may never answer: the connection is not to be used again —
 * not even for a ROLLBACK or an unlock, which would queue behind the unanswered statement and hold
 * the request for another whole timeout. Discarding it ends the session, and with it the
 * transaction and the session's locks.
 */
export function isQueryReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/**
 * How long a migration's statement may go unanswered before the client gives up: a server that
 * went silent at start-up then fails the start (a supervisor starts it again) instead of hanging it.
 * It bounds a wait for another opener's migration too (the advisory lock is one statement).
 */
export const MIGRATION_QUERY_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs `work` on a connection of its own, opened with the pool's settings but not the requests'
 * statement bound: a migration may wait for another process's (under advisory locks), and a step
 * may take long; neither may be cut off half-way by a timeout meant for requests (nor by a default
 * the database or role sets). Only a server silent for MIGRATION_QUERY_TIMEOUT_MS ends it. Lock
 * waits have no bound here either (the advisory lock another opener's migration holds); the steps'
 * own are bounded by migrateVersionedSchema, which gives way and tries again.
 */
export async function withMigrationConnection<T>(config: ClientConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const { statement_timeout: _requestsBound, ...rest } = config;
  const client = new Client({ ...rest, query_timeout: MIGRATION_QUERY_TIMEOUT_MS });
  // A connection lost meanwhile also fails the statement in flight, which reports it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query("SELECT set_config('statement_timeout', '0', false), set_config('lock_timeout', '0', false)");
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
