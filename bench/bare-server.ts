/**
 * The baseline of `npm run bench:http`: a bare Fastify route that performs the same append on the
 * same kind of store as DeclareActivity — no auth, validation, read or decision.
 */
import Fastify from 'fastify';
import { join } from 'node:path';
import { creditYearStream } from '@jx/domain';
import { openSqliteEventStore } from '@jx/event-store';

async function main(): Promise<void> {
  const store = openSqliteEventStore({ file: join(process.env.DATA_DIR ?? './data', 'events.sqlite') });
  const app = Fastify({ bodyLimit: 64 * 1024 });
  app.post<{ Params: { personId: string; year: string }; Body: Record<string, unknown> }>('/api/persons/:personId/years/:year/activities', async (request, reply) => {
    const { personId, year } = request.params;
    const at = new Date().toISOString();
    const result = await store.append(
      creditYearStream(personId, Number(year)),
      [{ type: 'ActivityDeclared', data: { ...request.body, hours: 1 }, metadata: { actor: { id: 'bench', role: 'professional' }, correlationId: 'bench', causationId: null, ruleSetId: 'jx-2023-trial', at } }],
      'any',
    );
    reply.status(201);
    return { activityId: request.body.activityId, status: 'declared', hours: 1, revision: result.revision };
  });
  const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  process.stdout.write(`listening on ${address}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
