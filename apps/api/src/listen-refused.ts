/**
 * The server cannot listen where the configuration says: named like a store that cannot be opened
 * (platform/stores.ts), the variable that points there first. Node's own message (`listen
 * EADDRINUSE …`, `getaddrinfo ENOTFOUND …`) names neither PORT nor HOST.
 */
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

/** The address as a URL's host: an IPv6 address in brackets. */
export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
