import type { Server } from 'node:http';

/**
 * A client may half-close its socket once its request is sent (shutdown(SHUT_WR): raw HTTP tools
 * and hand-written test clients do). Node's HTTP server takes that as the client gone: it drops
 * the requests still running and ends the connection, so a command that awaited I/O (PostgreSQL)
 * was carried out and its answer never sent. With half-open connections allowed, each request
 * already received is answered, and the server ends the connection after the last answer (an
 * idle connection that half-closes is ended at once, as before). `httpAllowHalfOpen` is the
 * server's own switch (lib/_http_server.js, Node 20–24), not in its typings.
 */
export function answerHalfClosedClients(server: Server): void {
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
}
