import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SignJWT } from 'jose';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import { HttpError } from './http-error';

const SECRET = 'unit-secret-unit-secret-unit-secret-0000';
const NOW = Date.UTC(2024, 4, 6, 8, 0, 0);

const sign = (claims: Record<string, unknown>, expiresAt: number, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(expiresAt / 1000)).sign(new TextEncoder().encode(secret));

class Controller {}
function handler(): void {}

/** Runs the guard on a request bearing `token`; the request, as the handler would get it. */
function authenticate(guard: AuthGuard, token: string): AuthenticatedRequest {
  const request: AuthenticatedRequest = { headers: { authorization: `Bearer ${token}` } };
  const context = {
    getHandler: () => handler,
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  guard.canActivate(context);
  return request;
}

const refusal = (run: () => unknown): HttpError => {
  try {
    run();
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('AuthGuard (API.md, Authentication): a token verified once is trusted again only until it expires', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it('a token used again after its exp is refused (401), though it was accepted before', async () => {
    const guard = new AuthGuard(SECRET, new Reflector());
    const token = await sign({ sub: 'p1', role: 'professional', personId: 'p1', unitId: 'u1' }, NOW + 60_000);
    expect(authenticate(guard, token).actor).toEqual({ sub: 'p1', role: 'professional', personId: 'p1', unitId: 'u1' });
    jest.setSystemTime(NOW + 60_000);
    expect(authenticate(guard, token).actor?.sub).toBe('p1');
    jest.setSystemTime(NOW + 60_001);
    expect(refusal(() => authenticate(guard, token))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'the token has expired' });
  });

  it('a refused token stays refused: a failure is never remembered as a success', async () => {
    const guard = new AuthGuard(SECRET, new Reflector());
    const forged = await sign({ sub: 'p1', role: 'professional', personId: 'p1', unitId: 'u1' }, NOW + 60_000, 'another-secret-another-secret-another-00');
    const noScope = await sign({ sub: 'u', role: 'unit' }, NOW + 60_000);
    for (let i = 0; i < 2; i++) {
      expect(refusal(() => authenticate(guard, forged))).toMatchObject({ status: 401, message: 'the token is not valid' });
      expect(refusal(() => authenticate(guard, noScope))).toMatchObject({ status: 401, message: 'a unit token needs a valid unitId claim' });
    }
  });

  it('iat and nbf, when present, are numbers of seconds (RFC 7519 NumericDate), as exp is: any other value is 401', async () => {
    const guard = new AuthGuard(SECRET, new Reflector());
    const claims = { sub: 'p1', role: 'professional', personId: 'p1', unitId: 'u1' };
    expect(authenticate(guard, await sign({ ...claims, iat: Math.floor(NOW / 1000) - 60 }, NOW + 60_000)).actor?.sub).toBe('p1');
    for (const iat of ['x', '1714982400', null, [1]]) {
      const token = await sign({ ...claims, iat }, NOW + 60_000);
      expect(refusal(() => authenticate(guard, token))).toMatchObject({ status: 401, message: "the token's iat is not a number of seconds" });
    }
    for (const nbf of ['x', null]) {
      const token = await sign({ ...claims, nbf }, NOW + 60_000);
      expect(refusal(() => authenticate(guard, token))).toMatchObject({ status: 401 });
    }
  });

  it('each request gets its own actor: changing one request does not change what the next is told', async () => {
    const guard = new AuthGuard(SECRET, new Reflector());
    const token = await sign({ sub: 'a1', role: 'authority', region: '360100' }, NOW + 60_000);
    authenticate(guard, token).actor!.region = '360000';
    expect(authenticate(guard, token).actor).toEqual({ sub: 'a1', role: 'authority', region: '360100' });
  });
});
