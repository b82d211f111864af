/**
 * Body parsing that never answers before authentication: unreadable JSON or another content type
 * becomes a marker that validation turns into a 400 (API.md's order is 401, 403, then 400).
 * Fastify's bodyLimit still answers 413 first, as API.md allows.
 */
import type { FastifyInstance } from 'fastify';
import { INVALID_JSON, NOT_JSON } from './validation';

export function installBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(/^application\/([\w.+-]+\+)?json(\s*;.*)?$/i, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(null, INVALID_JSON);
    }
  });
  // An empty body is no body whatever its type (`curl -X DELETE -d ''` says form-urlencoded).
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, (body as Buffer).length === 0 ? undefined : NOT_JSON));
}
