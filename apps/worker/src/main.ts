/** `npm run start:worker`: projections' subscription and the job processors, without HTTP. */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@jx/config';
import { createRootLogger, PinoLoggerService } from '@jx/platform';
import { WorkerAppModule } from './worker-app.module';

/** Whatever a stuck dependency does, a stop signal ends the process within this. */
const SHUTDOWN_DEADLINE_MS = 15_000;

function armShutdownDeadline(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting\n`);
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    });
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  armShutdownDeadline();
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config), {
    logger: new PinoLoggerService(createRootLogger(config.LOG_LEVEL)),
  });
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write('worker ready: projections and job processors running\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`worker start-up failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
