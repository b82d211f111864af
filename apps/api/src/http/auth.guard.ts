/**
 * Authentication (API.md): Bearer JWT, HS256 only, `exp` required, a known role and the scope
 * claims that role needs. Any failure is 401 and the request goes no further.
 */
import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createVerifier, TOKEN_ERROR_CODES, TokenError } from 'fast-jwt';
import { isField, ROLES, type ActorClaims, type Role } from '@jx/domain';
import { isWellFormedText } from '@jx/event-store';
import { HttpError } from './http-error';
import { hasDuplicateNames } from './i-json';
import { hasLineControls, isBlank } from './validation';

export const JWT_SECRET = Symbol('JWT_SECRET');
const PUBLIC = 'jx:public';
/** Marks a route that needs no token (health, docs). */
export const Public = () => SetMetadata(PUBLIC, true);

const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer ([A-Za-z0-9_.-]+)$/i;
const REGION = /^\d{6}$/;
const SCOPE_CLAIMS: Record<Role, ReadonlyArray<'personId' | 'unitId' | 'institutionId' | 'region'>> = {
  professional: ['personId', 'unitId'],
  institution: ['institutionId'],
  unit: ['unitId'],
  authority: ['region'],
  regulator: ['region'],
};

/** Said of a token in messages: "an authority token", "a unit token". */
const A_ROLE: Record<Role, string> = { professional: 'a professional', institution: 'an institution', unit: 'a unit', authority: 'an authority', regulator: 'a regulator' };

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The Node request: its header lines as sent (Node keeps only the first of two Authorization headers). */
  raw?: { rawHeaders?: readonly string[] };
  actor?: ActorClaims;
}

/** 9999-12-31T23:59:59Z: an `exp` beyond (or not finite: 1e400 reads as Infinity) is no time a token should live to. */
const LATEST_EXP = 253_402_300_799;

/** How many Authorization header lines a request carries. */
function authorizationLines(request: AuthenticatedRequest): number {
  const lines = request.raw?.rawHeaders ?? [];
  let count = 0;
  for (let i = 0; i < lines.length; i += 2) if (lines[i]!.length === 13 && lines[i]!.toLowerCase() === 'authorization') count += 1;
  return count;
}

const unauthorized = (message: string) => new HttpError(401, 'UNAUTHENTICATED', message);

export function claimsOf(payload: Record<string, unknown>): ActorClaims {
  const { sub, role } = payload;
  // sub is recorded as the actor in the hash chain: it must be I-JSON text (RFC 8785).
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128 || !isWellFormedText(sub) || hasLineControls(sub) || isBlank(sub)) throw unauthorized('the token has no valid sub');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw unauthorized('the token has an unknown role');
  const actor: ActorClaims = { sub, role: role as Role };
  for (const claim of SCOPE_CLAIMS[role as Role]) {
    const value = payload[claim];
    const ok = typeof value === 'string' && (claim === 'region' ? REGION : ID).test(value);
    if (!ok) throw unauthorized(`${A_ROLE[role as Role]} token needs a valid ${claim} claim`);
    actor[claim] = value as string;
  }
  // Only an authority may be narrowed to a field (API.md): ignored on another role, the claim would
  // leave a regulator meant for one field reading them all.
  if (role !== 'authority' && payload.industry !== undefined) throw unauthorized(`industry is a claim of authority tokens only, not of ${A_ROLE[role as Role]} token`);
  if (role === 'authority' && payload.industry !== undefined) {
    // A field no rule set knows would scope the authority to nothing: refused like any bad scope claim.
    if (typeof payload.industry !== 'string' || !isField(payload.industry)) throw unauthorized('industry must be one of the configured fields');
    actor.industry = payload.industry;
  }
  return actor;
}

/**
 * A claim (or header member) written twice is read as its last value here, and perhaps as its first
 * by a gateway in front: refused, as request bodies are (json-body.ts). Run on a verified token only.
 */
function refuseRepeatedNames(token: string): void {
  for (const part of token.split('.').slice(0, 2)) {
    const text = Buffer.from(part, 'base64url').toString('utf8');
    if (hasDuplicateNames(text, JSON.parse(text))) throw unauthorized('the token repeats a claim or header member: which value counts would be ambiguous');
  }
}

/** Tokens verified recently, by their exact text, with the actor they name (bounded, oldest out first). */
const VERIFIED_TOKENS = 10_000;

@Injectable()
export class AuthGuard implements CanActivate {
  /** fast-jwt (node:crypto, synchronous HMAC): HS256 only, `exp` required. */
  private readonly verify: (token: string) => Record<string, unknown>;
  /**
   * A client's repeated requests skip the HMAC and the claim checks: the same text carries the
   * same signature and claims, so only its expiry can change the answer, and it is checked on
   * every use. (fast-jwt's own cache hashes each token to look it up, which costs about as much
   * as verifying it.) Tokens that fail are never kept.
   */
  private readonly verified = new Map<string, { actor: ActorClaims; expiresAt: number }>();

  constructor(@Inject(JWT_SECRET) secret: string, @Inject(Reflector) private readonly reflector: Reflector) {
    this.verify = createVerifier({ key: secret, algorithms: ['HS256'], requiredClaims: ['exp'] });
  }

  private actorOf(token: string): ActorClaims {
    const known = this.verified.get(token);
    // Up to and including the instant of `exp`, as fast-jwt's own check.
    if (known !== undefined && Date.now() <= known.expiresAt) return known.actor;
    this.verified.delete(token);
    const payload = this.verify(token);
    refuseRepeatedNames(token);
    // Required, a number of seconds, and not passed: the verifier checks that much.
    const exp = payload.exp as number;
    if (!Number.isFinite(exp) || exp > LATEST_EXP) throw unauthorized('the token\'s exp is no time it could expire at');
    // NumericDate claims (RFC 7519 §2): when present, numbers of seconds, as `exp` is.
    for (const claim of ['iat', 'nbf'] as const) {
      const value = payload[claim];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw unauthorized(`the token's ${claim} is not a number of seconds`);
    }
    const actor = claimsOf(payload);
    this.verified.set(token, { actor, expiresAt: exp * 1000 });
    if (this.verified.size > VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    return actor;
  }

  /** Whether a request carries a token this guard accepts (for answers given outside Nest's routing). */
  authenticates(request: AuthenticatedRequest): boolean {
    try {
      this.actorFor(request);
      return true;
    } catch {
      return false;
    }
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // A copy: the request may not change what later requests with the same token are told.
    request.actor = { ...this.actorFor(request) };
    return true;
  }

  /** The actor a request's one Bearer token names; 401 (HttpError) for anything else. */
  private actorFor(request: AuthenticatedRequest): ActorClaims {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw unauthorized('an Authorization: Bearer token is required');
    // Node reads the first of two; a gateway in front may read the other: which actor acts would be ambiguous.
    if (authorizationLines(request) > 1) throw unauthorized('send one Authorization header, not several');
    try {
      return this.actorOf(match[1]!);
    } catch (e) {
      if (e instanceof HttpError) throw e;
      const expired = e instanceof TokenError && e.code === TOKEN_ERROR_CODES.expired;
      throw unauthorized(expired ? 'the token has expired' : 'the token is not valid');
    }
  }
}
