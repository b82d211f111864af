/**
 * A request must arrive whole within REQUEST_TIMEOUT_MS (here 1 s): a client that sends its
 * headers and then trickles or withholds its body gets 408 REQUEST_TIMEOUT in the error format,
 * the connection is closed, and nothing is written. Before the bound, such a connection was held
 * for as long as the client kept it (Fastify sets no request timeout).
 */
import { connect } from 'node:net';
import { once } from 'node:events';
import { activity, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startTestApp({ env: { REQUEST_TIMEOUT_MS: '1000' } });
  w = await world(t);
});
afterAll(() => t?.close());

it('a declaration whose body never arrives whole is answered 408 REQUEST_TIMEOUT once the bound has passed, the connection closed, nothing written', async () => {
  const before = await t.head();
  const { hostname, port } = new URL(t.baseUrl);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = once(socket, 'close');
  const body = JSON.stringify(activity({ activityId: 'trickled' }));
  const sentAt = Date.now();
  socket.write([`POST ${yearPath()}/activities HTTP/1.1`, `host: ${hostname}`, `authorization: Bearer ${w.pro}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, '', body.slice(0, 10)].join('\r\n'));
  // A byte now and then, never the whole body: the trickle does not reset the bound.
  const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
  try {
    await closed;
  } finally {
    clearInterval(trickle);
  }
  expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1000);
  expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(received).toMatch(/\r\nconnection: close\r\n/i);
  expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: expect.any(String) } });
  expect(await t.head()).toBe(before);
});

it('a request that arrives whole within the bound is served as ever', async () => {
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'in-time' }) })).status).toBe(201);
});

describe('shutdown does not wait for requests still arriving (Node stops their 408 timer when it closes)', () => {
  /** A connection that sends `first` (a whole request) and `rest` at once; resolves once first is answered. */
  async function afterOneAnswer(app: TestApp, first: string, rest: string) {
    const { hostname, port } = new URL(app.baseUrl);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let received = '';
    const firstAnswered = new Promise<void>((resolve) => socket.on('data', (chunk: Buffer) => ((received += chunk.toString()), /\r\n\r\n\{"status":"ok"[^]*\}/.test(received) && resolve())));
    socket.on('error', () => undefined);
    const closed = once(socket, 'close').then(() => received);
    socket.write(first + rest);
    await firstAnswered;
    return { socket, closed };
  }

  it('a request whose body or headers are still arriving is answered 503 SERVICE_UNAVAILABLE and its connection closed, and the app closes; nothing is written', async () => {
    const app = await startTestApp();
    const who = await world(app);
    const health = 'GET /api/health HTTP/1.1\r\nhost: x\r\n\r\n';
    const body = JSON.stringify(activity({ activityId: 'cut-at-shutdown' }));
    const before = await app.head();
    const bodyArriving = await afterOneAnswer(app, health, [`POST ${yearPath()}/activities HTTP/1.1`, 'host: x', `authorization: Bearer ${who.pro}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, '', body.slice(0, 10)].join('\r\n'));
    const headersArriving = await afterOneAnswer(app, health, `POST ${yearPath()}/activities HTTP/1.1\r\nhost: x\r\ncontent-ty`);
    const head = await app.head();
    try {
      // Bounded: before, close waited for as long as those clients kept sending.
      await Promise.race([app.close(), new Promise((_, reject) => setTimeout(() => reject(new Error('the app did not close within 4 s')), 4000).unref())]);
    } catch (error: unknown) {
      for (const { socket } of [bodyArriving, headersArriving]) socket.destroy(); // lets the app close after all
      throw error;
    }
    for (const { closed } of [bodyArriving, headersArriving]) {
      const answers = (await closed).match(/HTTP\/1\.1 \d{3}[^\r]*/g);
      expect(answers).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 503 Service Unavailable']);
      expect(await closed).toContain('{"error":{"code":"SERVICE_UNAVAILABLE"');
    }
    expect(head).toBe(before);
  });
});
