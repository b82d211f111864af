/**
 * A start-up check of REDIS_URL's database. ioredis selects it on connecting, and when the server
 * refuses (`ERR DB index is out of range`: the server has fewer databases) it only emits an error
 * and goes on in database 0 — another deployment's jobs, or its workers taking ours. So the
 * database is selected here explicitly, and a refusal stops start-up with the variable named.
 */
import Redis, { ReplyError } from 'ioredis';

/** The database a Redis URL names (its path, as ioredis reads it); 0 without one. */
export function redisDatabaseOf(url: string): number {
  const path = new URL(url).pathname.replace(/^\//, '');
  return path === '' ? 0 : Number(path);
}

export class RedisDatabaseRefusedError extends Error {
  constructor(detail: string) {
    super(`REDIS_URL: ${detail}`);
    this.name = 'RedisDatabaseRefusedError';
  }
}

/**
 * `checked` once the server took the URL's credentials and database; `unreachable` when it did not
 * answer within `timeoutMs` (the process starts anyway: health reports Redis down, and job
 * endpoints answer 503 until it answers). Rejects with RedisDatabaseRefusedError when the server
 * refused them.
 */
export async function checkRedisDatabase(url: string, timeoutMs = 2000): Promise<'checked' | 'unreachable'> {
  const database = redisDatabaseOf(url);
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let refusal: Error | undefined;
  // A refused AUTH or SELECT on connecting comes as an 'error' event, not as the connect's rejection.
  client.on('error', (error: Error) => {
    if (error instanceof ReplyError) refusal ??= error;
  });
  try {
    try {
      await client.connect();
    } catch {
      if (refusal !== undefined) throw new RedisDatabaseRefusedError(`the server refused the connection (${refusal.message})`);
      return 'unreachable';
    }
    try {
      // Database 0 is where a connection starts: no SELECT (a proxy or an ACL may refuse the command).
      if (database === 0) await client.ping();
      else await client.select(database);
    } catch (error: unknown) {
      if (!(error instanceof ReplyError)) return 'unreachable';
      // The refusal on connecting, when there was one, says more (a SELECT refused after a refused AUTH).
      const first = refusal as Error | undefined;
      const reason = first?.message ?? (error as Error).message;
      throw new RedisDatabaseRefusedError(
        /DB index/i.test(reason) ? `the server has no database ${database} (${reason}); name one it has (0 to its "databases" setting − 1)` : `the server refused the connection (${reason})`,
      );
    }
    return 'checked';
  } finally {
    // Not once ended: ioredis would arm a timer for a stream already closed, and linger on it.
    if (client.status !== 'end') client.disconnect();
  }
}

