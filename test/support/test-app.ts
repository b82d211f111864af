/**
 * Starts the whole application in this process on a free port, on a fresh embedded store, with
 * a clock the test moves. Requests go over real HTTP (fetch).
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import type { Clock } from '@jx/application';
import { loadConfig } from '@jx/config';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { dropForDataDir, onProductionStack, productionStackEnv } from './production-stack';
import type { RuleSetRegistry } from '@jx/rules';
import { createApp } from '../../apps/api/src/app.factory';
import { ReadModelsProjection } from '../../apps/worker/src/projections/read-models.projection-service';
import { PromotionDelaySweep } from '../../apps/worker/src/jobs/promotion-delay-sweep.processor';
import { JOB_QUEUE, type JobQueue } from '@jx/jobs';

export const SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e';

export class TestClock implements Clock {
  private current: Date;
  constructor(iso: string) {
    this.current = new Date(iso);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export interface Claims {
  sub?: string;
  role: string;
  personId?: string;
  unitId?: string;
  institutionId?: string;
  region?: string;
  industry?: string;
}

export interface ErrorAnswer {
  method: string;
  path: string;
  status: number;
  code: string | undefined;
}

/** The error answers of every TestApp of this test file (each file has its own modules). */
const errorAnswers: ErrorAnswer[] = [];

export interface Answer<T = any> {
  status: number;
  body: T;
}

export interface TestApp {
  app: NestFastifyApplication;
  clock: TestClock;
  store: EventStore;
  baseUrl: string;
  dataDir: string;
  token(claims: Claims, expiresIn?: string): Promise<string>;
  call<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string | Uint8Array; headers?: Record<string, string> }): Promise<Answer<T>>;
  /** Resolves once the read models include every event appended so far. */
  projected(): Promise<void>;
  /** Every stored event position, to prove a refused request wrote nothing. */
  head(): Promise<number>;
  /** Every error answer `call` received so far, from this app and the others of this test file (see documented-errors.ts). */
  readonly errorAnswers: readonly ErrorAnswer[];
  close(): Promise<void>;
}

/**
 * `dataDir`: the folder of an app closed before (`app.close()`, not `close()`, which deletes it): a restart.
 * `settled` (default true): resolves only once the promotion-delay sweep the server asks for at
 * start-up has run. It runs in the background (a BullMQ worker on the production stack), reading
 * the clock when it runs: left running, it could record a delay after the test moved the clock,
 * in the middle of what the test asserts (a head that moved, a delay its own sweep was to record).
 * false for an app whose Redis is away on purpose (the enqueue then waits its 5 s for nothing).
 */
export async function startTestApp(options: { now?: string; rules?: RuleSetRegistry; env?: Record<string, string>; dataDir?: string; settled?: boolean } = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'jx-e2e-'));
  // No shutdown grace: these apps are closed by the test, with nothing on its way to them.
  // The e2e-production project: the same app on PostgreSQL and Redis, named after its DATA_DIR.
  const effectiveDataDir = options.env?.DATA_DIR ?? dataDir;
  const stack = onProductionStack() ? productionStackEnv(effectiveDataDir) : {};
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'silent', NODE_ENV: 'test', SHUTDOWN_GRACE_MS: '0', ...stack, ...options.env });
  const clock = new TestClock(options.now ?? '2024-06-01T02:00:00.000Z');
  const app = await createApp(config, { clock, ...(options.rules ? { rules: options.rules } : {}) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  if (options.settled ?? true) {
    const run = await app.get(PromotionDelaySweep).startupRun;
    if (run === undefined) throw new Error('the start-up promotion-delay sweep could not be enqueued');
    await app.get<JobQueue>(JOB_QUEUE).whenIdle();
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  const store = app.get<EventStore>(EVENT_STORE);
  const key = new TextEncoder().encode(SECRET);
  return {
    errorAnswers,
    app,
    clock,
    store,
    baseUrl,
    dataDir,
    token: (claims, expiresIn = '1h') =>
      new SignJWT({ ...claims, sub: claims.sub ?? `${claims.role}-${claims.personId ?? claims.unitId ?? claims.institutionId ?? claims.region}` })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(key),
    async call(method, path, { token, body, raw, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
      if (raw !== undefined || body !== undefined) {
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
        init.body = raw ?? JSON.stringify(body);
      }
      const res = await fetch(`${baseUrl}${path}`, init);
      const text = await res.text();
      const answer = { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
      if (res.status >= 400) errorAnswers.push({ method, path, status: res.status, code: answer.body?.error?.code });
      return answer;
    },
    async projected() {
      if (!(await app.get(ReadModelsProjection).catchUp())) throw new Error('the read models did not catch up within 30 s');
    },
    head: () => store.headPosition(),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      // What this app made goes with it (a DATA_DIR the test gave is the test's: the teardown sweeps it).
      if (onProductionStack() && options.env?.DATA_DIR === undefined) await dropForDataDir(dataDir);
    },
  };
}
