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
