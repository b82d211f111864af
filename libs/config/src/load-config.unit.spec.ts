import { ConfigError, configWarnings, loadConfig } from './load-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('configuration (API.md, Running)', () => {
  it('defaults give the embedded default with a printed development secret', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', EVENT_STORE: 'sqlite', YEAR_CLOSES_ON: '03-31', RUN_WORKER: true, SHUTDOWN_GRACE_MS: 1000, DATABASE_QUERY_TIMEOUT_MS: 30_000, REQUEST_TIMEOUT_MS: 60_000, devSecret: true });
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('an explicit secret is used as is; empty strings count as unset', () => {
    const c = loadConfig({ AUTH_JWT_SECRET: 's'.repeat(40), PORT: '' });
    expect(c).toMatchObject({ jwtSecret: 's'.repeat(40), devSecret: false, PORT: 3000 });
  });

  it('only a process that checks tokens needs AUTH_JWT_SECRET in production (the worker does not)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET is required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production' }, { checksTokens: false })).toMatchObject({ NODE_ENV: 'production' });
  });

  it('a short secret is accepted (API.md names no minimum) and warned about, without its value', () => {
    const c = loadConfig({ AUTH_JWT_SECRET: 'test-secret', NODE_ENV: 'production' });
    expect(c).toMatchObject({ jwtSecret: 'test-secret', devSecret: false });
    const warnings = configWarnings(c);
    expect(warnings).toEqual([expect.stringContaining('AUTH_JWT_SECRET is shorter than 32 bytes')]);
    expect(warnings.join()).not.toContain('test-secret');
    expect(configWarnings(loadConfig({ AUTH_JWT_SECRET: 'abcdefgh'.repeat(4) }))).toEqual([]);
    expect(configWarnings(loadConfig({}))).toEqual([]);
  });

  it('a long secret of few different characters (36 spaces, one letter repeated) is accepted and warned about too, without its value: it is as easy to guess', () => {
    for (const secret of [' '.repeat(36), 's'.repeat(40), 'abababab'.repeat(8), 'abcdefg'.repeat(6)]) {
      const warnings = configWarnings(loadConfig({ AUTH_JWT_SECRET: secret, NODE_ENV: 'production' }));
      expect(warnings).toEqual([expect.stringContaining('AUTH_JWT_SECRET holds fewer than 8 different characters')]);
      expect(warnings.join()).not.toContain(secret.slice(0, 4));
    }
    // A random secret of 32 bytes, as hex or base64url, is not.
    expect(configWarnings(loadConfig({ AUTH_JWT_SECRET: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }))).toEqual([]);
    expect(configWarnings(loadConfig({ AUTH_JWT_SECRET: 'n4bQgYhMLWWxHMSZ4Hj3G4KLWGymLCSYBmzlVy4hQ0E' }))).toEqual([]);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '1e3' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ EVENT_STORE: 'mongo' }, 'EVENT_STORE'],
    [{ YEAR_CLOSES_ON: '13-01' }, 'YEAR_CLOSES_ON'],
    [{ YEAR_CLOSES_ON: '02-29' }, 'YEAR_CLOSES_ON'],
    [{ YEAR_CLOSES_ON: '04-31' }, 'YEAR_CLOSES_ON'],
    [{ YEAR_CLOSES_ON: '11-31' }, 'YEAR_CLOSES_ON'],
    [{ RUN_WORKER: 'yes' }, 'RUN_WORKER'],
    [{ SHUTDOWN_GRACE_MS: '5001' }, 'SHUTDOWN_GRACE_MS'],
    [{ REQUEST_TIMEOUT_MS: '999' }, 'REQUEST_TIMEOUT_MS'],
    [{ REQUEST_TIMEOUT_MS: '300001' }, 'REQUEST_TIMEOUT_MS'],
    [{ SHUTDOWN_GRACE_MS: '-1' }, 'SHUTDOWN_GRACE_MS'],
    [{ DATABASE_QUERY_TIMEOUT_MS: '99' }, 'DATABASE_QUERY_TIMEOUT_MS'],
    [{ DATABASE_QUERY_TIMEOUT_MS: '600001' }, 'DATABASE_QUERY_TIMEOUT_MS'],
    [{ DATABASE_QUERY_TIMEOUT_MS: '30s' }, 'DATABASE_QUERY_TIMEOUT_MS'],
    [{ NODE_ENV: 'production' }, 'AUTH_JWT_SECRET'],
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTORE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379/abc' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379/1/2' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379?db=x' }, 'REDIS_URL'],
    [{ DATABASE_URL: 'postgres://postgres@127.0.0.1:99999/test' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ EVENT_STORE_SCHEMA: 'x'.repeat(64) }, 'EVENT_STORE_SCHEMA'],
    [{ READ_MODELS_SCHEMA: 'x'.repeat(62) }, 'READ_MODELS_SCHEMA'],
    [{ READ_MODELS_SCHEMA: 'Read-Models' }, 'READ_MODELS_SCHEMA'],
    [{ EVENT_STORE_SCHEMA: 'pg_events' }, 'EVENT_STORE_SCHEMA'],
    [{ READ_MODELS_SCHEMA: 'pg_probe' }, 'READ_MODELS_SCHEMA'],
    [{ RUN_WORKER: 'false' }, 'RUN_WORKER'],
    [{ RUN_WORKER: 'false', REDIS_URL: 'redis://127.0.0.1:6379' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', EVENT_STORE_SCHEMA: 'shared', READ_MODELS_SCHEMA: 'shared' }, 'READ_MODELS_SCHEMA'],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', EVENT_STORE_SCHEMA: 'models_b', READ_MODELS_SCHEMA: 'models' }, 'READ_MODELS_SCHEMA'],
  ])('a wrong variable stops start-up with a message naming it: %j', (env, name) => {
    const problems = problemsOf(env as Record<string, string>);
    expect(problems.some((p) => p.startsWith(`${name} `))).toBe(true);
  });

  it('the events and the read models in one PostgreSQL database keep schemas apart; on SQLite events the schemas do not meet', () => {
    const db = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
    expect(loadConfig({ ...db, EVENT_STORE: 'postgres', EVENT_STORE_SCHEMA: 'events', READ_MODELS_SCHEMA: 'events_c' })).toMatchObject({ EVENT_STORE_SCHEMA: 'events', READ_MODELS_SCHEMA: 'events_c' });
    expect(loadConfig({ ...db, EVENT_STORE_SCHEMA: 'same', READ_MODELS_SCHEMA: 'same' })).toMatchObject({ EVENT_STORE: 'sqlite' });
  });

  it('a malformed YEAR_CLOSES_ON is told its shape, and only that (not also that the day is missing from some years)', () => {
    expect(problemsOf({ YEAR_CLOSES_ON: '3-31' })).toEqual(['YEAR_CLOSES_ON must be MM-DD: a month 01–12 and a day of it, e.g. 03-31']);
    expect(problemsOf({ YEAR_CLOSES_ON: '02-29' })).toEqual(['YEAR_CLOSES_ON must be a day every year has (not 02-29, nor 04-31 and the like)']);
  });

  it('takes every day every year has as YEAR_CLOSES_ON, and ports 0 to 65535', () => {
    for (const day of ['01-31', '02-28', '04-30', '06-30', '09-30', '11-30', '12-31']) expect(loadConfig({ YEAR_CLOSES_ON: day }).YEAR_CLOSES_ON).toBe(day);
    for (const port of ['0', '8080', '65535']) expect(loadConfig({ PORT: port }).PORT).toBe(Number(port));
  });

  it('the worker alone needs REDIS_URL and DATABASE_URL: it serves APIs started with RUN_WORKER=false', () => {
    expect(() => loadConfig({}, { separateWorker: true })).toThrow(/REDIS_URL is required by the worker alone[^]*DATABASE_URL is required by the worker alone/);
    const both = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
    expect(loadConfig(both, { separateWorker: true })).toMatchObject(both);
    expect(loadConfig({})).toMatchObject({ RUN_WORKER: true });
  });

  it("reads EVENTSTORE_URL with the EventStoreDB client's own parser: several hosts are taken, kurrentdb:// (which this client refuses) is not", () => {
    for (const url of ['esdb://127.0.0.1:2113?tls=false', 'esdb://h1:2113,h2:2113,h3:2113?tls=false', 'esdb+discover://cluster.example:2113', 'esdb://admin:changeit@h:2113']) {
      expect(loadConfig({ EVENTSTORE_URL: url }).EVENTSTORE_URL).toBe(url);
    }
    expect(problemsOf({ EVENTSTORE_URL: 'kurrentdb://127.0.0.1:2113' })).toEqual([expect.stringMatching(/^EVENTSTORE_URL is not a connection string the EventStoreDB client reads \(Unexpected "kurrentdb:\/\/" at position 0, expected esdb:\/\/ or esdb\+discover:\/\/\)$/)]);
    expect(problemsOf({ EVENTSTORE_URL: 'esdb://' })).toEqual([expect.stringMatching(/^EVENTSTORE_URL is not a connection string the EventStoreDB client reads/)]);
  });

  it('refuses EVENTSTORE_URL options the client would only warn about on the console, or take and fail with later', () => {
    expect(problemsOf({ EVENTSTORE_URL: 'esdb://h:2113?tsl=false' })).toEqual(['EVENTSTORE_URL has an option the EventStoreDB client does not know, which it would ignore: tsl']);
    expect(problemsOf({ EVENTSTORE_URL: 'esdb://h:2113?tls=true&tlsVerifyCert=false' })).toEqual([expect.stringMatching(/^EVENTSTORE_URL sets tlsVerifyCert=false, which EventStoreDB client 6.2 ignores/)]);
    expect(problemsOf({ EVENTSTORE_URL: 'esdb://h:2113?nodePreference=read_only_replica' })).toEqual(['EVENTSTORE_URL prefers read-only replicas, where nothing can be appended']);
    for (const preference of ['follower', 'random', 'Follower']) {
      expect(problemsOf({ EVENTSTORE_URL: `esdb://h:2113?nodePreference=${preference}` })).toEqual([`EVENTSTORE_URL sets nodePreference=${preference}: this store reads on the leader only (a follower may lag behind what was appended), so leave it unset or set it to leader`]);
    }
    expect(problemsOf({ EVENTSTORE_URL: 'esdb://h:2113?tlsCAFile=%2Fno%2Fsuch%2Fca.pem' })).toEqual(['EVENTSTORE_URL names a tlsCAFile that does not exist']);
    // Known options, in any case and with - or _, as the client matches them; an existing file.
    const url = `esdb://h:2113?TLS=true&node-preference=leader&keep_alive_interval=10000&tlsCAFile=${encodeURIComponent(__filename)}`;
    expect(loadConfig({ EVENTSTORE_URL: url }).EVENTSTORE_URL).toBe(url);
    // dnsDiscover the client takes only spelt so.
    expect(problemsOf({ EVENTSTORE_URL: 'esdb://h:2113?dns-discover=true' })).toEqual(['EVENTSTORE_URL has an option the EventStoreDB client does not know, which it would ignore: dns-discover']);
    expect(loadConfig({ EVENTSTORE_URL: 'esdb://h:2113?dnsDiscover=true' }).EVENTSTORE_URL).toBe('esdb://h:2113?dnsDiscover=true');
  });

  it('reads EVENTSTORE_URL options as the client does: after the credentials, the last of a repeated key standing, values holding `=`, files only over TLS', () => {
    for (const url of [
      'esdb://admin:pa?ss@h:2113', // a `?` in the password
      'esdb://admin:pa?ss@h:2113?tls=false',
      'esdb://h:2113?nodePreference=readOnlyReplica&nodePreference=leader',
      'esdb://h:2113?tls=false&tlsCAFile=%2Fno%2Fsuch%2Fca.pem', // not read without TLS
      `esdb://h:2113?tlsCAFile=${encodeURIComponent(__filename)} &tls=true`, // trimmed, as the client does
    ]) {
      expect(problemsOf({ EVENTSTORE_URL: url })).toEqual([]);
    }
    expect(problemsOf({ EVENTSTORE_URL: 'esdb://h:2113?connectionName=a=b&tsl=x' })).toEqual(['EVENTSTORE_URL has an option the EventStoreDB client does not know, which it would ignore: tsl']);
  });

  it('names the URL schemes a URL variable takes', () => {
    expect(problemsOf({ REDIS_URL: 'http://x' })).toContain('REDIS_URL must be a URL starting with redis:// or rediss://');
  });

  it('tells a URL it cannot read from one of another scheme (a port out of range is the former)', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://postgres@127.0.0.1:99999/test' })).toEqual(['DATABASE_URL is not a URL that can be read (check its port, host and escaping)']);
  });

  it('takes a Redis database as a whole number in the path, and no path at all', () => {
    for (const url of ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379/', 'redis://127.0.0.1:6379/15', 'rediss://user:pw@h:6380/0']) expect(loadConfig({ REDIS_URL: url }).REDIS_URL).toBe(url);
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379/abc' })).toEqual([expect.stringMatching(/^REDIS_URL names its database by a whole number/)]);
  });

  it('takes schema names up to 63 characters, and up to 61 for the read models (their second copy adds `_b`)', () => {
    expect(loadConfig({ EVENT_STORE_SCHEMA: 'e'.repeat(63), READ_MODELS_SCHEMA: 'r'.repeat(61) })).toMatchObject({ EVENT_STORE_SCHEMA: 'e'.repeat(63), READ_MODELS_SCHEMA: 'r'.repeat(61) });
  });
});
