import { randomBytes } from 'node:crypto';
import { configSchema, envSchema, RECOMMENDED_SECRET_BYTES, type AppConfig } from './config.schema';

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

/** Start-up warnings about a configuration that works but should not be used as is (never the values). */
export function configWarnings(config: AppConfig): string[] {
  const warnings: string[] = [];
  if (!config.devSecret && Buffer.byteLength(config.jwtSecret) < RECOMMENDED_SECRET_BYTES) {
    warnings.push(`AUTH_JWT_SECRET is shorter than ${RECOMMENDED_SECRET_BYTES} bytes (RFC 7518 §3.2 asks for 256 bits): tokens signed with it are easier to forge; use a long random secret`);
  }
  return warnings;
}

/** For a process entry point: the configuration (its warnings printed), or a message naming each wrong variable and exit 78 (EX_CONFIG). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    const config = loadConfig(env);
    for (const warning of configWarnings(config)) process.stderr.write(`warning: ${warning}\n`);
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return process.exit(78);
  }
}
