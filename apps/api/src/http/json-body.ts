/**
 * Body parsing that never answers before authentication: unreadable JSON or another content type
 * becomes a marker that validation turns into a 400 (API.md's order is 401, 403, then 400).
 * Fastify's bodyLimit still answers 413 first, as API.md allows.
 */
import type { FastifyInstance } from 'fastify';
import { isWellFormedText } from '@jx/event-store';
import { hasDuplicateNames } from './i-json';
import { DUPLICATE_NAMES, ENCODED, INVALID_JSON, NOT_I_JSON, NOT_JSON, NOT_UTF8 } from './validation';

/** A \uD800–\uDFFF escape: the only way an unpaired surrogate gets in (UTF-8 decoding never makes one). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Every string of a parsed body, member names included, is well-formed UTF-16. A walk with a
 * stack of its own: a body nested thousands deep (well within 64 KiB) must not overflow the call
 * stack before authentication has answered.
 */
function wellFormed(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (!isWellFormedText(value)) return false;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        if (!isWellFormedText(key)) return false;
        pending.push(member);
      }
    }
  }
  return true;
}

/**
 * Strict UTF-8: decoding as a string would turn bytes that are not UTF-8 into U+FFFD, silently
 * stored. A leading byte order mark is dropped (RFC 8259 §8.1 lets a parser ignore it).
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A `charset` parameter naming neither UTF-8 nor its subset US-ASCII (JSON is UTF-8, RFC 8259 §8.1:
 * a latin1 body would be misread). An empty one says nothing. ASCII-labelled bytes above 0x7F are
 * still refused by the UTF-8 decoding unless they are UTF-8.
 */
const otherCharset = (contentType: string | undefined): boolean => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1];
  return charset !== undefined && charset !== '' && !/^(utf-?8|us-ascii|ascii)$/i.test(charset);
};

/** A body sent compressed (or otherwise encoded): not decoded here, so not read as if it were not. */
const encoded = (header: string | string[] | undefined): boolean => header !== undefined && String(header).trim().toLowerCase() !== 'identity';

/** RFC 9110 §5.6.2 token: what a media type's type and subtype are made of. */
const TOKEN = /^[\w!#$%&'*+.^`|~-]+$/;

/**
 * Whether a Content-Type header names a media type (`type/subtype`, parameters aside), as Fastify
 * judges it. One that does not, Fastify answers 415 before any hook or guard runs: before 401 and
 * 403, which API.md puts first.
 */
export function namesMediaType(header: string): boolean {
  if (header === '' || header === 'undefined') return false;
  const semicolon = header.indexOf(';');
  const mediaType = semicolon === -1 ? header : header.slice(0, semicolon);
  const slash = mediaType.indexOf('/');
  return slash !== -1 && TOKEN.test(mediaType.slice(0, slash).trimStart()) && TOKEN.test(mediaType.slice(slash + 1).trimEnd());
}

/** What such a header is replaced with: a type no parser here takes as JSON (a body then gets 400 in its turn). */
const UNREADABLE_TYPE = 'application/x-unreadable-content-type';

export function installBodyParsers(fastify: FastifyInstance): void {
  // Before Fastify reads the header (it does so after the onRequest hooks).
  fastify.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers['content-type'];
    if (typeof header === 'string' && !namesMediaType(header)) request.headers['content-type'] = UNREADABLE_TYPE;
    done();
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(/^application\/([\w.+-]+\+)?json(\s*;.*)?$/i, { parseAs: 'buffer' }, (req, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    if (encoded(req.headers['content-encoding'])) return done(null, ENCODED);
    if (otherCharset(req.headers['content-type'])) return done(null, NOT_UTF8);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return done(null, NOT_UTF8);
    }
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(null, INVALID_JSON);
    }
    // I-JSON only (RFC 7493): the history's canonical form (RFC 8785) cannot write what it refuses.
    if (hasDuplicateNames(text, parsed)) return done(null, DUPLICATE_NAMES);
    done(null, SURROGATE_ESCAPE.test(text) && !wellFormed(parsed) ? NOT_I_JSON : parsed);
  });
  // An empty body is no body whatever its type (`curl -X DELETE -d ''` says form-urlencoded).
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, (body as Buffer).length === 0 ? undefined : NOT_JSON));
}
