/** For suites that run the server as a process on the embedded stores and read its files after. */
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import { READ_MODEL_TABLES } from '@jx/projections';
import { PRIMARY_KEYS, copyTable } from '../../libs/projections/src/sqlite/sqlite-read-model.schema';

/** Every row of every table of the read models' copy in use in a SQLite file, in key order (what a rebuild must reproduce). */
export function dumpReadModels(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  const inUse = db.prepare<[], 'a' | 'b'>('SELECT in_use FROM read_model_state WHERE singleton = 1').pluck().get() ?? 'a';
  const out: Record<string, unknown[]> = {};
  for (const table of READ_MODEL_TABLES) out[table] = db.prepare(`SELECT * FROM ${copyTable(inUse, table)} ORDER BY ${PRIMARY_KEYS[table]}`).all();
  db.close();
  return out;
}

/** Signs HS256 tokens with `secret`, each valid for an hour, `sub` named after the role and `suite`. */
export const tokenSigner = (secret: string, suite: string) => (claims: Record<string, string>) =>
  new SignJWT({ sub: `${claims.role}-${suite}`, ...claims }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
