/**
 * A PostgreSQL schema migrated in numbered steps, shared by the event store and the read models.
 * Imports nothing of ours: only the `pg` types.
 */
import { createHash } from 'node:crypto';
import { escapeIdentifier, type ClientBase } from 'pg';
import { isQueryReadTimeout } from './query-timeouts';

export interface VersionedSchema {
  /** For messages: "event store", "read-model". */
  label: string;
  /** The schema's name, and the same as a quoted identifier ready for SQL. */
  schema: string;
  quoted: string;
  /** Table (in the schema) counting the applied steps; each store names its own, so two can share a schema. */
  versionTable: string;
  /** Transaction-scoped advisory lock key (int8, as text) serialising this store's openers. */
  lockKey: string;
}

/** Step n (from 1) brings the schema from version n − 1 to n. */
export type MigrationStep = (client: ClientBase) => Promise<void>;

/**
 * The lock every opener of a schema takes first, whichever store it opens: two stores sharing a
 * schema (the event store and the read models, say) would otherwise create it at once.
 */
function schemaLockKey(schema: string): string {
  return createHash('sha256').update(`jx-schema:${schema}`).digest().readBigInt64BE(0).toString();
}

/**
 * Creates a schema unless it exists, under the lock of its creation (held until the transaction
 * ends, so call it inside one that runs READ COMMITTED): for the schema of a store, and for a step
 * creating another schema of its own (the read models' second copy). Existence is asked with a
 * query of its own, not `IF NOT EXISTS`: waiting for an advisory lock does not make PostgreSQL take
 * in the catalogue changes committed meanwhile, so `CREATE SCHEMA IF NOT EXISTS` right after it
 * could still miss the schema the lock's previous holder created (seen here: duplicate key in
 * pg_namespace, about once in 25 runs of five races); the query runs on a fresh snapshot, taken
 * after the lock was had, and sees it.
 */
export async function createSchemaOnce(client: ClientBase, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1::int8)', [schemaLockKey(schema)]);
  const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (existing.rowCount === 0) await client.query(`CREATE SCHEMA ${escapeIdentifier(schema)}`);
}

/**
 * Creates or upgrades the schema idempotently, in one transaction under advisory locks (the
 * schema's, then the store's): concurrent `CREATE ... IF NOT EXISTS` can still collide in the
 * catalogue, so openers queue instead. A schema newer than the steps known here is refused
 * rather than touched.
 */
export async function migrateVersionedSchema(client: ClientBase, target: VersionedSchema, steps: readonly MigrationStep[]): Promise<void> {
  const s = target.quoted;
  // READ COMMITTED whatever the server's default: each statement must see what the lock's previous
  // holder committed (under REPEATABLE READ the snapshot would predate the wait).
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  try {
    // Always in this order (schema, then store), so two openers never wait for each other in a cycle.
    await createSchemaOnce(client, target.schema);
    await client.query('SELECT pg_advisory_xact_lock($1::int8)', [target.lockKey]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.${target.versionTable} (
         version    integer     NOT NULL PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT COALESCE(max(version), 0)::int AS version FROM ${s}.${target.versionTable}`);
    const version = rows[0]?.version ?? 0;
    if (version > steps.length) {
      throw new Error(`${target.label} schema ${target.schema} is at version ${version}, newer than this code (${steps.length})`);
    }
    for (let next = version + 1; next <= steps.length; next++) {
      await steps[next - 1]!(client);
      await client.query(`INSERT INTO ${s}.${target.versionTable} (version) VALUES ($1)`, [next]);
    }
    await client.query('COMMIT');
  } catch (error: unknown) {
    // A statement unanswered: no ROLLBACK queued behind it; the caller closes the connection,
    // which ends the transaction (see isQueryReadTimeout).
    if (!isQueryReadTimeout(error)) await client.query('ROLLBACK').catch(() => undefined); // the original error is the one to report
    throw error;
  }
}
