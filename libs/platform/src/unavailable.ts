/**
 * Whether an error says that a store did not answer — a connection refused, lost or timed out, a
 * server shutting down or full — rather than that the request or the code is wrong. Such a
 * failure answers 503 (try again), not 500: nothing is wrong with the request, and the client
 * cannot tell a retryable outage from a bug otherwise. Drivers report it in their own words:
 * node-postgres by Node's socket codes, SQLSTATE classes or bare messages; SQLite by SQLITE_BUSY.
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; class 08 is tested apart. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|The database connection is not open)/;

export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || code === 'SQLITE_BUSY')) return true;
  if (typeof message === 'string' && MESSAGES.test(message)) return true;
  // AggregateError (a host with several addresses, every one refused) and wrapped errors.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0 && inner.every((e) => isStoreUnavailable(e, depth + 1))) return true;
  return cause !== undefined && isStoreUnavailable(cause, depth + 1);
}
