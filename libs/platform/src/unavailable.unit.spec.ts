import { UnknownError, convertToCommandError } from '@eventstore/db-client';
import { sqliteFullError } from './testing/sqlite-full';
import { isStoreFull, isStoreUnavailable } from './unavailable';

/** gRPC status codes (grpc.status). */
const status = { UNKNOWN: 2, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, PERMISSION_DENIED: 7, FAILED_PRECONDITION: 9, ABORTED: 10, UNAVAILABLE: 14 } as const;
type StatusName = keyof typeof status;

/** What the EventStoreDB client throws for a gRPC failure: its own conversion, as the adapter sees it. */
/** A gRPC status error as grpc-js makes it ("14 UNAVAILABLE: details"), through the client's conversion. */
function esdbError(code: (typeof status)[StatusName], exception: Record<string, string> = {}, details = 'd'): Error {
  const metadata = { getMap: () => exception, get: (key: string) => (key in exception ? [exception[key]] : []) };
  const name = (Object.keys(status) as StatusName[]).find((key) => status[key] === code);
  return convertToCommandError(Object.assign(new Error(`${code} ${name}: ${details}`), { code, details, metadata }) as never) as Error;
}

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('a store that does not answer, told from a request or code that is wrong', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a host not found', withCode('ENOTFOUND')],
    ['PostgreSQL shutting down (57P01)', withCode('57P01')],
    ['PostgreSQL starting up (57P03)', withCode('57P03')],
    ['a session the server ended for its idle_session_timeout (57P05)', withCode('57P05')],
    ['a session the server ended for its idle_in_transaction_session_timeout (25P03)', withCode('25P03')],
    ['the database dropped under the session (57P04)', withCode('57P04')],
    ['too many connections (53300)', withCode('53300')],
    ['a statement cancelled past its statement_timeout (57014)', withCode('57014')],
    ['node-postgres giving up a query its server left unanswered (query_timeout)', new Error('Query read timeout')],
    ['a connection exception (class 08)', withCode('08006')],
    ['SQLite busy beyond its timeout', withCode('SQLITE_BUSY')],
    ['node-postgres losing its connection', new Error('Connection terminated unexpectedly')],
    ['node-postgres timing out a connection', new Error('Connection terminated due to connection timeout')],
    ['node-postgres\'s pool not connecting in time', new Error('timeout exceeded when trying to connect')],
    ['every address of a host refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
    ['an outage wrapped as a cause', new Error('append failed', { cause: withCode('ECONNRESET') })],
    ['EventStoreDB unavailable (gRPC UNAVAILABLE)', esdbError(status.UNAVAILABLE)],
    ['EventStoreDB past its deadline', esdbError(status.DEADLINE_EXCEEDED)],
    ['no EventStoreDB node found by cluster discovery (several hosts, or esdb+discover)', new Error('Failed to discover after 10 attempts.')],
    ['an EventStoreDB read or append past the adapter\'s own deadline', Object.assign(new Error('EventStoreDB did not finish a read within 30000 ms'), { type: 'deadline-exceeded' })],
    ['an EventStoreDB server too busy for an append (as the client reports its BatchAppend answer)', new UnknownError(undefined, 'Could not recognize Server Is Busy')],
    ['an EventStoreDB server not ready for an append (starting, or catching up)', new UnknownError(undefined, 'Could not recognize Server Is Not Ready')],
    ['an EventStoreDB node not the leader that knows no leader for an append (an election)', new UnknownError(undefined, 'Could not recognize No leader info available in response')],
    ['an EventStoreDB unary append (a server without BatchAppend) during an election', esdbError(status.UNKNOWN, {}, 'No leader info available in response')],
    ['an EventStoreDB operation the server aborted (its own timeout)', esdbError(status.ABORTED)],
    ['an EventStoreDB node that is not the leader', esdbError(status.NOT_FOUND, { exception: 'not-leader', 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' })],
  ])('%s is unavailable', (_what, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a syntax error (42601)', withCode('42601')],
    ['a protocol violation (08P01: wrong bind parameters, a bug)', withCode('08P01')],
    ['better-sqlite3 used after close (a bug: shutdown has its own error)', new Error('The database connection is not open')],
    ['a unique violation (23505)', withCode('23505')],
    ['SQLite constraint', withCode('SQLITE_CONSTRAINT')],
    ['EventStoreDB wrong expected version', esdbError(status.FAILED_PRECONDITION, { exception: 'wrong-expected-version', 'stream-name': 's', 'expected-version': '1', 'actual-version': '2' })],
    ['EventStoreDB access denied', esdbError(status.PERMISSION_DENIED, { exception: 'access-denied' })],
    ['an EventStoreDB refusal the client does not know otherwise', new UnknownError(undefined, 'Could not recognize Unknown NotHandledReason (7)')],
    ['a plain error', new Error('boom')],
    ['another library’s timeout (no gRPC ABORTED code)', Object.assign(new Error('t'), { type: 'timeout' })],
    ['not an error', 'ECONNREFUSED'],
    ['an aggregate with one real failure', new AggregateError([withCode('ECONNREFUSED'), new Error('boom')])],
  ])('%s is not', (_what, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});

describe('a store with no room for a write, told from one that does not answer', () => {
  it('SQLite full (SQLITE_FULL, "database or disk is full") is full, and not "not answering"', () => {
    const full = sqliteFullError();
    expect(full).toMatchObject({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    expect([isStoreFull(full), isStoreUnavailable(full)]).toEqual([true, false]);
  });

  it('PostgreSQL disk_full (53100) is full, also as a cause', () => {
    expect(isStoreFull(withCode('53100', 'could not extend file "base/16384/16385": No space left on device'))).toBe(true);
    expect(isStoreFull(new Error('append failed', { cause: withCode('53100') }))).toBe(true);
  });

  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['SQLite busy', withCode('SQLITE_BUSY')],
    ['an SQLite I/O error (not known to be space)', withCode('SQLITE_IOERR_WRITE')],
    ['PostgreSQL out of memory (53200)', withCode('53200')],
    ['a plain error', new Error('database or disk is full')],
    ['not an error', 'SQLITE_FULL'],
  ])('%s is not', (_what, error) => {
    expect(isStoreFull(error)).toBe(false);
  });
});
