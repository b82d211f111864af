/**
 * Authentication (API.md): `Authorization: Bearer <JWT>`, HS256 only, `exp` required, a known
 * role and the scope claims that role needs. Every failure is 401 UNAUTHENTICATED in the error
 * format, and a 401 on a write endpoint writes nothing.
 */
import { SignJWT, type JWTPayload } from 'jose';
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { activity, world, yearPath, type World } from './support/fixtures';
import { expectError, withoutWrite } from './support/matrix';
import { SECRET, startTestApp, type TestApp } from './support/test-app';
import { undocumentedErrors } from './support/documented-errors';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startTestApp();
  w = await world(t);
});
afterAll(() => t.close());

const key = (secret: string) => new TextEncoder().encode(secret);
const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims that would be allowed to declare for p1 in u1, so only the token's flaw can refuse it. */
const P1: JWTPayload = { sub: 'user-p1', role: 'professional', personId: 'p1', unitId: 'u1' };

async function signed(payload: JWTPayload, options: { alg?: string; secret?: string; exp?: number | null } = {}): Promise<string> {
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt();
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? inOneHour());
  return jwt.sign(key(options.secret ?? SECRET));
}

/** A token whose header and claims are the texts given (a name written twice, say), signed with the secret by hand. */
function signedText(header: string, claims: string): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/** An unsigned token (`alg: none`), built by hand: jose refuses to produce one. */
const unsigned = (payload: JWTPayload) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...payload, exp: inOneHour() })}.`;

interface BadCredential {
  rule: string;
  headers: () => Promise<Record<string, string>>;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const badCredentials: BadCredential[] = [
  { rule: 'no Authorization header', headers: async () => ({}) },
  { rule: 'a Basic credential is not Bearer', headers: async () => ({ authorization: `Basic ${Buffer.from('p1:secret').toString('base64')}` }) },
  { rule: 'a bare token without the Bearer scheme', headers: async () => ({ authorization: await signed(P1) }) },
  { rule: 'Bearer with nothing after it', headers: async () => ({ authorization: 'Bearer ' }) },
  { rule: 'a garbage token', headers: async () => bearer('not-a-jwt') },
  { rule: 'three garbage segments', headers: async () => bearer('aaa.bbb.ccc') },
  { rule: 'a signature made with another secret', headers: async () => bearer(await signed(P1, { secret: 'another-secret-another-secret-another' })) },
  {
    rule: 'a payload altered after signing (role raised to authority)',
    headers: async () => {
      const [header, , signature] = (await signed(P1)).split('.');
      return bearer(`${header}.${b64url({ ...P1, role: 'authority', region: '360000', exp: inOneHour() })}.${signature}`);
    },
  },
  { rule: 'an expired token (exp in the past)', headers: async () => bearer(await signed(P1, { exp: Math.floor(Date.now() / 1000) - 60 })) },
  { rule: 'a token without exp', headers: async () => bearer(await signed(P1, { exp: null })) },
  { rule: 'an unsigned alg:none token', headers: async () => bearer(unsigned(P1)) },
  { rule: 'an alg:none token carrying a signature of the secret', headers: async () => bearer(`${unsigned(P1)}${(await signed(P1)).split('.')[2]}`) },
  { rule: 'HS512 with the same secret (HS256 only)', headers: async () => bearer(await signed(P1, { alg: 'HS512' })) },
  { rule: 'HS384 with the same secret (HS256 only)', headers: async () => bearer(await signed(P1, { alg: 'HS384' })) },
  { rule: 'an unknown role', headers: async () => bearer(await signed({ ...P1, role: 'admin' })) },
  { rule: 'a sub holding an unpaired UTF-16 surrogate (sub is recorded in the hash chain, RFC 8785)', headers: async () => bearer(await signed({ ...P1, sub: 'user-\ud800' })) },
  { rule: 'a sub holding a control character (the actor recorded in the history)', headers: async () => bearer(await signed({ ...P1, sub: 'user\u0000admin' })) },
  { rule: 'a sub holding a bidirectional override (it would read differently on screen)', headers: async () => bearer(await signed({ ...P1, sub: 'user-\u202eadmin' })) },
  { rule: 'a blank sub (white space only)', headers: async () => bearer(await signed({ ...P1, sub: ' ' })) },
  { rule: 'an invisible sub (a zero-width space)', headers: async () => bearer(await signed({ ...P1, sub: '\u200b' })) },
  { rule: 'an exp written as 1e400 (read as Infinity: a token that never expires)', headers: async () => bearer(signedText('{"alg":"HS256","typ":"JWT"}', '{"sub":"user-p1","role":"professional","personId":"p1","unitId":"u1","exp":1e400}')) },
  { rule: 'an exp after 9999-12-31', headers: async () => bearer(await signed(P1, { exp: 253_402_300_800 })) },
  { rule: 'no role at all', headers: async () => bearer(await signed({ sub: 'user-p1', personId: 'p1', unitId: 'u1' })) },
  { rule: 'a role of the wrong case (Professional)', headers: async () => bearer(await signed({ ...P1, role: 'Professional' })) },
  { rule: 'a professional without personId', headers: async () => bearer(await signed({ sub: 'x', role: 'professional', unitId: 'u1' })) },
  { rule: 'a professional without unitId', headers: async () => bearer(await signed({ sub: 'x', role: 'professional', personId: 'p1' })) },
  { rule: 'a professional with a malformed personId', headers: async () => bearer(await signed({ ...P1, personId: 'p 1/..' })) },
  { rule: 'an institution without institutionId', headers: async () => bearer(await signed({ sub: 'x', role: 'institution' })) },
  { rule: 'a unit without unitId', headers: async () => bearer(await signed({ sub: 'x', role: 'unit' })) },
  { rule: 'a unit whose unitId is not a string', headers: async () => bearer(await signed({ sub: 'x', role: 'unit', unitId: 7 })) },
  { rule: 'an authority without region', headers: async () => bearer(await signed({ sub: 'x', role: 'authority' })) },
  { rule: 'a regulator without region', headers: async () => bearer(await signed({ sub: 'x', role: 'regulator' })) },
  { rule: 'an authority with a 4-digit region', headers: async () => bearer(await signed({ sub: 'x', role: 'authority', region: '3601' })) },
  { rule: 'an authority with a 7-digit region', headers: async () => bearer(await signed({ sub: 'x', role: 'authority', region: '3601000' })) },
  { rule: 'an authority with a non-numeric region', headers: async () => bearer(await signed({ sub: 'x', role: 'authority', region: '36a100' })) },
  { rule: 'a regulator with an empty region', headers: async () => bearer(await signed({ sub: 'x', role: 'regulator', region: '' })) },
  { rule: 'an industry authority of a field no rule set knows', headers: async () => bearer(await signed({ sub: 'x', role: 'authority', region: '360000', industry: 'nonsense' })) },
  // A gateway reading the first of two values would see another actor than this server, which reads the last.
  { rule: 'a claim written twice (role: regulator, then authority)', headers: async () => bearer(signedText('{"alg":"HS256","typ":"JWT"}', `{"sub":"x","role":"regulator","region":"360000","role":"authority","exp":${inOneHour()}}`)) },
  { rule: 'a header member written twice (alg: none, then HS256)', headers: async () => bearer(signedText('{"alg":"none","alg":"HS256"}', JSON.stringify({ ...P1, exp: inOneHour() }))) },
  // industry narrows an authority to one field: on another role it would be ignored, and a regulator meant for one field would read them all.
  { rule: 'a regulator with an industry claim (authorities only)', headers: async () => bearer(await signed({ sub: 'x', role: 'regulator', region: '360000', industry: 'health' })) },
  { rule: 'a professional with an industry claim (authorities only)', headers: async () => bearer(await signed({ ...P1, industry: 'general' })) },
];

describe('401 UNAUTHENTICATED: the token is missing, bad, expired, not HS256, or lacks its role and scope', () => {
  it.each(badCredentials)('$rule → 401 on a write, which writes nothing', async ({ headers }) => {
    const res = await withoutWrite(t, async () => t.call('POST', `${yearPath()}/activities`, { headers: await headers(), body: activity({ activityId: 'auth-probe' }) }));
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it.each(badCredentials)('$rule → 401 on a read', async ({ headers }) => {
    const res = await t.call('GET', '/api/authorities/pending', { headers: await headers() });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('401 comes before 403 and 404: an expired authority token on an unknown person-year is 401', async () => {
    const expired = await signed({ sub: 'hr', role: 'authority', region: '360000' }, { exp: Math.floor(Date.now() / 1000) - 1 });
    const res = await withoutWrite(t, () => t.call('POST', `${yearPath('nobody')}/fraud-flags`, { headers: bearer(expired), body: { reason: 'x' } }));
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('401 on every kind of write: PUT, POST and DELETE refuse a token signed with another secret and write nothing', async () => {
    const forged = await signed({ sub: 'hr', role: 'authority', region: '360000' }, { secret: 'not-the-secret-not-the-secret-not-the' });
    const forgedPro = await signed(P1, { secret: 'not-the-secret-not-the-secret-not-the' });
    const sends: Array<[string, string, unknown]> = [
      ['PUT', '/api/units/u9', { name: 'Forged', region: '360102', industry: 'general' }],
      ['POST', `${yearPath()}/fraud-flags`, { reason: 'forged' }],
      ['POST', '/api/institutions/inst1/fraud-flags', { year: 2024, reason: 'forged' }],
      ['POST', `${yearPath()}/make-up`, { reason: 'illness' }],
    ];
    for (const [method, path, body] of sends) {
      expectError(await withoutWrite(t, () => t.call(method, path, { headers: bearer(forged), body })), 401, 'UNAUTHENTICATED');
    }
    expectError(await withoutWrite(t, () => t.call('DELETE', `${yearPath()}/activities/a1`, { headers: bearer(forgedPro) })), 401, 'UNAUTHENTICATED');
  });
});

/** One request as raw HTTP/1.1, for what fetch cannot send (two header lines of one name); resolves with the status. */
function rawStatus(path: string, headerLines: string[], body: string, method = 'POST'): Promise<number> {
  const { hostname, port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      // `connection: close`: the server ends the connection after its answer (a half-closing client
      // is answered too: test/half-closed-client.e2e-spec.ts).
      socket.write([`${method} ${path} HTTP/1.1`, `host: ${hostname}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, 'connection: close', ...headerLines, '', body].join('\r\n'));
    });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])));
    socket.on('error', reject);
  });
}

