/**
 * A path the router cannot even read — bad percent-encoding (`%ZZ`), or a parameter longer than
 * the router takes — is answered 400 in the API's error format, as every malformed path is
 * (API.md). Fastify's own answer had another format, a 414, and echoed the URL, person ids and all.
 * No route means no endpoint to authenticate for: like an unknown route, it answers without a token.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { answeredCodes } from './error.filter';

const REASONS: Record<string, string> = {
  FST_ERR_BAD_URL: 'is not a valid URL path (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'has a segment longer than 4096 characters',
};

export function unroutablePath(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const reason = REASONS[error.code] ?? 'cannot be read';
  answeredCodes.set(request, 'VALIDATION_FAILED');
  void reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: `path: ${reason}`, details: [{ field: 'path', reason }] } });
}
