/**
 * Requests that reach the server while it closes (the next request on a keep-alive connection
 * that was busy when SIGTERM came) get a 503 in the API's error format and the connection
 * closed. Fastify's own answer (return503OnClosing) has another shape, so the server is created
 * with it off and this hook answers instead, before authentication and everything else.
 */
import type { FastifyInstance } from 'fastify';

export const CLOSING_FASTIFY_OPTIONS = { return503OnClosing: false } as const;

export function installClosingAnswer(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', async (_request, reply) => {
    if (!closing) return undefined;
    reply.code(503).header('connection', 'close');
    reply.send({ error: { code: 'SERVICE_UNAVAILABLE', message: 'the server is shutting down; send the request again (to another instance, or once it is back)' } });
    return reply; // answered: nothing after this hook runs
  });
}
