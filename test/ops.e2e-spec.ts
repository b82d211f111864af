/** Health, OpenAPI, body limits and the order of errors (API.md, Errors and their order). */
import { activity, refusedFields, world, yearPath, type World } from './support/fixtures';
import { expectError, withoutWrite } from './support/matrix';
import { startTestApp, type TestApp } from './support/test-app';
import { READ_MODEL_STORE, type ReadModelStore } from '@jx/projections';
import { creditYearStream } from '@jx/domain';
import { ReadModelsProjection } from '../apps/worker/src/projections/read-models.projection-service';
import { connect } from 'node:net';
import { once } from 'node:events';

/** Sends bytes as they are (no HTTP client would send these) and reads the answer until the server closes. */
/** Writes `request` (raw bytes, any number of requests) on a connection of its own; everything received until it closes. */
async function rawText(request: string): Promise<string> {
  const { hostname, port } = new URL(t.baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.write(request);
  await once(socket, 'close');
  return text;
}

async function rawExchange(request: string): Promise<{ status: number; headers: string; body: any }> {
  const text = await rawText(request);
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startTestApp();
  w = await world(t);
});
afterAll(() => t.close());

it('GET /api/health answers 200 without a token when the event store answers', async () => {
  const res = await t.call('GET', '/api/health');
  expect(res.status).toBe(200);
  expect(res.body.checks.eventStore).toBe('up');
});

it('GET /api/health reports read models that do not answer, and still answers 200 while the event store does (API.md)', async () => {
  const own = await startTestApp();
  try {
    await own.app.get<ReadModelStore>(READ_MODEL_STORE).close();
    const res = await own.call('GET', '/api/health');
    expect([res.status, res.body.checks]).toEqual([200, { eventStore: 'up', readModels: 'down' }]);
  } finally {
    await own.close().catch(() => undefined); // its read models are closed already
  }
});

it('GET /api/health reports how far the read models are behind the events (a projection stopped: inboxes stale, everything answering)', async () => {
  const own = await startTestApp();
  try {
    await own.projected();
    expect((await own.call('GET', '/api/health')).body.readModelsLag).toEqual({ caughtUp: true, seconds: 0 });
    await own.app.get(ReadModelsProjection).runner.stop();
    const ow = await world(own);
    expect((await own.call('POST', `${yearPath()}/activities`, { token: ow.pro, body: activity() })).status).toBe(201);
    own.clock.set('2024-06-01T02:01:30.000Z'); // 90 s after the events (the app's clock)
    const res = await own.call('GET', '/api/health');
    expect([res.status, res.body.status]).toEqual([200, 'ok']);
    // The oldest event not projected: the first unit the world put, 90 s ago on the app's clock.
    expect(res.body.readModelsLag).toEqual({ caughtUp: false, seconds: 90 });
  } finally {
    await own.close().catch(() => undefined);
  }
});

it('GET /api/health answers 503 naming the event store when it does not answer', async () => {
  const own = await startTestApp();
  try {
    await own.store.close();
    const res = await own.call('GET', '/api/health');
    expect([res.status, res.body.status, res.body.checks.eventStore]).toEqual([503, 'unavailable', 'down']);
  } finally {
    await own.close().catch(() => undefined);
  }
});

