import type { AppConfig } from './config.schema';

/**
 * What a process runs on, for its start-up log line: the kind of each store and the names in it,
 * never a URL (a DATABASE_URL or REDIS_URL may hold a password).
 */
export function stackOf(config: AppConfig): Record<string, string | boolean> {
  const readModels = config.DATABASE_URL === undefined ? 'sqlite' : 'postgres';
  return {
    eventStore: config.EVENT_STORE,
    ...(config.EVENT_STORE === 'postgres' ? { eventStoreSchema: config.EVENT_STORE_SCHEMA } : {}),
    readModels,
    ...(readModels === 'postgres' ? { readModelsSchema: config.READ_MODELS_SCHEMA } : {}),
    ...(config.EVENT_STORE === 'sqlite' || readModels === 'sqlite' ? { dataDir: config.DATA_DIR } : {}),
    jobs: config.REDIS_URL === undefined ? 'in-process' : 'bullmq',
    ...(config.REDIS_URL === undefined ? {} : { jobsQueue: config.JOBS_QUEUE }),
  };
}
