import { randomBytes } from 'node:crypto';
import { configSchema, envSchema, RECOMMENDED_SECRET_BYTES, type AppConfig } from './config.schema';
import { loadRuleSets } from './rule-sets-file';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment once. Empty strings count as unset. Without AUTH_JWT_SECRET outside
 * production, a random development secret is made for this process (and printed at start-up).
 */
export interface LoadOptions {
  /**
   * Whether this process checks tokens (the API, default): then production requires
   * AUTH_JWT_SECRET. The worker and the maintenance commands never read it.
   */
  checksTokens?: boolean;
  /**
   * The worker alone (`npm run start:worker`): it serves APIs started with RUN_WORKER=false, which
   * need REDIS_URL and DATABASE_URL; without them it would be a second job runner and projector
   * beside an API that runs its own.
   */
  separateWorker?: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): AppConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = configSchema.safeParse(input);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`);
  if ((options.checksTokens ?? true) && input.NODE_ENV === 'production' && input.AUTH_JWT_SECRET === undefined) {
    problems.push('AUTH_JWT_SECRET is required when NODE_ENV=production');
  }
  if (options.separateWorker === true) {
    for (const [name, what] of [['REDIS_URL', 'jobs'], ['DATABASE_URL', 'read models']] as const) {
      if (input[name] === undefined) problems.push(`${name} is required by the worker alone (the ${what} it shares with APIs started with RUN_WORKER=false); on the embedded default, npm start runs the worker's processors in the API`);
    }
  }
  const rules = loadRuleSets(input.RULE_SETS_FILE);
  if ('problems' in rules) problems.push(...rules.problems);
  if (!parsed.success || 'problems' in rules || problems.length > 0) throw new ConfigError(problems);
  const secret = parsed.data.AUTH_JWT_SECRET;
  return { ...parsed.data, jwtSecret: secret ?? randomBytes(32).toString('base64url'), devSecret: secret === undefined, ruleSets: rules.registry };
}

/** A secret of fewer different characters is warned about (a random one of 32 bytes, even in hex, holds about 16). */
const MIN_DISTINCT_SECRET_CHARACTERS = 8;

/** Start-up warnings about a configuration that works but should not be used as is (never the values). */
export function configWarnings(config: AppConfig): string[] {
  const warnings: string[] = [];
  if (!config.devSecret && Buffer.byteLength(config.jwtSecret) < RECOMMENDED_SECRET_BYTES) {
    warnings.push(`AUTH_JWT_SECRET is shorter than ${RECOMMENDED_SECRET_BYTES} bytes (RFC 7518 §3.2 asks for 256 bits): tokens signed with it are easier to forge; use a long random secret`);
  } else if (!config.devSecret && new Set(config.jwtSecret).size < MIN_DISTINCT_SECRET_CHARACTERS) {
    // Long but hardly secret (36 spaces, a repeated letter): as easy to guess as a short one.
    warnings.push(`AUTH_JWT_SECRET holds fewer than ${MIN_DISTINCT_SECRET_CHARACTERS} different characters: tokens signed with it are easy to forge; use a long random secret`);
  }
  return warnings;
}

/** For a process entry point: the configuration (its warnings printed), or a message naming each wrong variable and exit 78 (EX_CONFIG). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): AppConfig {
  try {
    const config = loadConfig(env, options);
    for (const warning of configWarnings(config)) process.stderr.write(`warning: ${warning}\n`);
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return process.exit(78);
  }
}