it('GET /api/docs serves the OpenAPI description with the request schemas', async () => {
  const res = await t.call('GET', '/api/docs');
  expect(res.status).toBe(200);
  // 3.1: its schemas are JSON Schema 2020-12 (type lists, type null, const, propertyNames), which 3.0 refuses.
  expect(res.body.openapi).toBe('3.1.0');
  const text = JSON.stringify(res.body);
  expect(text).toContain('"type":"null"');
  expect(text).not.toContain('"nullable"'); // 3.0's way, meaningless in 3.1
  const declare = res.body.paths['/api/persons/{personId}/years/{year}/activities'].post;
  expect(declare.requestBody.content['application/json'].schema.properties.category.enum).toContain('8.1');
  expect(declare.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
});

it('GET /api/docs declares, on every operation, its path parameters, its success answer and its query parameters', async () => {
  const { paths } = (await t.call('GET', '/api/docs')).body as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Record<string, unknown> }>; responses: Record<string, unknown> }>> };
  for (const [path, item] of Object.entries(paths)) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [method, operation] of Object.entries(item)) {
      const inPath = (operation.parameters ?? []).filter((p) => p.in === 'path');
      expect({ operation: `${method} ${path}`, path: inPath.map((p) => p.name).sort() }).toEqual({ operation: `${method} ${path}`, path: [...names].sort() });
      expect(inPath.every((p) => p.required === true)).toBe(true);
      expect({ operation: `${method} ${path}`, success: Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)) }).toEqual({ operation: `${method} ${path}`, success: true });
    }
  }
  const declare = paths['/api/persons/{personId}/years/{year}/activities']!.post!;
  expect(Object.keys(declare.responses)).toEqual(expect.arrayContaining(['201', '200', '400', '401', '413']));
  // Every operation that takes a token says 400 and 401; every one with a body, 413; each error its own example code.
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (path === '/api/health' || path === '/api/docs') continue;
      expect({ operation: `${method} ${path}`, statuses: Object.keys(operation.responses) }).toEqual({ operation: `${method} ${path}`, statuses: expect.arrayContaining(['400', '401', '503', ...(method === 'get' || method === 'delete' ? [] : ['413'])]) });
      // Every command that appends may answer CONCURRENCY_CONFLICT (past its retries); a job's acceptance (202) appends nothing.
      const appends = method !== 'get' && !('202' in operation.responses);
      const conflict = String((operation.responses['409'] as { description?: string } | undefined)?.description ?? '').includes('CONCURRENCY_CONFLICT');
      expect({ operation: `${method} ${path}`, conflict }).toEqual({ operation: `${method} ${path}`, conflict: appends });
    }
  }
  const example = (status: string) => (declare.responses[status] as { content: { 'application/json': { schema: { properties: { error: { properties: { code: { example: string } } } } } } } }).content['application/json'].schema.properties.error.properties.code.example;
  expect([example('401'), example('403'), example('409')]).toEqual(['UNAUTHENTICATED', 'FORBIDDEN', 'YEAR_VOIDED']);
  expect(Object.keys(paths['/api/health']!.get!.responses).sort()).toEqual(['200', '503']);
  expect(declare.parameters!.find((p) => p.name === 'year')!.schema).toEqual({ type: 'integer', minimum: 2023, maximum: 2100 });
  expect(Object.keys(paths['/api/persons/{personId}/years/{year}/activities/{activityId}/verification']!.post!.responses)).toContain('200');
  const queryOf = (path: string) => (paths[path]!.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
  expect(queryOf('/api/authorities/pending')).toEqual(['cursor', 'limit', 'region']);
  expect(queryOf('/api/reports/compliance')).toEqual(['region', 'unitId', 'year']);
  expect(paths['/api/reports/compliance']!.get!.parameters!.find((p) => p.name === 'year')!.required).toBe(true);
});

it('GET /api/docs describes every error answer as the error format exactly, its code one of those the status names, and the request fields with their bounds', async () => {
  const docs = (await t.call('GET', '/api/docs')).body;
  for (const [path, item] of Object.entries(docs.paths as Record<string, Record<string, { responses: Record<string, { description: string; content?: { 'application/json': { schema: any } } }> }>>)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || path === '/api/health') continue;
        const schema = response.content!['application/json'].schema;
        const codes: string[] = schema.properties.error.properties.code.enum;
        expect({ at: `${method} ${path} ${status}`, required: schema.required, closed: [schema.additionalProperties, schema.properties.error.additionalProperties] }).toEqual({ at: `${method} ${path} ${status}`, required: ['error'], closed: [false, false] });
        expect({ at: `${method} ${path} ${status}`, codes: codes.length > 0 && codes.every((c) => /^[A-Z][A-Z0-9_]+$/.test(c) && response.description.includes(c)) }).toEqual({ at: `${method} ${path} ${status}`, codes: true });
      }
    }
  }
  const fraud = docs.paths['/api/institutions/{institutionId}/fraud-flags'].post.responses['503'].content['application/json'].schema;
  expect(fraud.properties.error.properties.code.enum).toEqual(['SERVICE_UNAVAILABLE']); // REDIS_URL, named in its prose, is no code
  const measure = docs.paths['/api/persons/{personId}/years/{year}/activities'].post.requestBody.content['application/json'].schema.properties.measure;
  expect(measure.properties.days).toMatchObject({ type: 'integer', minimum: 1, maximum: 366 });
  expect(measure.properties.hours).toMatchObject({ exclusiveMinimum: 0, maximum: 2000 });
  const completedOn = docs.paths['/api/persons/{personId}/years/{year}/activities'].post.requestBody.content['application/json'].schema.properties.completedOn;
  expect(completedOn).toMatchObject({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
  expect(docs.info.description).toContain('500 INTERNAL');
});

