/**
 * What is checked before the application is built, because building it would already act on a
 * wrong value: BullMQ writes to REDIS_URL's database as soon as its queue connects, and when the
 * server refuses that database ioredis goes on in database 0 (see @jx/jobs redis-database.ts).
 */
import type { AppConfig } from '@jx/config';
import { checkRedisDatabase } from '@jx/jobs';

/** Resolves with warnings to print (a dependency not answering yet); rejects naming the variable. */
export async function checkBeforeStart(config: Pick<AppConfig, 'REDIS_URL'>): Promise<string[]> {
  if (config.REDIS_URL === undefined) return [];
  const redis = await checkRedisDatabase(config.REDIS_URL);
  return redis === 'unreachable' ? ['REDIS_URL: Redis did not answer at start-up; health says so, and the job endpoints answer 503 until it does'] : [];
}
