/**
 * How long a request may take to arrive whole (REQUEST_TIMEOUT_MS): past it the server answers
 * 408 REQUEST_TIMEOUT (client-error.ts) and closes the connection. Fastify sets no bound, so a
 * client sending its body a byte every few seconds held its connection for as long as it liked.
 * Node checks its connections every `connectionsCheckingInterval` (30 s by default): a quarter of
 * the bound here (250 ms to 30 s), so the 408 comes between 1 and 1.25 times it. The headers keep
 * Node's own 60 s bound, never longer than the whole request's. Node stops the checks when the
 * server closes: requests still arriving then are cut by client-error.ts's dropArriving.
 */
export function requestTimeouts(requestTimeoutMs: number): { requestTimeout: number; http: { headersTimeout: number; connectionsCheckingInterval: number } } {
  return {
    requestTimeout: requestTimeoutMs,
    http: { headersTimeout: Math.min(60_000, requestTimeoutMs), connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(requestTimeoutMs / 4))) },
  };
}
