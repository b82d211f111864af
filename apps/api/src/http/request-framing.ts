/**
 * What HTTP/1.1 asks of every request before its route is looked at, answered in the API's error
 * format like every refusal (API.md) and with the connection closed, nothing of the request run:
 * - exactly one Host header of valid syntax (RFC 9112 §3.2: 400 otherwise). Node's own check
 *   (`requireHostHeader`, turned off for this) answered a missing one 400 with no body, and let
 *   two Host headers, or one holding a space, through;
 * - a declared body (`Content-Length`) of at most 64 KiB, whatever the method (API.md: larger →
 *   413). Fastify reads no body of a GET, so a GET declaring 70,000 bytes was answered 200.
 */
import type { FastifyInstance } from 'fastify';
import { answeredCodes } from './error.filter';

/** Node's server options: its own Host check off, so that this one answers (see above). */
export const FRAMING_HTTP_OPTIONS = { requireHostHeader: false } as const;

/** uri-host [":" port]: a registered name (letters, digits, `-._~`, sub-delims, percent-encoding) or an IP literal. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::\d{0,5})?$/;

export function installRequestFraming(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const refusal = hostRefusal(request.raw.rawHeaders, request.raw.httpVersion) ?? lengthRefusal(request.headers['content-length'], bodyLimit);
    if (refusal === undefined) return undefined;
    const [status, code, message] = refusal;
    answeredCodes.set(request, code); // for the request log line, as every error's
    reply.code(status).header('connection', 'close').send({ error: { code, message } });
    return reply; // answered: nothing after this hook runs
  });
}

type Refusal = [status: number, code: string, message: string];

function hostRefusal(rawHeaders: readonly string[], httpVersion: string): Refusal | undefined {
  const hosts: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'host') hosts.push(rawHeaders[i + 1]!);
  // HTTP/1.0 predates Host: such a request may come without one.
  if (hosts.length === 0 && httpVersion === '1.0') return undefined;
  if (hosts.length === 1 && HOST.test(hosts[0]!)) return undefined;
  return [400, 'MALFORMED_REQUEST', 'the request must carry exactly one Host header, a host name or address with an optional port (RFC 9112 §3.2)'];
}

function lengthRefusal(contentLength: string | undefined, bodyLimit: number): Refusal | undefined {
  // Node's parser has refused a Content-Length that is not a number already (400 MALFORMED_REQUEST).
  if (contentLength === undefined || Number(contentLength) <= bodyLimit) return undefined;
  return [413, 'PAYLOAD_TOO_LARGE', `the request body exceeds ${bodyLimit / 1024} KiB`];
}