describe('two Authorization headers: 401, whichever comes first (Node reads the first, a gateway in front may read the other)', () => {
  it('a professional token and an authority token, in either order, are refused and write nothing', async () => {
    const pro = `authorization: Bearer ${await signed(P1)}`;
    const hr = `authorization: Bearer ${await signed({ sub: 'hr', role: 'authority', region: '360000' })}`;
    const body = JSON.stringify(activity({ activityId: 'two-headers' }));
    const before = await t.head();
    expect(await rawStatus(`${yearPath()}/activities`, [pro, hr], body)).toBe(401);
    expect(await rawStatus(`${yearPath()}/activities`, [hr, pro], body)).toBe(401);
    expect(await t.head()).toBe(before);
    // One of them alone is taken (the helper itself is sound).
    expect(await rawStatus(`${yearPath()}/activities`, [pro], body)).toBe(201);
  });

  it('also on a path the router cannot read, answered outside Nest: 401 with two, 400 with one', async () => {
    const pro = `authorization: Bearer ${await signed(P1)}`;
    expect(await rawStatus('/api/persons/%ZZ/years/2024', [pro, 'authorization: Bearer garbage'], '', 'GET')).toBe(401);
    expect(await rawStatus('/api/persons/%ZZ/years/2024', [pro], '', 'GET')).toBe(400);
  });
});

