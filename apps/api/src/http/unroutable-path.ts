/**
 * A path the router cannot even read — bad percent-encoding (`%ZZ`), or a parameter longer than
 * the router takes — is answered in the API's error format: 401 without a valid token (API.md
 * checks authentication first), else 400, as every malformed path is. Fastify's own answer had
 * another format, a 414 for the long one, and echoed the URL, person ids and all. The route, and so
 * the role it needs (403), is not known here. Fastify answers these before any hook runs, so the
 * request log line is written here.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SECURITY_HEADERS } from './security-headers';

const REASONS: Record<string, string> = {
  FST_ERR_BAD_URL: 'is not a valid URL path (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'has a segment longer than 4096 characters',
};

export interface UnroutablePathDeps {
  /** Whether the request carries one valid Bearer token (AuthGuard.authenticates). */
  authenticates(request: FastifyRequest): boolean;
  /** Writes the request log line (as the app's onResponse hook does for routed requests). */
  logged(request: FastifyRequest, status: number, code: string): void;
}

export function unroutablePath(deps: UnroutablePathDeps) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const [status, code, message] = deps.authenticates(request)
      ? [400, 'VALIDATION_FAILED', `path: ${REASONS[error.code] ?? 'cannot be read'}`]
      : [401, 'UNAUTHENTICATED', 'a valid Authorization: Bearer token is required'];
    deps.logged(request, status, code);
    void reply.code(status).headers(SECURITY_HEADERS).send({ error: { code, message } });
  };
}
