import Fastify, { type FastifyInstance } from 'fastify';
import { connect, type Socket } from 'node:net';
import { CLOSING_FASTIFY_OPTIONS, installClosingAnswer } from './closing-answer';
import { answeredCodes } from './error.filter';

/** A raw keep-alive connection, to send the next request on it exactly when the test wants. */
function rawConnection(port: number): { socket: Socket; received: () => string; until: (text: string) => Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
    for (const w of waiters.splice(0)) w();
  });
  const until = async (text: string): Promise<void> => {
    while (!received.includes(text)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { socket, received: () => received, until };
}

describe('requests reaching a closing server', () => {
  let app: FastifyInstance;
  let socket: Socket | undefined;
  let release = (): void => undefined;
  afterEach(async () => {
    release();
    socket?.destroy();
    await app.close();
  });

  it('the next request on a connection that was busy when close began is 503 SERVICE_UNAVAILABLE in the error format, and the connection is closed', async () => {
    app = Fastify(CLOSING_FASTIFY_OPTIONS);
    installClosingAnswer(app);
    // Registered after installClosingAnswer's, so it runs after it: close has begun.
    let closeBegan = (): void => undefined;
    const began = new Promise<void>((resolve) => (closeBegan = resolve));
    app.addHook('preClose', (done) => {
      closeBegan();
      done();
    });
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inHandler = (): void => undefined;
    const reached = new Promise<void>((resolve) => (inHandler = resolve));
    app.get('/slow', async () => {
      inHandler();
      await gate;
      return { answered: 'slow' };
    });
    app.get('/fast', async () => ({ answered: 'fast' }));
    // What the request log line (app.factory.ts) is told of each answer.
    const logged: Array<[number, string | undefined]> = [];
    app.addHook('onResponse', async (request, reply) => void logged.push([reply.statusCode, answeredCodes.get(request)]));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const conn = rawConnection(port);
    socket = conn.socket;
    conn.socket.write('GET /slow HTTP/1.1\r\nHost: test\r\n\r\n');
    await reached;
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await began;
    // The busy connection keeps the server from closing until its request is answered.
    expect(closed).toBe(false);
    release();
    await conn.until('{"answered":"slow"}');
    conn.socket.write('GET /fast HTTP/1.1\r\nHost: test\r\n\r\n');
    await conn.until('SERVICE_UNAVAILABLE');
    const second = conn.received().slice(conn.received().indexOf('{"answered":"slow"}') + '{"answered":"slow"}'.length);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('shutting down') } });
    await closing;
    expect(logged).toEqual([
      [200, undefined],
      [503, 'SERVICE_UNAVAILABLE'],
    ]);
  });
});

describe('the grace when close begins', () => {
  it('a request on an idle keep-alive connection, or on a new connection, is answered 503 during the grace instead of being reset', async () => {
    let endGrace = (): void => undefined;
    const grace = new Promise<void>((resolve) => (endGrace = resolve));
    const app = Fastify(CLOSING_FASTIFY_OPTIONS);
    const { closing } = installClosingAnswer(app, { grace: () => grace });
    app.get('/fast', async () => ({ answered: 'fast' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const idle = rawConnection(port);
    try {
      idle.socket.write('GET /fast HTTP/1.1\r\nHost: test\r\n\r\n');
      await idle.until('{"answered":"fast"}');
      const closed = app.close();
      await closing;
      idle.socket.write('GET /fast HTTP/1.1\r\nHost: test\r\n\r\n');
      await idle.until('SERVICE_UNAVAILABLE');
      const fresh = rawConnection(port);
      try {
        fresh.socket.write('GET /fast HTTP/1.1\r\nHost: test\r\n\r\n');
        await fresh.until('SERVICE_UNAVAILABLE');
        expect(fresh.received()).toMatch(/^HTTP\/1\.1 503 /);
      } finally {
        fresh.socket.destroy();
      }
      endGrace();
      await closed;
    } finally {
      endGrace();
      idle.socket.destroy();
    }
  });
});

describe('the grace when the server never listened', () => {
  it('is skipped: a server whose port was refused closes at once (nobody can be on the way to it)', async () => {
    const app = Fastify(CLOSING_FASTIFY_OPTIONS);
    let graceAsked = false;
    installClosingAnswer(app, { grace: () => ((graceAsked = true), new Promise<void>(() => undefined)) });
    const taken = Fastify();
    await taken.listen({ port: 0, host: '127.0.0.1' });
    try {
      await expect(app.listen({ port: (taken.server.address() as { port: number }).port, host: '127.0.0.1' })).rejects.toThrow(/EADDRINUSE/);
      await app.close();
      expect(graceAsked).toBe(false);
    } finally {
      await taken.close();
    }
  });
});
