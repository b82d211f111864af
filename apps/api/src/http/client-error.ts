/**
 * A request Node's HTTP parser refuses before any route or hook — headers beyond 16 KiB (an
 * over-long token or query string), or bytes that are not HTTP/1.1 (both Transfer-Encoding and
 * Content-Length, a control character in a header) — answered in the API's error format, as every
 * error is (API.md). Fastify's default answer had a shape of its own. Nothing of such a request
 * was read, so nothing is known of its route or its token, and the connection is closed.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { SECURITY_HEADERS } from './security-headers';

const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'the request line and headers exceed 16 KiB'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'the request was not received in time'],
};
const HEADER_LINES = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('');
const MALFORMED: [number, string, string] = [400, 'MALFORMED_REQUEST', 'the request is not valid HTTP/1.1'];

/** Fastify's `clientErrorHandler`; `logged` writes the request log line (no route was matched). */
export function clientErrorAnswer(logged: (status: number, code: string) => void) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection is gone: nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, message] = ANSWERS[error.code ?? ''] ?? MALFORMED;
    logged(status, code);
    if (!socket.writable) return void socket.destroy();
    const body = JSON.stringify({ error: { code, message } });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${HEADER_LINES}\r\n${body}`);
  };
}
