/**
 * A request Node's HTTP parser refuses before any route or hook — headers beyond 16 KiB (an
 * over-long token or query string), bytes that are not HTTP/1.1 (both Transfer-Encoding and
 * Content-Length, a control character in a header), headers not received in time — answered in
 * the API's error format, as every error is (API.md). Fastify's default answer had a shape of its
 * own. Nothing of such a request was read, so nothing is known of its route or its token.
 *
 * The connection is done with: nothing more is read from it (a client that went on sending after
 * a 408 had its request parsed and run), and it is destroyed once the answer is out. When
 * responses to earlier requests on the connection (HTTP pipelining) are still being made, an
 * answer written now would be read as one of theirs: nothing is written, and the connection
 * closes after the last of them instead — each earlier request, run already, gets its answer.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { CORRELATION_HEADER, correlationIdOf } from './request-context';
import { SECURITY_HEADERS } from './security-headers';

/** dropArriving's own reason, answered as the parser's refusals are. */
const SHUTTING_DOWN = 'JX_SHUTTING_DOWN';
const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'the request line and headers exceed 16 KiB'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'PAYLOAD_TOO_LARGE', 'the chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'the request was not received in time'],
  [SHUTTING_DOWN]: [503, 'SERVICE_UNAVAILABLE', 'the server is shutting down before the request arrived whole; send it again (to another instance, or once it is back)'],
};
const HEADER_LINES = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('');
const MALFORMED: [number, string, string] = [400, 'MALFORMED_REQUEST', 'the request is not valid HTTP/1.1'];
/** A client that does not read its answer does not hold the connection longer than this. */
const DEFAULT_LINGER_MS = 5000;

