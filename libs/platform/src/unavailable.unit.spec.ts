import { isStoreUnavailable } from './unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('a store that does not answer, told from a request or code that is wrong', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a host not found', withCode('ENOTFOUND')],
    ['PostgreSQL shutting down (57P01)', withCode('57P01')],
    ['PostgreSQL starting up (57P03)', withCode('57P03')],
    ['too many connections (53300)', withCode('53300')],
    ['a connection exception (class 08)', withCode('08006')],
    ['SQLite busy beyond its timeout', withCode('SQLITE_BUSY')],
    ['node-postgres losing its connection', new Error('Connection terminated unexpectedly')],
    ['node-postgres timing out a connection', new Error('Connection terminated due to connection timeout')],
    ['node-postgres\'s pool not connecting in time', new Error('timeout exceeded when trying to connect')],
    ['every address of a host refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
    ['an outage wrapped as a cause', new Error('append failed', { cause: withCode('ECONNRESET') })],
  ])('%s is unavailable', (_what, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a syntax error (42601)', withCode('42601')],
    ['a protocol violation (08P01: wrong bind parameters, a bug)', withCode('08P01')],
    ['better-sqlite3 used after close (a bug: shutdown has its own error)', new Error('The database connection is not open')],
    ['a unique violation (23505)', withCode('23505')],
    ['SQLite constraint', withCode('SQLITE_CONSTRAINT')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['an aggregate with one real failure', new AggregateError([withCode('ECONNREFUSED'), new Error('boom')])],
  ])('%s is not', (_what, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});