it('a path the router cannot read (bad percent-encoding, an over-long segment) is 401 without a valid token, else 400, in the error format and without the URL echoed', async () => {
  const head = await t.head();
  const forged = `${w.pro.slice(0, -2)}xx`;
  for (const path of ['/api/persons/%ZZ/years/2024', '/api/persons/p%C0%AF/years/2024', `/api/persons/${'p'.repeat(5000)}/years/2024`]) {
    const answers = { none: await t.call('GET', path), forged: await t.call('GET', path, { token: forged }), valid: await t.call('GET', path, { token: w.pro }) };
    expect(Object.values(answers).map((a) => [a.status, a.body?.error?.code])).toEqual([[401, 'UNAUTHENTICATED'], [401, 'UNAUTHENTICATED'], [400, 'VALIDATION_FAILED']]);
    expect(refusedFields(answers.valid.body)).toEqual([{ field: 'path', reason: expect.any(String) }]);
    expect(JSON.stringify(Object.values(answers).map((a) => a.body))).not.toMatch(/%ZZ|%C0|ppppp/);
  }
  expect(await t.head()).toBe(head);
});

it('every answer, success or error, forbids caches to keep it and browsers to sniff it (personal data)', async () => {
  await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'cache-1' }) });
  const answers = [
    await fetch(`${t.baseUrl}${yearPath()}`, { headers: { authorization: `Bearer ${w.pro}` } }),
    await fetch(`${t.baseUrl}${yearPath()}/history`),
    await fetch(`${t.baseUrl}/api/health`),
    await fetch(`${t.baseUrl}/api/persons/%ZZ/years/2024`),
  ];
  expect(answers.map((r) => [r.status, r.headers.get('cache-control'), r.headers.get('x-content-type-options')])).toEqual([
    [200, 'no-store', 'nosniff'],
    [401, 'no-store', 'nosniff'],
    [200, 'no-store', 'nosniff'],
    [401, 'no-store', 'nosniff'],
  ]);
  const refused = await rawExchange('NOT HTTP AT ALL\r\n\r\n');
  expect(refused.headers).toContain('cache-control: no-store');
});

it('an unknown route is 404 in the error format, its query not echoed (it may hold anything, a token included)', async () => {
  const res = await t.call('GET', '/api/nowhere?token=secret-looking', { token: w.pro });
  expect(res.status).toBe(404);
  expect(res.body.error).toEqual({ code: 'NOT_FOUND', message: 'no route for GET /api/nowhere' });
});

it('a known path asked with a method it does not take is 405 METHOD_NOT_ALLOWED with Allow, token or not (an unknown path is 401 without one), in the error format, writing nothing', async () => {
  const head = await t.head();
  for (const [method, path, allow] of [
    ['POST', `${yearPath()}?x=1`, 'GET, HEAD'],
    ['PATCH', '/api/jobs/j1', 'GET, HEAD'],
    ['GET', `${yearPath()}/activities`, 'POST'],
    ['PUT', '/api/persons/p1/years/2024/activities/a1', 'DELETE'],
  ] as const) {
    const res = await fetch(`${t.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${w.pro}` } });
    expect([method, path, res.status, res.headers.get('allow')]).toEqual([method, path, 405, allow]);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
  }
  // The paths and their methods are public (/api/docs): the same without a token, the public ones included.
  for (const [method, path, allow] of [['PATCH', '/api/jobs/j1', 'GET, HEAD'], ['POST', '/api/health', 'GET, HEAD'], ['POST', '/api/docs', 'GET, HEAD']] as const) {
    const anonymous = await fetch(`${t.baseUrl}${path}`, { method });
    expect([method, path, anonymous.status, anonymous.headers.get('allow')]).toEqual([method, path, 405, allow]);
  }
  // A path not served: 401 first without a valid token (API.md's order), 404 with one.
  expect((await t.call('GET', '/api/nowhere')).status).toBe(401);
  expect(await t.head()).toBe(head);
});

