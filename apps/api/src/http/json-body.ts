/**
 * Body parsing that never answers before authentication: unreadable JSON or another content type
 * becomes a marker that validation turns into a 400 (API.md's order is 401, 403, then 400).
 * Fastify's bodyLimit still answers 413 first, as API.md allows.
 */
import type { FastifyInstance } from 'fastify';
import { isWellFormedText } from '@jx/event-store';
import { INVALID_JSON, NOT_I_JSON, NOT_JSON } from './validation';

/** A \uD800–\uDFFF escape: the only way an unpaired surrogate gets in (UTF-8 decoding never makes one). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Every string of a parsed body, member names included, is well-formed UTF-16. */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string') return isWellFormedText(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(wellFormed);
  return Object.entries(value).every(([key, member]) => isWellFormedText(key) && wellFormed(member));
}

export function installBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(/^application\/([\w.+-]+\+)?json(\s*;.*)?$/i, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(null, INVALID_JSON);
    }
    // I-JSON only (RFC 7493): the history's canonical form (RFC 8785) cannot write what it refuses.
    done(null, SURROGATE_ESCAPE.test(text) && !wellFormed(parsed) ? NOT_I_JSON : parsed);
  });
  // An empty body is no body whatever its type (`curl -X DELETE -d ''` says form-urlencoded).
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, (body as Buffer).length === 0 ? undefined : NOT_JSON));
}
