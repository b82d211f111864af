import { randomBytes } from 'node:crypto';
import { configSchema, envSchema, type AppConfig } from './config.schema';

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
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`));
  }
  const secret = parsed.data.AUTH_JWT_SECRET;
  return { ...parsed.data, jwtSecret: secret ?? randomBytes(32).toString('base64url'), devSecret: secret === undefined };
}

/** For a process entry point: the configuration, or a message naming each wrong variable and exit 78 (EX_CONFIG). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return process.exit(78);
  }
}