it('a served path with a parameter left empty is 400 naming it, as any value outside its format (API.md: anything else in a path → 400), after 401; writing nothing', async () => {
  for (const [method, path, message] of [
    ['GET', '/api/persons//years/2024', 'personId: must be 1–64 characters of A–Z, a–z, 0–9, _ or -'],
    ['GET', '/api/persons/p1/years/', 'year: must be a year from 2023 to 2100'],
    ['PUT', '/api/units/', 'unitId: must be 1–64 characters of A–Z, a–z, 0–9, _ or -'],
    ['POST', `${yearPath()}/activities//verification`, 'activityId: must be 1–64 characters of A–Z, a–z, 0–9, _ or -'],
    ['GET', '/api/jobs/', 'jobId: must be 1–64 characters of A–Z, a–z, 0–9, _ or -'],
  ] as const) {
    const res = await withoutWrite(t, () => t.call(method, path, { token: w.hr, ...(method === 'GET' ? {} : { body: {} }) }));
    expect([method, path, res.status, res.body.error]).toEqual([method, path, 400, { code: 'VALIDATION_FAILED', message }]);
    expect([method, path, (await t.call(method, path, method === 'GET' ? {} : { body: {} })).status]).toEqual([method, path, 401]);
  }
});

it('what the HTTP parser refuses is answered in the error format too: 431 for headers beyond 16 KiB (an over-long token), 400 MALFORMED_REQUEST for bytes that are not HTTP/1.1', async () => {
  const long = await t.token({ role: 'regulator', region: '360000', pad: 'x'.repeat(20_000) } as never);
  const tooLarge = await rawExchange(`GET ${yearPath()}/history HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${long}\r\n\r\n`);
  expect([tooLarge.status, tooLarge.body]).toEqual([431, { error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } }]);
  expect(tooLarge.headers).toContain('content-type: application/json');
  const body = JSON.stringify(activity());
  const smuggled = await withoutWrite(t, () =>
    rawExchange(`POST ${yearPath()}/activities HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${w.pro}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\ntransfer-encoding: chunked\r\n\r\n${body}`),
  );
  expect([smuggled.status, smuggled.body.error.code]).toEqual([400, 'MALFORMED_REQUEST']);
  expect((await rawExchange('NOT HTTP AT ALL\r\n\r\n')).body.error.code).toBe('MALFORMED_REQUEST');
});

it('HTTP/1.1 asks exactly one valid Host header (RFC 9112 §3.2): none, two, or one that is no host name is 400 MALFORMED_REQUEST in the error format, nothing run; HTTP/1.0 may omit it', async () => {
  const get = (headers: string, version = '1.1') => rawExchange(`GET /api/health HTTP/${version}\r\n${headers}connection: close\r\n\r\n`);
  for (const headers of ['', 'host: a\r\nhost: b\r\n', 'host: a b\r\n', 'host: a/b\r\n']) {
    const refused = await get(headers);
    expect({ headers, status: refused.status, body: refused.body }).toEqual({ headers, status: 400, body: { error: { code: 'MALFORMED_REQUEST', message: expect.stringContaining('Host') } } });
    expect(refused.headers).toContain('x-correlation-id:');
  }
  const body = JSON.stringify(activity({ activityId: 'no-host' }));
  const post = await withoutWrite(t, () =>
    rawExchange(`POST ${yearPath()}/activities HTTP/1.1\r\nauthorization: Bearer ${w.pro}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`),
  );
  expect([post.status, post.body.error.code]).toEqual([400, 'MALFORMED_REQUEST']);
  for (const host of ['localhost', '127.0.0.1:3000', '[::1]:3000', 'api.example.org']) expect((await get(`host: ${host}\r\n`)).status).toBe(200);
  expect((await get('', '1.0')).status).toBe(200);
});

