/**
 * The baselines of `npm run bench:http`: a bare Fastify route that performs the same append on the
 * same kind of store as DeclareActivity (same-append.ts) — no auth, validation, read or decision;
 * and a route that answers a fixed text (the bench puts the API's 60-event statement there), the
 * statement read's baseline: the same bytes over the same HTTP, with nothing read or computed.
 */
import Fastify from 'fastify';
import { join } from 'node:path';
import { openSqliteEventStore } from '@jx/event-store';
import { appendLikeDeclareActivity } from './same-append';

async function main(): Promise<void> {
  const store = openSqliteEventStore({ file: join(process.env.DATA_DIR ?? './data', 'events.sqlite') });
  const app = Fastify({ bodyLimit: 64 * 1024 });
  app.post<{ Params: { personId: string; year: string }; Body: Record<string, unknown> }>('/api/persons/:personId/years/:year/activities', async (request, reply) => {
    const { personId, year } = request.params;
    const result = await appendLikeDeclareActivity(store, personId, Number(year), request.body);
    reply.status(201);
    return { activityId: request.body.activityId, status: 'declared', hours: 2, revision: result.revision };
  });
  let fixed = '';
  app.put<{ Body: string }>('/api/fixed-answer', async (request, reply) => {
    fixed = request.body;
    reply.status(204);
  });
  app.get('/api/fixed-answer', async (_request, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8');
    return fixed;
  });
  const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  // Exit (rather than die) on the bench's SIGTERM: node then writes a --cpu-prof profile.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write(`listening on ${address}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
