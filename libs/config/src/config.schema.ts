/**
 * Typed, validated configuration (API.md, Running). A wrong variable stops start-up with a
 * message naming it; secrets come only from the environment.
 */
// The client's own parser (its package exports no other way to check a string without a client).
import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString';
import { existsSync } from 'node:fs';
import type { RuleSetRegistry } from '@jx/rules';
import { z } from 'zod';

const monthDay = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** Days in each month of a common year (a closing day must exist every year: no 02-29). */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const existsEveryYear = (v: string): boolean => Number(v.slice(3)) <= DAYS_IN_MONTH[Number(v.slice(0, 2)) - 1]!;
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const parsedUrl = (v: string): URL | null => {
  try {
    return new URL(v);
  } catch {
    return null;
  }
};
const url = (protocols: string[]) =>
  z
    .string()
    // Two messages: `postgres://h:99999/db` starts as asked but is no URL (its port is out of range).
    .refine((v) => parsedUrl(v) !== null, 'is not a URL that can be read (check its port, host and escaping)')
    .refine((v) => parsedUrl(v) === null || protocols.includes(parsedUrl(v)!.protocol), `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
/**
 * Read by the EventStoreDB client's own parser, so that what starts up is what the client takes:
 * `esdb://` or `esdb+discover://`, several hosts (`esdb://h1:2113,h2:2113`) included; it refuses
 * `kurrentdb://`, which newer clients read, and so does this check.
 */
const esdbConnectionString = z.string().superRefine((value, ctx) => {
  // Options the parser would only warn about on the console, or take and fail with later.
  const problems = esdbOptionProblems(value);
  if (problems.length > 0) {
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return;
  }
  try {
    parseConnectionString(value);
  } catch (error: unknown) {
    const said = error instanceof Error ? error.message.split('\n')[0]!.replace(/\.$/, '') : String(error);
    ctx.addIssue({ code: 'custom', message: `is not a connection string the EventStoreDB client reads (${said})` });
  }
});

/**
 * The options client 6.2's parser knows. It matches them ignoring case, `-` and `_` — but for
 * `dnsDiscover`, which it takes only spelt so.
 */
const ESDB_OPTIONS = [
  'userCertFile', 'userKeyFile', 'maxDiscoverAttempts', 'connectionName', 'defaultDeadline', 'discoveryInterval', 'gossipTimeout',
  'nodePreference', 'tls', 'tlsVerifyCert', 'tlsCAFile', 'throwOnAppendFailure', 'keepAliveInterval', 'keepAliveTimeout',
];
const flatCase = (key: string): string => key.trim().toLowerCase().replace(/[_-]/g, '');
const ESDB_OPTION_BY_FLAT = new Map(ESDB_OPTIONS.map((option) => [flatCase(option), option]));
const ESDB_FILES = ['tlsCAFile', 'userCertFile', 'userKeyFile'];

/** The query's options as the client reads them: after the hosts, the last value of a key standing. */
function esdbOptionProblems(value: string): string[] {
  // Past the scheme and the credentials (`user:password@`, the password up to its first `@`, as
  // the client reads it; it may hold a `?`): hosts hold no `?`, so the first one starts the query.
  const rest = value.trim().replace(/\/+$/, '').replace(/^[^:]*:\/\//, '').replace(/^[^:]+:[^@]+@/, '');
  const start = rest.indexOf('?');
  const problems: string[] = [];
  const options = new Map<string, string>();
  for (const pair of start === -1 ? [] : rest.slice(start + 1).split('&').filter((p) => p !== '')) {
    const equals = pair.indexOf('=');
    const rawKey = equals === -1 ? pair : pair.slice(0, equals);
    const option = rawKey === 'dnsDiscover' ? rawKey : ESDB_OPTION_BY_FLAT.get(flatCase(rawKey));
    if (option === undefined) problems.push(`has an option the EventStoreDB client does not know, which it would ignore: ${rawKey}`);
    else options.set(option, equals === -1 ? '' : pair.slice(equals + 1).trim());
  }
  if (options.get('tlsVerifyCert') === 'false') problems.push('sets tlsVerifyCert=false, which EventStoreDB client 6.2 ignores: name the server\'s CA in tlsCAFile instead');
  const preference = flatCase(options.get('nodePreference') ?? 'leader');
  if (preference === 'readonlyreplica') problems.push('prefers read-only replicas, where nothing can be appended');
  // The store reads on the leader (a follower may lag behind acknowledged appends): on a follower every read would fail once with NotLeader (503) before the client moves to the leader.
  else if (preference !== 'leader') problems.push(`sets nodePreference=${options.get('nodePreference')}: this store reads on the leader only (a follower may lag behind what was appended), so leave it unset or set it to leader`);
  // Certificate files are read only over TLS (on unless tls=false).
  if (options.get('tls') !== 'false') {
    for (const option of ESDB_FILES) {
      const file = options.get(option);
      if (file !== undefined && !existsSync(safeDecode(file))) problems.push(`names a ${option} that does not exist`);
    }
  }
  return problems;
}

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * The database of a Redis URL is its path (`/3`), as ioredis reads it; anything else there (or a
 * `db` parameter) would reach Redis as `SELECT NaN` and stop the process with the driver's error.
 */
const redisDatabase = (v: string): boolean => {
  const u = parsedUrl(v);
  return u === null || (/^\/?(\d{1,9})?$/.test(u.pathname) && !u.searchParams.has('db'));
};

/** Digits only (no sign, exponent or fraction), from 0 to `max`. */
const wholeNumber = (max: number, message: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, message)
    .transform(Number)
    .refine((n) => n <= max, message);

/** PostgreSQL refuses to create schemas named pg_… ("unacceptable schema name"): refused here, named. */
const notReserved = (schema: string): boolean => !schema.startsWith('pg_');
const RESERVED = 'must not begin with pg_ (PostgreSQL keeps those names for itself)';

export const envSchema = z.object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: wholeNumber(65_535, 'must be a whole number from 0 to 65535 (0: any free port)').default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    // Any secret is accepted (API.md names no minimum); a short one is warned about at start-up.
    AUTH_JWT_SECRET: z.string().min(1).optional(),
    EVENT_STORE: z.enum(['sqlite', 'postgres', 'eventstoredb']).default('sqlite'),
    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    // A PostgreSQL statement taking longer is cancelled by the server, and one whose server stays
    // silent (a network black hole) is given up by the client soon after: 503, not a request held for minutes.
    DATABASE_QUERY_TIMEOUT_MS: wholeNumber(600_000, 'must be a whole number of milliseconds from 100 to 600000').refine((n) => n >= 100, 'must be a whole number of milliseconds from 100 to 600000').default(30_000),
    EVENT_STORE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').refine(notReserved, RESERVED).default('event_store'),
    // 61 characters at most: the read models' second copy lives in the schema named with `_b` added.
    READ_MODELS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,60}$/, 'must be a lower-case SQL identifier of at most 61 characters').refine(notReserved, RESERVED).default('read_models'),
    JOBS_QUEUE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, _ or -').default('jx-jobs'),
    EVENTSTORE_URL: esdbConnectionString.optional(),
    REDIS_URL: url(['redis:', 'rediss:']).refine(redisDatabase, 'names its database by a whole number as its path (redis://host:6379/0), and nothing else there').optional(),
    YEAR_CLOSES_ON: z
      .string()
      .regex(monthDay, 'must be MM-DD: a month 01–12 and a day of it, e.g. 03-31')
      // Only once the shape is right (abort: a malformed value is told its shape, not this too).
      .refine(existsEveryYear, { message: 'must be a day every year has (not 02-29, nor 04-31 and the like)', when: (payload) => payload.issues.length === 0 })
      .default('03-31'),
    RUN_WORKER: bool.default(true),
    // On SIGTERM the API keeps listening this long, answering 503 (see closing-answer.ts), so that
    // requests already on their way are answered rather than reset; within the 15 s deadline.
    SHUTDOWN_GRACE_MS: wholeNumber(5000, 'must be a whole number of milliseconds from 0 to 5000').default(1000),
    // A request (headers and body) must have arrived whole by then, else 408: a client trickling
    // its body a byte at a time would otherwise hold its connection for ever (Fastify's default).
    REQUEST_TIMEOUT_MS: wholeNumber(300_000, 'must be a whole number of milliseconds from 1000 to 300000').refine((n) => n >= 1000, 'must be a whole number of milliseconds from 1000 to 300000').default(60_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Art. 15: rule sets loaded beside jx-2023-trial and the (field, year) mapping (rule-sets-file.ts).
    RULE_SETS_FILE: z.string().min(1).optional(),
});