/** A whole answer in the error format, written straight to a socket no response object owns; `extra`: header lines. */
function rawAnswer(status: number, code: string, message: string, extra = ''): string {
  const body = JSON.stringify({ error: { code, message } });
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${HEADER_LINES}${extra}`;
  return `${head}\r\n${body}`;
}

/** Ends the connection (after `last`), destroying it once that is out — or after `lingerMs`, if the client does not read. */
function lingerThenDestroy(socket: Socket, lingerMs: number, last?: string): void {
  setTimeout(() => socket.destroy(), lingerMs).unref();
  const destroy = () => socket.destroy();
  if (last === undefined) socket.end(destroy);
  else socket.end(last, destroy);
}

/** What the parser refused, answered on one connection (see clientErrorAnswers). */
export interface ClientErrorAnswers {
  /**
   * The server's `request` listener: the responses of each connection not finished yet, in the
   * order of their requests. Node runs pipelined requests at once and writes their responses one
   * after the other; only the one being written is attached to the socket.
   */
  track(request: IncomingMessage, response: ServerResponse): void;
  /** Fastify's `clientErrorHandler` (the server's `clientError` listener). */
  clientError(error: Error & { code?: string }, socket: Socket): void;
  /**
   * The server's `checkExpectation` listener: an `Expect` header other than `100-continue` is
   * answered 417 in the error format (Node's own answer has no body), and the request is not run.
   */
  expectationFailed(request: IncomingMessage, response: ServerResponse): void;
  /**
   * The server's `connect` listener: a CONNECT request is answered 405 in the error format and its
   * connection closed (without a listener Node closed it with no answer at all).
   */
  connectRefused(request: IncomingMessage, socket: Socket): void;
  /** The server's `connection` listener: every open connection, for dropArriving. */
  connection(socket: Socket): void;
  /**
   * At shutdown, the grace over, before the listener closes (Node's close waits for connections
   * receiving a request, and stops the timer that would answer them 408): idle connections are
   * destroyed, as close does; a request still arriving — its headers or its body — is answered
   * 503 (after the answers due before it on its connection) and its connection closed; one whose
   * request is running closes after that answer. Nothing of the requests cut short has run.
   */
  dropArriving(server: Server): void;
}

/**
 * `logged` writes the request log line of what the parser refused (no route was matched): the
 * status answered, or null when no answer of its own was written (the connection closed after the
 * answers already due on it).
 */
export function clientErrorAnswers(
  logged: (status: number | null, code: string) => void,
  { lingerMs = DEFAULT_LINGER_MS, methodsFor }: { lingerMs?: number; methodsFor?: (path: string) => readonly string[] } = {},
): ClientErrorAnswers {
  const answered = new WeakSet<Socket>();
  const unfinished = new WeakMap<Socket, ServerResponse[]>();
  /** Each connection's latest response, finished or not: the one whose body may be the broken part. */
  const latest = new WeakMap<Socket, ServerResponse>();
  const track = (request: IncomingMessage, response: ServerResponse): void => {
    const socket = request.socket;
    latest.set(socket, response);
    const list = unfinished.get(socket);
    if (list === undefined) return void unfinished.set(socket, [response]);
    // Responses finish in the order of their requests: the finished ones are at the front.
    while (list.length > 0 && (list[0]!.writableFinished || list[0]!.destroyed)) list.shift();
    list.push(response);
  };
  const clientError = (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection is gone; one answered already has nothing more to say (nor to log).
    if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
    answered.add(socket);
    socket.pause();
    const [status, code, message] = ANSWERS[error.code ?? ''] ?? MALFORMED;
    // A request whose body was being read when the parser failed is the broken one itself.
    const newest = latest.get(socket);
    const broken = newest?.req.complete === false ? newest : undefined;
    const pending = (unfinished.get(socket) ?? []).filter((response) => !response.writableFinished && !response.destroyed && response !== broken);
    // The broken request answered already (an early refusal, before its body): that answer is its
    // only one, and the last on the connection; it goes out after those before it, then the
    // connection ends. Alone, it was written in full already: a linger from now bounds it.
    if (broken?.headersSent === true || pending.length > 0 || !socket.writable) logged(null, code);
    if (broken?.headersSent === true) {
      if (broken.writableFinished) return lingerThenDestroy(socket, lingerMs);
      if (pending.length === 0) setTimeout(() => socket.destroy(), lingerMs).unref();
      broken.shouldKeepAlive = false;
      broken.once('finish', () => lingerThenDestroy(socket, lingerMs));
      return;
    }
    const last = pending.at(-1);
    if (last !== undefined) {
      // Whole requests before it: their responses go out, in order, then the connection closes,
      // however long they take (a handler may wait for a store): the linger counts from the last.
      last.shouldKeepAlive = false;
      last.once('finish', () => lingerThenDestroy(socket, lingerMs));
      return;
    }
    if (!socket.writable) return void socket.destroy();
    logged(status, code);
    lingerThenDestroy(socket, lingerMs, rawAnswer(status, code, message));
  };
  const connectRefused = (request: IncomingMessage, socket: Socket): void => {
    if (!socket.writable) return void socket.destroy();
    socket.pause();
    logged(405, 'METHOD_NOT_ALLOWED');
    // Allow: what the target serves (nothing, for a host:port); the correlation id as every answer's.
    const target = request.url ?? '';
    const allow = target.startsWith('/') ? (methodsFor?.(target.split('?')[0]!) ?? []) : [];
    const headers = `allow: ${allow.join(', ')}\r\n${CORRELATION_HEADER}: ${correlationIdOf(request.headers)}\r\n`;
    lingerThenDestroy(socket, lingerMs, rawAnswer(405, 'METHOD_NOT_ALLOWED', 'CONNECT is not served: this server is no proxy', headers));
  };
  const expectationFailed = (request: IncomingMessage, response: ServerResponse): void => {
    track(request, response);
    logged(417, 'EXPECTATION_FAILED');
    const body = JSON.stringify({ error: { code: 'EXPECTATION_FAILED', message: 'only Expect: 100-continue is understood' } });
    response.shouldKeepAlive = false;
    response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...SECURITY_HEADERS }).end(body);
  };
  const open = new Set<Socket>();
  const connection = (socket: Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const dropArriving = (server: Server): void => {
    server.closeIdleConnections();
    for (const socket of [...open]) {
      if (socket.destroyed) continue;
      const newest = latest.get(socket);
      if (newest !== undefined && newest.req.complete && !newest.writableFinished && !newest.destroyed) {
        // Running: answered, then the connection ends (a request arriving behind it is cut with it).
        if (!newest.headersSent) newest.shouldKeepAlive = false;
        newest.once('finish', () => lingerThenDestroy(socket, lingerMs));
        continue;
      }
      clientError(Object.assign(new Error('the server is shutting down'), { code: SHUTTING_DOWN }), socket);
    }
  };
  return { track, clientError, expectationFailed, connectRefused, connection, dropArriving };
}
