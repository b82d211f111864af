import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { clientErrorAnswers } from './client-error';

/**
 * A real Node HTTP server with the handler (as Fastify installs it), short header timeouts so a
 * 408 comes quickly, and a route that counts the requests it ran.
 */
let server: Server;
let ran: string[];
let logged: Array<[number | null, string]>;
const LINGER_MS = 100;

beforeEach(async () => {
  ran = [];
  logged = [];
  server = createServer({ headersTimeout: 300, requestTimeout: 1000, connectionsCheckingInterval: 50 }, (request, response) => {
    ran.push(`${request.method} ${request.url}`);
    response.setHeader('content-type', 'application/json');
    response.setHeader('x-path', request.url ?? '');
    // /slow answers three lingers later: a handler waiting for a store, say.
    setTimeout(() => response.end('{"ok":true}'), request.url === '/slow' ? 3 * LINGER_MS : 0);
  });
  const answers = clientErrorAnswers((status, code) => logged.push([status, code]), { lingerMs: LINGER_MS });
  server.on('request', answers.track);
  server.on('clientError', answers.clientError);
  server.on('checkExpectation', answers.expectationFailed);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A connection whose every byte received is kept; `closed` resolves when the server closes it. */
async function open(allowHalfOpen = false): Promise<{ socket: Socket; received: () => string; ended: Promise<void>; closed: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, allowHalfOpen });
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const ended = once(socket, 'end').then(() => undefined);
  const closed = once(socket, 'close').then(() => undefined);
  return { socket, received: () => text, ended, closed };
}

/** Every status line, wherever it starts (a response follows the previous body without a line break). */
const statusLines = (text: string) => text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? [];

describe('clientErrorAnswer: what the HTTP parser refuses gets one answer in the error format, then the connection is done with', () => {
  it('headers not received in time: 408 REQUEST_TIMEOUT, the connection closed, and the rest of the request, sent after, never runs', async () => {
    // Half-open: the client keeps its side open after the server's answer, and finishes its request then.
    const c = await open(true);
    c.socket.write('POST /api/x HTTP/1.1\r\nhost: x\r\n');
    await c.ended;
    expect(statusLines(c.received())).toEqual(['HTTP/1.1 408 Request Timeout']);
    expect(c.received()).toContain('{"error":{"code":"REQUEST_TIMEOUT"');
    c.socket.end('content-length: 2\r\n\r\n{}');
    await c.closed;
    // A new connection's request, answered after: the only one run.
    const next = await open();
    next.socket.end('GET /after HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    await next.closed;
    expect(ran).toEqual(['GET /after']);
    expect(logged).toEqual([[408, 'REQUEST_TIMEOUT']]);
  });

  it('a malformed request pipelined behind a good one: the good one gets its own answer, nothing is written as its answer, and the connection closes after it', async () => {
    const c = await open();
    c.socket.write('GET /first HTTP/1.1\r\nhost: x\r\n\r\nNOT HTTP AT ALL\r\n\r\n');
    await c.closed;
    expect(ran).toEqual(['GET /first']);
    expect(statusLines(c.received())).toEqual(['HTTP/1.1 200 OK']);
    expect(c.received().endsWith('{"ok":true}')).toBe(true);
    // Logged as refused, with no status: no answer of its own was written.
    expect(logged).toEqual([[null, 'MALFORMED_REQUEST']]);
  });

  it('two good requests pipelined before a malformed one: each gets its own answer, in order, and the connection closes after the last', async () => {
    const c = await open();
    c.socket.write('GET /slow HTTP/1.1\r\nhost: x\r\n\r\nGET /second HTTP/1.1\r\nhost: x\r\n\r\nNOT HTTP AT ALL\r\n\r\n');
    await c.closed;
    expect([ran, statusLines(c.received())]).toEqual([['GET /slow', 'GET /second'], ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']]);
    // In the order of their requests, though /second was answered by its handler first.
    expect(c.received().match(/x-path: \S+/g)).toEqual(['x-path: /slow', 'x-path: /second']);
    expect(logged).toEqual([[null, 'MALFORMED_REQUEST']]);
  });

  it('a request answered before its body turned out malformed (an early refusal) gets that one answer, not a second', async () => {
    const c = await open();
    c.socket.write('POST /early HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n');
    // Its handler answers without reading the body (as a 401 would); then the body breaks the chunked framing.
    await new Promise<void>((resolve) => c.socket.on('data', () => c.received().includes('HTTP/1.1 200') && resolve()));
    c.socket.write('zz\r\nnot a chunk\r\n');
    await c.closed;
    expect(statusLines(c.received())).toEqual(['HTTP/1.1 200 OK']);
    expect(logged).toEqual([[null, 'MALFORMED_REQUEST']]);
  });

  it('the good request in flight gets its answer however long its handler takes (the linger counts from that answer, not from the parser error)', async () => {
    const c = await open();
    c.socket.write('GET /slow HTTP/1.1\r\nhost: x\r\n\r\nNOT HTTP AT ALL\r\n\r\n');
    await c.closed;
    expect([ran, statusLines(c.received())]).toEqual([['GET /slow'], ['HTTP/1.1 200 OK']]);
    expect(c.received().endsWith('{"ok":true}')).toBe(true);
  });

  it('headers over the limit: one 431 HEADERS_TOO_LARGE and one log line, however much the client goes on sending', async () => {
    const c = await open(true);
    c.socket.write(`GET /big HTTP/1.1\r\nhost: x\r\nx-pad: ${'a'.repeat(20_000)}`);
    await c.ended;
    c.socket.end(`${'b'.repeat(40_000)}\r\n\r\nGET /more HTTP/1.1\r\nhost: x\r\n\r\n`);
    await c.closed;
    expect(statusLines(c.received())).toEqual(['HTTP/1.1 431 Request Header Fields Too Large']);
    expect(c.received()).toMatch(/cache-control: no-store\r\n/);
    expect(JSON.parse(c.received().split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } });
    expect([ran, logged]).toEqual([[], [[431, 'HEADERS_TOO_LARGE']]]);
  });

  it('an Expect header other than 100-continue: 417 EXPECTATION_FAILED in the error format, the request not run', async () => {
    const c = await open();
    c.socket.write('POST /api/x HTTP/1.1\r\nhost: x\r\nexpect: something-else\r\ncontent-length: 2\r\n\r\n{}');
    await c.closed;
    expect(statusLines(c.received())).toEqual(['HTTP/1.1 417 Expectation Failed']);
    expect(JSON.parse(c.received().split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'EXPECTATION_FAILED', message: expect.any(String) } });
    expect([ran, logged]).toEqual([[], [[417, 'EXPECTATION_FAILED']]]);
  });
});
