/**
 * Whether an error says that a store did not answer — a connection refused, lost or timed out, a
 * server shutting down or full — rather than that the request or the code is wrong. Such a
 * failure answers 503 (try again), not 500: nothing is wrong with the request, and the client
 * cannot tell a retryable outage from a bug otherwise. Drivers report it in their own words:
 * node-postgres by Node's socket codes, SQLSTATE classes or bare messages; SQLite by SQLITE_BUSY;
 * the EventStoreDB client by its command errors' `type` (gRPC UNAVAILABLE, DEADLINE_EXCEEDED or
 * ABORTED, or a node that is not the cluster's leader).
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * admin_shutdown, crash_shutdown, cannot_connect_now, database_dropped, idle_session_timeout and
 * idle_in_transaction_session_timeout (the server ended the session: a connection left silent by a
 * network that stopped forwarding, its transaction rolled back; checked-out.ts's list),
 * too_many_connections, query_canceled (a statement past DATABASE_QUERY_TIMEOUT_MS: a server too
 * busy to answer in time), and the connection exceptions of class 08 — but not 08P01
 * (protocol_violation: a wrong number of bind parameters, a bug in the code, which must stay a
 * logged 500).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P04', '57P05', '25P03', '57014', '53300', '08000', '08001', '08003', '08004', '08006']);
/**
 * node-postgres losing or failing its connection (no code), its pool not connecting within
 * connectionTimeoutMillis (a server that does not answer; also a pool whose clients are all busy:
 * load to shed, so a 503 as well), or a query unanswered within its query_timeout (a server gone
 * silent on an open connection); the EventStoreDB client finding no node of its cluster (its
 * discovery, with several hosts or esdb+discover, fails with a bare Error); an EventStoreDB
 * server that does not handle an append (BatchAppend answers "Server Is Busy", "Server Is Not
 * Ready", or — a node that is not the leader, during an election — "No leader info available in
 * response", with no error detail, which the client can only report as an UnknownError, "Could
 * not recognize …"; the unary append of a server without BatchAppend gets the same election
 * answer as a bare gRPC UNKNOWN status, "2 UNKNOWN: No leader info …").
 */
const MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Query read timeout|Failed to discover after \d+ attempts|Could not recognize (Server Is Busy|Server Is Not Ready|No leader info available in response)$|\d+ UNKNOWN: No leader info available in response$)/;
/** The client's command error types: gRPC UNAVAILABLE, DEADLINE_EXCEEDED, a node not the leader. */
const ESDB_TYPES = new Set(['unavailable', 'deadline-exceeded', 'not-leader']);
/**
 * The client's `timeout`: gRPC ABORTED (code 10), the server's "Operation timed out" — an append's
 * outcome unknown, like any lost answer. (A server timeout of a BatchAppend comes as
 * deadline-exceeded; this is the unary append's.) Told by its code too: `timeout` alone is a word
 * any library may use.
 */
const ESDB_ABORTED = { type: 'timeout', code: 10 };

export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, cause, type } = error as { code?: unknown; message?: unknown; cause?: unknown; type?: unknown };
  if (typeof type === 'string' && ESDB_TYPES.has(type)) return true;
  if (type === ESDB_ABORTED.type && code === ESDB_ABORTED.code) return true;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || code === 'SQLITE_BUSY')) return true;
  if (typeof message === 'string' && MESSAGES.test(message)) return true;
  // AggregateError (a host with several addresses, every one refused) and wrapped errors.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0 && inner.every((e) => isStoreUnavailable(e, depth + 1))) return true;
  return cause !== undefined && isStoreUnavailable(cause, depth + 1);
}

/**
 * Whether an error says that a store has no room for a write: SQLite's SQLITE_FULL ("database or
 * disk is full": the disk, or the file's page limit) and PostgreSQL's disk_full (53100). The write
 * was refused whole (SQLite rolls the append back, alone or with its group; PostgreSQL the
 * statement's transaction), the store still answers reads, and writes succeed again once space is
 * freed: a 503 for the client, an incident for the operator, not a bug. (PostgreSQL out of room
 * for its WAL stops the server instead: that is a store not answering.)
 */
export function isStoreFull(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (code === 'SQLITE_FULL' || code === '53100') return true;
  return cause !== undefined && isStoreFull(cause, depth + 1);
}
