/**
 * How deep a client may pipeline. Node's HTTP server runs every request of a chunk it has read at
 * once and keeps each answer until the client takes it, so a client pipelining requests without
 * reading the answers made the server hold them all (a black-box review: 60 connections of 100
 * pipelined `GET /api/docs`, 210 KB sent with no token, took the API from 150 MB to 1.5 GB and
 * its health answer to 19 s; a history of 3 MB pipelined 50 deep on 40 connections, to 2.6 GB).
 * A request that arrives on a connection already holding PIPELINE_DEPTH requests unanswered is
 * answered 503 SERVICE_UNAVAILABLE in the error format with the connection closed, nothing of it
 * run: the answers due before it are sent in order, then the connection ends, and the requests
 * pipelined behind it are neither run nor answered. No browser pipelines, and HTTP clients that
 * do (undici's `pipelining`) default to one request at a time.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { answeredCodes } from './error.filter';

/** Requests a connection may have unanswered at once, the one arriving included. */
export const PIPELINE_DEPTH = 8;

export function installPipeliningBound(fastify: FastifyInstance, depth = PIPELINE_DEPTH): void {
  const unanswered = new WeakMap<Socket, number>();
  // A connection refused once stays refused: a request read after the refusal (its answer queued
  // behind the 503, whose connection: close drops it) must not run, even once answers before
  // the refusal were taken and the count fell below the bound.
  const refused = new WeakSet<Socket>();
  fastify.addHook('onRequest', async (request, reply) => {
    const socket = request.raw.socket;
    const held = (unanswered.get(socket) ?? 0) + 1;
    unanswered.set(socket, held);
    // 'close': the answer was handed over whole, or the connection ended before it was.
    reply.raw.once('close', () => unanswered.set(socket, (unanswered.get(socket) ?? 1) - 1));
    if (held <= depth && !refused.has(socket)) return undefined;
    refused.add(socket);
    answeredCodes.set(request, 'SERVICE_UNAVAILABLE'); // for the request log line, as every error's
    reply.code(503).header('connection', 'close');
    reply.send({ error: { code: 'SERVICE_UNAVAILABLE', message: `more than ${depth} requests pipelined on one connection without their answers taken; send the rest once those are read, or on other connections` } });
    return reply; // answered: nothing after this hook runs
  });
}
