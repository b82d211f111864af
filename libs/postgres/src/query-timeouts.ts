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
