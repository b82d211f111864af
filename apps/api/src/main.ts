/** `npm start`: serves the API (and, unless RUN_WORKER=false, the worker's processors). */
import 'reflect-metadata';
import { loadConfigOrExit, stackOf } from '@jx/config';
import { armShutdownDeadline, checkBeforeStart, createRootLogger, exitWhenFenced, logProcessWarnings } from '@jx/platform';
import { readFileSync, writeFileSync } from 'node:fs';
import { makePrivateFolder } from '@jx/sqlite';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { listenRefused, refuseUnlistenable, urlHost } from './listen-refused';

/** The embedded default keeps its development secret beside its data, so tokens survive a restart. */
function developmentSecret(dataDir: string, fresh: string): string {
  const file = join(dataDir, 'dev-jwt-secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  } catch {
    // first start: keep the fresh one
  }
  try {
    makePrivateFolder(dataDir);
    writeFileSync(file, `${fresh}\n`, { mode: 0o600 });
  } catch (e: unknown) {
    // Named like the stores' own failures (platform/stores.ts): the variable that points there first.
    throw new Error(`DATA_DIR: cannot keep the development secret in ${dataDir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return fresh;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const root = createRootLogger(config.LOG_LEVEL);
  armShutdownDeadline('api', undefined, root);
  logProcessWarnings(root);
  await refuseUnlistenable(config.HOST, config.PORT);
  for (const warning of (await checkBeforeStart(config, 'api')).warnings) process.stderr.write(`warning: ${warning}\n`);
  if (config.devSecret) {
    config.jwtSecret = developmentSecret(config.DATA_DIR, config.jwtSecret);
    process.stdout.write(`AUTH_JWT_SECRET is not set: this process signs and checks tokens with the development secret\n  ${config.jwtSecret}\n(kept in DATA_DIR/dev-jwt-secret; set AUTH_JWT_SECRET to choose your own, required when NODE_ENV=production)\n`);
  }
  const app = await createApp(config);
  exitWhenFenced('api', () => app.close());
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error: unknown) {
    await app.close().catch(() => undefined);
    throw listenRefused(error, config.HOST, config.PORT);
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  process.stdout.write(`listening on http://${urlHost(config.HOST)}:${port}/api (OpenAPI at /api/docs)\n`);
  root.info({ host: config.HOST, port, ...stackOf(config), runWorker: config.RUN_WORKER, node: process.version }, 'listening');
}

main().catch((e: unknown) => {
  process.stderr.write(`start-up failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