it('a body declared over 64 KiB is 413 whatever the method: a GET too, whose body nobody reads', async () => {
  const refused = await rawExchange(`GET ${yearPath()} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${w.pro}\r\ncontent-type: application/json\r\ncontent-length: 70000\r\nconnection: close\r\n\r\n`);
  expect([refused.status, refused.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  const within = await rawExchange(`GET ${yearPath()} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${w.pro}\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`);
  expect(within.status).toBe(200);
});

it('CONNECT is 405 METHOD_NOT_ALLOWED in the error format, the connection closed (Node closed it without a word)', async () => {
  for (const [target, allow] of [['/api/health', 'GET, HEAD'], ['localhost:3000', '']] as const) {
    const refused = await rawExchange(`CONNECT ${target} HTTP/1.1\r\nhost: x\r\nx-correlation-id: trace-connect\r\n\r\n`);
    expect([refused.status, refused.body.error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(refused.headers).toContain('content-type: application/json');
    // As every 405 (RFC 9110: what the target serves) and every answer (its correlation id).
    expect(refused.headers.split('\r\n')).toContain(`allow: ${allow.toLowerCase()}`);
    expect(refused.headers).toContain('x-correlation-id: trace-connect');
  }
});

it('requests pipelined before bytes that are not HTTP: each is run and gets its own answer, in order, before the connection closes', async () => {
  const post = (id: string) => {
    const body = JSON.stringify(activity({ activityId: id }));
    return `POST ${yearPath()}/activities HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${w.pro}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
  };
  const text = await rawText(`${post('pipe1')}${post('pipe2')}NOT HTTP AT ALL\r\n\r\n`);
  expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 201', 'HTTP/1.1 201']);
  // Answers in the order of the requests (HTTP/1.1); the two ran side by side, so the events may be in either order.
  expect([...text.matchAll(/"activityId":"(pipe\d)"/g)].map((m) => m[1])).toEqual(['pipe1', 'pipe2']);
  const history = await t.call('GET', `${yearPath()}/history`, { token: w.pro });
  const declared = (history.body as Array<{ type: string; data: { activityId?: string } }>).filter((e) => e.type === 'ActivityDeclared').map((e) => e.data.activityId);
  expect(declared.filter((id) => id?.startsWith('pipe')).sort()).toEqual(['pipe1', 'pipe2']);
});

it('a client pipelining deeper than 8 unanswered requests gets the 8 answers, then 503 SERVICE_UNAVAILABLE with the connection closed: a client that sent requests without reading the answers made the server hold them all (1.5 GB for 210 KB sent)', async () => {
  const health = 'GET /api/health HTTP/1.1\r\nhost: x\r\n\r\n';
  const within = await rawText(`${health.repeat(7)}GET /api/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
  expect(within.match(/HTTP\/1\.1 \d{3}/g)).toEqual(Array(8).fill('HTTP/1.1 200'));
  const deeper = await rawText(health.repeat(20));
  expect(deeper.match(/HTTP\/1\.1 \d{3}/g)).toEqual([...Array(8).fill('HTTP/1.1 200'), 'HTTP/1.1 503']);
  const refused = deeper.slice(deeper.lastIndexOf('HTTP/1.1 503'));
  expect(refused.toLowerCase()).toContain('connection: close');
  expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  // Another connection is served as before.
  expect((await rawText(health.replace('\r\n\r\n', '\r\nconnection: close\r\n\r\n'))).startsWith('HTTP/1.1 200')).toBe(true);
});

it('a request is followed by one id: its X-Correlation-Id (else a new UUID) is echoed in the answer and recorded on the events it wrote', async () => {
  const declare = (activityId: string, headers: Record<string, string>) =>
    fetch(`${t.baseUrl}${yearPath()}/activities`, { method: 'POST', headers: { authorization: `Bearer ${w.pro}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity({ activityId })) });
  const lastCorrelation = async () => {
    const history = await t.store.readStream(creditYearStream('p1', 2024));
    return history[history.length - 1]!.metadata.correlationId;
  };
  const given = await declare('corr-1', { 'x-correlation-id': 'trace:42.a_b-c' });
  expect(given.status).toBe(201);
  expect(given.headers.get('x-correlation-id')).toBe('trace:42.a_b-c');
  expect(await lastCorrelation()).toBe('trace:42.a_b-c');
  // None, or one that is not 1–128 of [A-Za-z0-9_.:-]: a new UUID, the same on the answer and the event.
  for (const [activityId, headers] of [['corr-2', {}], ['corr-3', { 'x-correlation-id': 'not an id' }]] as const) {
    const res = await declare(activityId, headers);
    expect(res.status).toBe(201);
    const id = res.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await lastCorrelation()).toBe(id);
  }
  // Errors carry it too.
  const refused = await fetch(`${t.baseUrl}${yearPath()}`, { headers: { 'x-correlation-id': 'trace-401' } });
  expect([refused.status, refused.headers.get('x-correlation-id')]).toEqual([401, 'trace-401']);
});

it('a body over 64 KiB is 413 and writes nothing', async () => {
  const head = await t.head();
  const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ title: 'x'.repeat(70 * 1024) }) });
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  expect(await t.head()).toBe(head);
});

it('401 comes before 400: unreadable JSON without a token is 401', async () => {
  const res = await t.call('POST', `${yearPath()}/activities`, { raw: '{not json' });
  expect(res.status).toBe(401);
});

it('403 comes before 400: unreadable JSON from a role that may not declare is 403', async () => {
  const res = await t.call('POST', `${yearPath()}/activities`, { token: w.regulator, raw: '{not json' });
  expect(res.status).toBe(403);
});

it('unreadable JSON from an allowed role is 400 INVALID_JSON', async () => {
  const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw: '{not json' });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('INVALID_JSON');
});

it('a member name repeated in one object is 400 INVALID_JSON and writes nothing (I-JSON: which value counts would be ambiguous)', async () => {
  const head = await t.head();
  const body = JSON.stringify(activity({ activityId: 'dupB' }));
  for (const raw of [
    body.replace('{', '{"activityId":"dupA",'),
    body.replace('"measure":{', '"measure":{"hours":1,'),
    body.replace('"evidence":[{', '"evidence":[{"name":"x.pdf", '),
  ]) {
    const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw });
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'INVALID_JSON' });
  }
  expect(await t.head()).toBe(head);
  // A quote and a colon inside a string, escaped backslashes before a name's end: no repetition there.
  // Strings that begin with a colon (after spaces of any kind) are no names either.
  const tricky = [
    activity({ activityId: 'dupC', title: 'say \\": twice \\', contentKey: 'k\\' }),
    activity({ activityId: 'dupD', title: ':) 公需科目', contentKey: '::course/2024', evidence: [{ name: ':cert.pdf', sha256: 'a'.repeat(64) }] }),
    activity({ activityId: 'dupE', title: '\u3000:课程 \u00a0: 第二部分', contentKey: ' : k' }),
  ];
  for (const body of tricky) {
    const raw = JSON.stringify(body, null, 1).replace('"title":', '"title" \r\n\t:');
    expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw })).status).toBe(201);
  }
});

it('a string with an unpaired UTF-16 surrogate is 400 INVALID_JSON and writes nothing: not I-JSON, which the hash chain (RFC 8785) requires', async () => {
  for (const title of ['t\\ud800 lone', '\\udc00', 'end\\udbff']) {
    const raw = JSON.stringify(activity()).replace('"title":"', `"title":"${title}`);
    const res = await withoutWrite(t, () => t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw }));
    expectError(res, 400, 'INVALID_JSON');
    expect(refusedFields(res.body)).toEqual([{ field: 'body', reason: expect.stringContaining('unpaired UTF-16 surrogate') }]);
  }
  // A pair, written as escapes, is one character beyond the BMP: taken as it is.
  const raw = JSON.stringify(activity()).replace('"title":"', '"title":"\\ud83d\\ude00 ');
  const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw });
  expect(res.status).toBe(201);
  const statement = await t.call('GET', yearPath(), { token: w.pro });
  expect(statement.body.activities.find((a: { activityId: string }) => a.activityId === 'a1').title.startsWith('😀 ')).toBe(true);
});

it('a body nested thousands deep holding an unpaired surrogate is 401 without a token and 400 with one, never 500', async () => {
  const raw = `${'['.repeat(8000)}"\\ud800"${']'.repeat(8000)}`;
  expectError(await t.call('POST', `${yearPath()}/activities`, { raw }), 401, 'UNAUTHENTICATED');
  expectError(await withoutWrite(t, () => t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw })), 400, 'INVALID_JSON');
});

it('a body that is not UTF-8, one declared in another charset and a compressed one are 400 INVALID_JSON and write nothing (never read as mojibake or U+FFFD)', async () => {
  const text = JSON.stringify(activity({ activityId: 'latin', title: 'Caf\u00e9 training' }));
  const latin1 = Buffer.from(text, 'latin1'); // é as the single byte E9: not UTF-8
  for (const [raw, headers] of [
    [latin1, {}],
    [latin1, { 'content-type': 'application/json; charset=ISO-8859-1' }],
    [text, { 'content-type': 'application/json; charset="latin1"' }],
    [text, { 'content-encoding': 'gzip' }],
    [latin1, { 'content-type': 'application/json; charset=us-ascii' }], // labelled ASCII, but a byte above 0x7F
  ] as const) {
    const res = await withoutWrite(t, () => t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw, headers }));
    expectError(res, 400, 'INVALID_JSON');
  }
  // UTF-8 declared in any spelling, or its subset US-ASCII (escapes only), an empty charset, an
  // identity encoding, a leading byte order mark: taken, the title as sent.
  const utf8 = (id: string) => Buffer.from(JSON.stringify(activity({ activityId: id, title: 'Café 课程' })));
  const ascii = (id: string) => Buffer.from(JSON.stringify(activity({ activityId: id, title: 'Café 课程' })).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  for (const [raw, headers] of [
    [utf8('utf8a'), { 'content-type': 'application/json; charset=UTF-8' }],
    [utf8('utf8b'), { 'content-type': 'application/json;charset="utf8"', 'content-encoding': 'identity' }],
    [ascii('utf8c'), { 'content-type': 'application/json; charset=us-ascii' }],
    [utf8('utf8d'), { 'content-type': 'application/json; charset=' }],
    [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('utf8e')]), {}],
  ] as const) {
    const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw, headers });
    expect([headers, res.status]).toEqual([headers, 201]);
  }
  const statement = await t.call('GET', yearPath(), { token: w.pro });
  expect(statement.body.activities.filter((a: { activityId: string }) => a.activityId.startsWith('utf8')).map((a: { title: string }) => a.title)).toEqual(Array(5).fill('Café 课程'));
});

