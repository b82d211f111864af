/** `npm run start:worker`: projections' subscription and the job processors, without HTTP. */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit, stackOf } from '@jx/config';
import { armShutdownDeadline, checkBeforeStart, createRootLogger, exitWhenFenced, logProcessWarnings, PinoLoggerService } from '@jx/platform';
import { WorkerAppModule } from './worker-app.module';

async function main(): Promise<void> {
  // The worker checks no token: it needs no AUTH_JWT_SECRET, even in production.
  const config = loadConfigOrExit(process.env, { checksTokens: false, separateWorker: true });
  const root = createRootLogger(config.LOG_LEVEL);
  armShutdownDeadline('worker', undefined, root);
  logProcessWarnings(root);
  const { warnings, redisAnswered } = await checkBeforeStart(config, 'worker');
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config), {
    logger: new PinoLoggerService(root),
    // A store that cannot be opened rejects here: main names it and exits (see apps/api's factory).
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.init();
  exitWhenFenced('worker', () => app.close());
  process.stdout.write(`worker ready: projections running; job processors ${redisAnswered ? 'running' : 'waiting for Redis (REDIS_URL)'}\n`);
  root.info({ ...stackOf(config), jobProcessors: redisAnswered ? 'running' : 'waiting for Redis', node: process.version }, 'worker ready');
}

main().catch((e: unknown) => {
  process.stderr.write(`worker start-up failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
