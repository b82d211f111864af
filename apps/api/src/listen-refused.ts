/**
 * The server cannot listen where the configuration says: named like a store that cannot be opened
 * (platform/stores.ts), the variable that points there first. Node's own message (`listen
 * EADDRINUSE …`, `getaddrinfo ENOTFOUND …`) names neither PORT nor HOST.
 */
import { createServer } from 'node:net';

export function listenRefused(error: unknown, host: string, port: number): Error {
  const { code, message } = error as NodeJS.ErrnoException;
  const because = `(${message})`;
  switch (code) {
    case 'EADDRINUSE':
      return new Error(`PORT: ${port} is in use on ${host} ${because}`, { cause: error });
    case 'EACCES':
      return new Error(`PORT: this user may not listen on ${port} ${because}`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new Error(`HOST: ${host} is no address of this machine ${because}`, { cause: error });
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Refuses, before anything is opened or run, an address this process could not listen on: a
 * second `npm start` on a port in use must not open the stores, keep a secret or run the worker's
 * processors (a sweep, a projection) and only then fail. Listening for real may still fail after
 * (another process taking the port meanwhile); that failure is reported the same way.
 */
export async function refuseUnlistenable(host: string, port: number): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port, host, exclusive: true }, resolve);
    });
  } catch (error: unknown) {
    throw listenRefused(error, host, port);
  } finally {
    await new Promise((resolve) => (probe.listening ? probe.close(resolve) : resolve(undefined)));
  }
}

/** The address as a URL's host: an IPv6 address in brackets. */
export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
