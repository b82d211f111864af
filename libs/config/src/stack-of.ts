import { createHash } from 'node:crypto';
import { stableJson, type RuleSetRegistry } from '@jx/rules';
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
    ...ruleSetsInForce(config.ruleSets),
  };
}

/**
 * The rule sets in force and their mapping, each with a fingerprint of its content (sha256 of its
 * canonical JSON, 12 hex digits): the log of each start says which rules applied from then on, and
 * shows a rule set changed under an id it kept (RULE_SETS_FILE; an id must stand for fixed rules).
 */
export function ruleSetsInForce(rules: RuleSetRegistry): { ruleSets: string; ruleSetMapping: string } {
  const fingerprint = (value: unknown) => createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 12);
  return {
    ruleSets: rules.ids().map((id) => `${id}@${rules.resolve(id).version}#${fingerprint(rules.resolve(id))}`).join(', '),
    ruleSetMapping: fingerprint(rules.entries()),
  };
}
