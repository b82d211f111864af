/**
 * What is checked before the application is built, because building it would already act on a
 * wrong value: BullMQ writes to REDIS_URL's database as soon as its queue connects, and when the
 * server refuses that database ioredis goes on in database 0 (see @jx/jobs redis-database.ts).
 */
import type { AppConfig } from '@jx/config';
import { checkRedisDatabase } from '@jx/jobs';

/** What a process does meanwhile when Redis does not answer at start-up. */
const MEANWHILE = {
  api: 'health says so, and the job endpoints answer 503 until it does',
  worker: 'the job processors begin once it does; the projections run meanwhile',
} as const;

/**
 * Resolves with warnings to print (a dependency not answering yet) and whether Redis answered;
 * rejects naming the variable.
 */
export async function checkBeforeStart(config: Pick<AppConfig, 'REDIS_URL'>, kind: keyof typeof MEANWHILE): Promise<{ warnings: string[]; redisAnswered: boolean }> {
  if (config.REDIS_URL === undefined) return { warnings: [], redisAnswered: true };
  const redis = await checkRedisDatabase(config.REDIS_URL);
  if (redis !== 'unreachable') return { warnings: [], redisAnswered: true };
  return { warnings: [`REDIS_URL: Redis did not answer at start-up; ${MEANWHILE[kind]}`], redisAnswered: false };
}
