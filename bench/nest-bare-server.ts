/**
 * A second baseline for `npm run bench:http`: the same bare append as bare-server.ts, behind a
 * NestJS controller on the Fastify adapter — what the framework alone costs, with no
 * authentication, validation, read or decision.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Inject, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { openSqliteEventStore, type EventStore } from '@jx/event-store';
import { appendLikeDeclareActivity } from './same-append';

const STORE = Symbol('STORE');

@Controller('api/persons/:personId/years/:year/activities')
class BareController {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  @Post()
  @HttpCode(201)
  async declare(@Param('personId') personId: string, @Param('year') year: string, @Body() body: Record<string, unknown>) {
    const result = await appendLikeDeclareActivity(this.store, personId, Number(year), body);
    return { activityId: body.activityId, status: 'declared', hours: 2, revision: result.revision };
  }
}

@Module({
  controllers: [BareController],
  providers: [{ provide: STORE, useFactory: () => openSqliteEventStore({ file: join(process.env.DATA_DIR ?? './data', 'events.sqlite') }) }],
})
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter({ bodyLimit: 64 * 1024 }), { logger: false });
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  // Exit (rather than die) on the bench's SIGTERM: node then writes a --cpu-prof profile.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
