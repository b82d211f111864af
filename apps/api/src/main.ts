/** `npm start`: serves the API (and, unless RUN_WORKER=false, the worker's processors). */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@jx/config';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  if (config.devSecret) {
    process.stdout.write(`AUTH_JWT_SECRET is not set: this process signs and checks tokens with the development secret\n  ${config.jwtSecret}\n(set AUTH_JWT_SECRET to choose your own; required when NODE_ENV=production)\n`);
  }
  const app = await createApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  process.stdout.write(`listening on http://${config.HOST}:${port}/api (OpenAPI at /api/docs)\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`start-up failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
