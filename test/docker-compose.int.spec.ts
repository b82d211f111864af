/** docker-compose.yml cannot run here (no Docker engine): parse it and check the deployment it describes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] };
  restart?: string;
  stop_grace_period?: string;
  ports?: string[];
  volumes?: string[];
}

const compose = parse(readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  it('runs EventStoreDB, PostgreSQL and Redis with health checks', () => {
    for (const name of ['eventstoredb', 'postgres', 'redis']) {
      expect(compose.services[name]?.image).toBeDefined();
      expect(compose.services[name]?.healthcheck).toBeDefined();
    }
  });

  it('runs the API without in-process workers beside a separate worker, on the production stack', () => {
    const { api, worker } = compose.services;
    expect(api?.command).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(worker?.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    expect(api?.environment).toMatchObject({ RUN_WORKER: 'false', EVENT_STORE: 'eventstoredb', NODE_ENV: 'production' });
    expect(worker?.environment).toMatchObject({ EVENT_STORE: 'eventstoredb' });
    for (const s of [api, worker]) {
      expect(Object.keys(s?.depends_on ?? {}).sort()).toEqual(['eventstoredb', 'postgres', 'redis']);
      expect(s?.environment?.REDIS_URL).toMatch(/^redis:\/\//);
      expect(s?.environment?.EVENTSTORE_URL).toMatch(/^esdb:\/\//);
      expect(s?.environment?.DATABASE_URL).toMatch(/^postgres:\/\//);
    }
  });

  it('restarts the API and the worker; the API has a health check; only the API holds the token secret', () => {
    const { api, worker } = compose.services;
    expect(api?.restart).toBe('unless-stopped');
    expect(worker?.restart).toBe('unless-stopped');
    expect(api?.healthcheck?.test?.join(' ')).toContain('/api/health');
    expect(api?.environment?.AUTH_JWT_SECRET).toBeDefined();
    expect(worker?.environment?.AUTH_JWT_SECRET).toBeUndefined();
    expect(worker?.environment?.NODE_ENV).toBe('production');
  });

  it('gives the API and the worker longer to stop than their own 15 s shutdown deadline (Docker kills after 10 s by default)', () => {
    const { api, worker } = compose.services;
    for (const s of [api, worker]) expect(s?.stop_grace_period).toBe('20s');
  });

  it('publishes on the host, on 127.0.0.1 only, the API alone — not the stores of the stack (PostgreSQL and Redis: a host running `npm test` holds their ports already)', () => {
    const published = Object.entries(compose.services)
      .filter(([, s]) => s.ports !== undefined)
      .map(([name, s]) => [name, s.ports]);
    expect(published).toEqual([['api', ['127.0.0.1:3000:3000']]]);
    expect(compose.services.eventstoredb?.volumes).toEqual(['eventstore-data:/var/lib/eventstore']);
  });

  it('gives the EventStoreDB contract suite a server of its own (test/eventstoredb.compose.yml): the stack’s image, in memory, keeping nothing, published on 127.0.0.1, needing no secret of the stack', () => {
    const text = readFileSync(join(__dirname, 'eventstoredb.compose.yml'), 'utf8');
    const own = parse(text) as { name?: string; services: Record<string, Service>; volumes?: unknown };
    expect(Object.keys(own.services)).toEqual(['eventstoredb']);
    const server = own.services.eventstoredb!;
    expect(server.image).toBe(compose.services.eventstoredb?.image);
    expect(server.environment).toMatchObject({ EVENTSTORE_MEM_DB: 'true', EVENTSTORE_INSECURE: 'true' });
    expect([server.volumes, own.volumes]).toEqual([undefined, undefined]);
    expect(server.ports).toEqual(['127.0.0.1:2113:2113']);
    expect(server.healthcheck).toBeDefined();
    expect(own.name).toBe('jx-eventstoredb-test');
    expect(text).not.toMatch(/\$\{/);
  });

  it('takes secrets from the environment, never from the file', () => {
    const text = readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8');
    expect(text).toMatch(/AUTH_JWT_SECRET: \$\{AUTH_JWT_SECRET:\?/);
    expect(text).toMatch(/POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?/);
  });
});