export const configSchema = envSchema.superRefine((c, ctx) => {
    if (!c.RUN_WORKER && !c.REDIS_URL) {
      // Without Redis, jobs run in the process that enqueues them: an API without its worker
      // would accept institution-wide fraud flags that nothing ever runs.
      ctx.addIssue({ code: 'custom', path: ['RUN_WORKER'], message: 'may be false only with REDIS_URL (jobs reach a separate worker through Redis)' });
    }
    if (!c.RUN_WORKER && !c.DATABASE_URL) {
      // The worker projects the read models this API reads: they must be shared, in PostgreSQL.
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required when RUN_WORKER=false (the read models are shared with the worker)' });
    }
    if (c.EVENT_STORE === 'postgres' && !c.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required when EVENT_STORE=postgres' });
    }
    if (c.EVENT_STORE === 'postgres' && c.DATABASE_URL && [c.READ_MODELS_SCHEMA, `${c.READ_MODELS_SCHEMA}_b`].includes(c.EVENT_STORE_SCHEMA)) {
      // The read models' two copies are schemas of their own, emptied and swapped by a rebuild.
      ctx.addIssue({ code: 'custom', path: ['READ_MODELS_SCHEMA'], message: `must differ from EVENT_STORE_SCHEMA, with its copy ${c.READ_MODELS_SCHEMA}_b (the events and the read models share DATABASE_URL)` });
    }
    if (c.EVENT_STORE === 'eventstoredb' && !c.EVENTSTORE_URL) {
      ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_URL'], message: 'is required when EVENT_STORE=eventstoredb' });
    }
  });

/** RFC 7518 §3.2: an HS256 key should have at least 256 bits. */
export const RECOMMENDED_SECRET_BYTES = 32;

export type AppConfig = z.infer<typeof configSchema> & {
  /** The HS256 secret in force, and whether it is the development one printed at start-up. */
  jwtSecret: string;
  devSecret: boolean;
  /** The rule sets in force: jx-2023-trial, and RULE_SETS_FILE's where it is set. */
  ruleSets: RuleSetRegistry;
};