describe('a Content-Type that names no media type is refused in its turn (API.md: 401, then 403, then 400), never 415 before them', () => {
  it.each(['', ';', 'application/json, text/plain', 'undefined'])('Content-Type %j: 401 without a token, 403 for a regulator, 400 for a professional; nothing written', async (type) => {
    const send = (headers: Record<string, string>) =>
      withoutWrite(t, () => t.call('POST', `${yearPath()}/activities`, { headers: { 'content-type': type, ...headers }, raw: JSON.stringify(activity({ activityId: 'ct-probe' })) }));
    expectError(await send({}), 401, 'UNAUTHENTICATED');
    expectError(await send(bearer(await t.token({ role: 'regulator', region: '360000' }))), 403);
    expectError(await send(bearer(await signed(P1))), 400, 'INVALID_JSON');
  });
});

describe('a valid token is accepted', () => {
  it('a token signed by hand with each name once declares (the check on repeated names refuses only repetitions)', async () => {
    const token = signedText('{"alg":"HS256","typ":"JWT"}', JSON.stringify({ ...P1, exp: inOneHour(), note: 'a "role": inside a string' }));
    const res = await t.call('POST', `${yearPath()}/activities`, { headers: bearer(token), body: activity({ activityId: 'auth-hand' }) });
    expect(res.status).toBe(201);
  });

  it('an HS256 token with exp, role and scope claims declares (201)', async () => {
    const res = await t.call('POST', `${yearPath()}/activities`, { headers: bearer(await signed(P1)), body: activity({ activityId: 'auth-ok' }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ activityId: 'auth-ok', status: 'declared' });
  });

  it('the actor recorded on the event is the token sub and role', async () => {
    const res = await t.call('GET', `${yearPath()}/history`, { token: w.pro });
    expect(res.status).toBe(200);
    const declared = (res.body as Array<{ type: string; actor: unknown; data: { activityId?: string } }>).find((e) => e.data.activityId === 'auth-ok');
    expect(declared?.actor).toEqual({ id: 'user-p1', role: 'professional' });
  });

  it('the Bearer scheme is case-insensitive (RFC 9110): bearer and BEARER are accepted', async () => {
    const token = await signed({ sub: 'hr', role: 'authority', region: '360000' });
    expect((await t.call('GET', '/api/authorities/pending', { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
    expect((await t.call('GET', '/api/authorities/pending', { headers: { authorization: `BEARER ${token}` } })).status).toBe(200);
  });

  it('an industry authority (with industry) and a county authority are valid tokens', async () => {
    const industry = await signed({ sub: 'ind', role: 'authority', region: '360100', industry: 'health' });
    const county = await signed({ sub: 'cty', role: 'authority', region: '360102' });
    expect((await t.call('GET', '/api/authorities/pending', { headers: bearer(industry) })).status).toBe(200);
    expect((await t.call('GET', '/api/authorities/pending', { headers: bearer(county) })).status).toBe(200);
  });
});

describe('public routes need no token', () => {
  it('GET /api/health answers 200 without a token', async () => {
    expect((await t.call('GET', '/api/health')).status).toBe(200);
  });

  it('GET /api/docs answers 200 without a token', async () => {
    const res = await t.call('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
  });

  it('a bad token on a public route is ignored, not refused', async () => {
    expect((await t.call('GET', '/api/health', { headers: bearer('garbage') })).status).toBe(200);
  });
});

it('documents in /api/docs every error it answered here (API.md: what it does not name, document there)', async () => {
  expect(t.errorAnswers.length).toBeGreaterThan(0);
  expect(await undocumentedErrors(t)).toEqual([]);
});
