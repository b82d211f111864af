import Fastify, { type FastifyInstance } from 'fastify';
import { connect, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { installPipeliningBound } from './pipelining';

/**
 * A real Fastify server with the bound at 3: /fast answers at once, /hold when the test lets it,
 * /ran records that its handler ran. `handedOver` resolves once a path's answer was handed to the
 * connection (its 'close', seen after the bound's own listener: it counts that answer taken).
 */
let fastify: FastifyInstance;
let ran: string[];
let release: () => void;
let closed: string[];
let seen: string[];
let onClosed: () => void;
let onSeen: () => void;

beforeEach(async () => {
  ran = [];
  closed = [];
  seen = [];
  onClosed = () => undefined;
  onSeen = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  fastify = Fastify();
  // Before the bound: every request the server read, refused or not.
  fastify.addHook('onRequest', async (request) => {
    seen.push(request.url);
    onSeen();
  });
  installPipeliningBound(fastify, 3);
  fastify.addHook('onRequest', async (request, reply) => {
    reply.raw.once('close', () => {
      closed.push(request.url);
      onClosed();
    });
  });
  fastify.get('/fast', async () => ({ ok: true }));
  fastify.get('/hold', async () => {
    await held;
    return { ok: true };
  });
  fastify.get('/ran/:id', async (request) => {
    ran.push((request.params as { id: string }).id);
    return { ok: true };
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
});

afterEach(() => fastify.close());

/** Resolves once `count` answers to `url` were handed over (each counted off by the bound first). */
const handedOver = (url: string, count: number) =>
  new Promise<void>((resolve) => {
    const check = () => closed.filter((u) => u === url).length >= count && resolve();
    onClosed = check;
    check();
  });

/** Resolves once the server read a request for `url` (and, an event-loop turn later, its hooks ran). */
const read = (url: string) =>
  new Promise<void>((resolve) => {
    const check = () => seen.includes(url) && resolve();
    onSeen = check;
    check();
  }).then(() => new Promise((resolve) => setImmediate(resolve)));

async function open() {
  const socket = connect({ host: '127.0.0.1', port: (fastify.server.address() as AddressInfo).port });
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const closedByServer = once(socket, 'close').then(() => undefined);
  return { socket, received: () => text, closedByServer };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`;
const statuses = (text: string) => text.match(/HTTP\/1\.1 \d{3}/g) ?? [];

it('a keep-alive connection whose answers are taken serves request after request, more than the bound in all', async () => {
  const c = await open();
  for (let round = 0; round < 3; round++) {
    c.socket.write(get('/fast').repeat(3));
    await handedOver('/fast', 3 * (round + 1));
    while (statuses(c.received()).length < 3 * (round + 1)) await once(c.socket, 'data');
  }
  expect(statuses(c.received())).toEqual(Array(9).fill('HTTP/1.1 200'));
  c.socket.end();
});

it('a request beyond the bound is 503 after the answers due before it, the connection closed, and one read after the refusal neither runs nor is answered, though answers taken meanwhile brought the count under the bound', async () => {
  const c = await open();
  // Two fast ones, one held, then one over the bound (refused: never run).
  c.socket.write(`${get('/fast')}${get('/fast')}${get('/hold')}${get('/ran/refused')}`);
  await handedOver('/fast', 2);
  // Counted now: the held one and the refused one, under the bound. A request read now must
  // not run: its answer would queue behind the 503, whose connection: close drops it.
  c.socket.write(get('/ran/after'));
  await read('/ran/after');
  release();
  await c.closedByServer;
  expect(ran).toEqual([]);
  expect(statuses(c.received())).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 503']);
  expect(c.received()).toContain('"code":"SERVICE_UNAVAILABLE"');
});
