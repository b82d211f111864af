/**
 * Requests that reach the server while it closes get a 503 in the API's error format and the
 * connection closed: the next request on a keep-alive connection, and — during the grace below —
 * one on an idle keep-alive connection or a new connection. Fastify's own answer
 * (return503OnClosing) has another shape, so the server is created with it off and this hook
 * answers instead, before authentication and everything else.
 */
import type { FastifyInstance } from 'fastify';
import { answeredCodes } from './error.filter';

export const CLOSING_FASTIFY_OPTIONS = { return503OnClosing: false } as const;

export interface ClosingOptions {
  /**
   * Runs when close begins, before the listener and the idle connections are closed; meanwhile
   * every request is answered with the 503. Without it, a request a client had already sent on
   * an idle keep-alive connection, or a connection still in the accept backlog, was reset
   * (ECONNRESET) rather than answered: a probe saw 59 of 160 under load.
   */
  grace?: () => Promise<void>;
  /**
   * Runs once the grace is over, just before the listener closes: connections still receiving a
   * request are dropped (client-error.ts, dropArriving). Node's close waits for them, and stops
   * the timer that would have answered them 408: a client trickling its request held the
   * shutdown until its deadline.
   */
  dropArriving?: () => void;
}

/** `closing` resolves once requests are being answered with the 503. */
export function installClosingAnswer(fastify: FastifyInstance, options: ClosingOptions = {}): { closing: Promise<void> } {
  let closing = false;
  let began = (): void => undefined;
  const closingBegan = new Promise<void>((resolve) => (began = resolve));
  fastify.addHook('preClose', async () => {
    closing = true;
    began();
    // Nobody can be on the way to a server that never listened (its port was refused): no grace.
    if (fastify.server.listening) await options.grace?.();
    options.dropArriving?.();
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!closing) return undefined;
    answeredCodes.set(request, 'SERVICE_UNAVAILABLE'); // for the request log line, as every error's
    reply.code(503).header('connection', 'close');
    reply.send({ error: { code: 'SERVICE_UNAVAILABLE', message: 'the server is shutting down; send the request again (to another instance, or once it is back)' } });
    return reply; // answered: nothing after this hook runs
  });
  return { closing: closingBegan };
}
