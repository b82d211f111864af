import { Client } from 'pg';

/** The PostgreSQL the integration specs talk to (CI and `.ci/run` export it; a local default otherwise). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A connection to DATABASE_URL. PostgreSQL being unreachable fails the spec file loudly, naming
 * the URL without its password: an integration suite that skipped itself would report green
 * having tested nothing.
 */
export async function connectForTests(): Promise<Client> {
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // surfaced by the next query instead
  try {
    await client.connect();
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`PostgreSQL is unreachable at ${redacted(DATABASE_URL)} (${reason}): start it or set DATABASE_URL`, { cause: error });
  }
  return client;
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
