import Redis from 'ioredis';
import { checkRedisDatabase, redisDatabaseOf } from './redis-database';
import { REDIS_URL } from '../testing/bullmq-test-redis';

/** REDIS_URL (the test server) with another database as its path. */
const withDatabase = (database: string): string => {
  const url = new URL(REDIS_URL);
  url.pathname = database;
  return url.toString();
};

describe('REDIS_URL\'s database, checked at start-up (ioredis alone would go on in database 0)', () => {
  it('reads the database from the path, 0 without one', () => {
    expect([redisDatabaseOf('redis://h:6379'), redisDatabaseOf('redis://h:6379/'), redisDatabaseOf('redis://h:6379/7')]).toEqual([0, 0, 7]);
  });

  it('takes a database the server has', async () => {
    await expect(checkRedisDatabase(withDatabase('/3'))).resolves.toBe('checked');
    await expect(checkRedisDatabase(withDatabase(''))).resolves.toBe('checked');
  });

  it('refuses one the server has not, naming REDIS_URL and the database', async () => {
    const databases = Number((await configuredDatabases()) ?? 16);
    await expect(checkRedisDatabase(withDatabase(`/${databases}`))).rejects.toThrow(new RegExp(`^REDIS_URL: the server has no database ${databases} \\(ERR DB index is out of range\\)`));
  });

  it('answers unreachable, without waiting long, when nothing listens', async () => {
    await expect(checkRedisDatabase('redis://127.0.0.1:1/3')).resolves.toBe('unreachable');
  });
});

/** The server's number of databases (CONFIG GET databases). */
export async function configuredDatabases(): Promise<string | undefined> {
  const client = new Redis(REDIS_URL);
  try {
    const reply = (await client.config('GET', 'databases')) as string[];
    return reply[1];
  } finally {
    client.disconnect();
  }
}