it('a non-JSON content type is 400 and writes nothing', async () => {
  const head = await t.head();
  const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(res.status).toBe(400);
  expect(await t.head()).toBe(head);
});

it('a command with a query parameter is 400 and writes nothing: every write takes its input from the path and the body only (as a read refuses parameters it does not take)', async () => {
  await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'q-base' }) });
  const commands: Array<[string, string, string, unknown]> = [
    ['PUT', '/api/units/u1', w.hr, { name: 'Unit u1', region: '360102', industry: 'general' }],
    ['POST', `${yearPath()}/activities`, w.pro, activity({ activityId: 'q-new' })],
    ['DELETE', `${yearPath()}/activities/q-base`, w.pro, undefined],
    ['POST', `${yearPath()}/activities/q-base/verification`, w.unit, { decision: 'approve' }],
    ['PUT', `${yearPath()}/field`, w.unit, { field: 'general' }],
    ['POST', `${yearPath()}/unit-confirmation`, w.unit, {}],
    ['POST', `${yearPath()}/finalization`, w.hr, { decision: 'approve' }],
    ['POST', `${yearPath()}/fraud-flags`, w.hr, { reason: 'forged certificate' }],
    ['POST', `${yearPath()}/fraud-flags/f1/rescission`, w.hr, { reason: 'review' }],
    ['POST', '/api/institutions/inst1/fraud-flags', w.hr, { year: 2024, reason: 'forged' }],
    ['POST', `${yearPath()}/make-up`, w.unit, { reason: 'illness' }],
  ];
  for (const [method, path, token, body] of commands) {
    const res = await withoutWrite(t, () => t.call(method, `${path}?unitId=u2`, { token, body }));
    expect([method, path, res.status, res.body.error.code, refusedFields(res.body)]).toEqual([method, path, 400, 'VALIDATION_FAILED', [{ field: 'unitId', reason: 'unknown field' }]]);
  }
});

it('400 names the field and the reason; unknown fields are refused', async () => {
  const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ colour: 'red', measure: { days: 1.5 } }) });
  expect(res.status).toBe(400);
  const fields = refusedFields(res.body).map((d) => d.field);
  expect(fields).toContain('colour');
  // API.md's error members, nothing more: the message names each field and why.
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
});

it('a fractional day is refused with the measure field named', async () => {
  const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ measure: { days: 1.5 } }) });
  expect(res.status).toBe(400);
  expect(refusedFields(res.body)[0]!.field).toBe('measure.days');
});
