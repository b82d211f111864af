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
 * How long a migration's steps wait for a lock per try (lock_timeout), by default. A step altering
 * a table waits for the sessions using it, and every session asking for that table after it queues
 * behind the step meanwhile: a wait without limit would hold every request of the running
 * processes for as long as the slowest of those sessions runs. So a try gives way after this
 * long, and the next comes once the queue behind it has drained.
 */
export const DEFAULT_MIGRATION_LOCK_WAIT_MS = 2_000;
/** Tries give way for at most this long in all (then the opener fails, naming the wait). */
const MIGRATION_LOCK_TRIES_MS = 10 * 60_000;
/**
 * SQLSTATEs of a lock wait that ran past lock_timeout, and of one the server ended to break a
 * cycle (a step waiting for an older process that waits for a table the step holds): either way
 * the migration was rolled back, and is tried again.
 */
const DEADLOCK_DETECTED = '40P01';
const GAVE_WAY = new Set(['55P03', DEADLOCK_DETECTED]);
const MAX_LOCK_TIMEOUT_MS = 2 ** 31 - 1;

export interface MigrationOptions {
  /** See DEFAULT_MIGRATION_LOCK_WAIT_MS; a whole number of ms from 1 to 2^31 − 1 (what lock_timeout takes). */
  lockWaitMs?: number;
  /** How long tries may go on giving way, in all (default 10 min). */
  triesForMs?: number;
}

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
 * rather than touched. The steps' lock waits are bounded (MigrationOptions.lockWaitMs): one that
 * runs out rolls the whole migration back, which lets the sessions queued behind it go on, and it
 * is tried again after a pause, for up to `triesForMs` in all (each give-way is a process warning).
 */
export async function migrateVersionedSchema(client: ClientBase, target: VersionedSchema, steps: readonly MigrationStep[], options: MigrationOptions = {}): Promise<void> {
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_MIGRATION_LOCK_WAIT_MS;
  const triesForMs = options.triesForMs ?? MIGRATION_LOCK_TRIES_MS;
  for (const [name, value] of Object.entries({ lockWaitMs, triesForMs })) {
    // lock_timeout 0 would mean no limit: the one thing the setting is there to prevent; PostgreSQL
    // takes at most 2^31 − 1 ms.
    if (!Number.isSafeInteger(value) || value < 1 || value > MAX_LOCK_TIMEOUT_MS) throw new RangeError(`${name} must be a whole number of ms from 1 to ${MAX_LOCK_TIMEOUT_MS}, got ${value}`);
  }
  const until = Date.now() + triesForMs;
  for (let tries = 1; ; tries += 1) {
    try {
      await migrateOnce(client, target, steps, lockWaitMs);
      return;
    } catch (error: unknown) {
      if (!(error instanceof StepLockWait)) throw error;
      if (Date.now() >= until) {
        throw new Error(
          `${target.label} schema ${target.schema}: migration step ${error.step} could not have the locks it needs in ${tries} tries over ${Math.round(triesForMs / 1000)} s ` +
            `(other sessions hold them for longer than ${lockWaitMs} ms at a time: see pg_locks); nothing of it was applied`,
          { cause: error.cause },
        );
      }
      const why = error.deadlock ? 'was in a lock cycle with other sessions, which the server broke' : `waited ${lockWaitMs} ms for a lock other sessions hold`;
      process.emitWarning(`${target.label} schema ${target.schema}: migration step ${error.step} ${why}; rolled back to let the sessions queued behind it go on, trying again`, 'MigrationLockWarning');
      await new Promise((resolve) => setTimeout(resolve, lockWaitMs * (1 + Math.random())));
    }
  }
}

/** A step gave way (its lock wait ran out, or the server ended it to break a lock cycle): the migration was rolled back, to be tried again. */
class StepLockWait extends Error {
  constructor(
    readonly step: number,
    readonly deadlock: boolean,
    cause: unknown,
  ) {
    super(`migration step ${step} gave way`, { cause });
  }
}

const codeOf = (error: unknown): string | undefined => (typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined);

async function migrateOnce(client: ClientBase, target: VersionedSchema, steps: readonly MigrationStep[], lockWaitMs: number): Promise<void> {
  const s = target.quoted;
  // READ COMMITTED whatever the server's default: each statement must see what the lock's previous
  // holder committed (under REPEATABLE READ the snapshot would predate the wait).
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  let step = 0;
  try {
    // Always in this order (schema, then store), so two openers never wait for each other in a cycle.
    // No bound on these two waits: another opener's migration, which may run long, holds them.
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
    // For this transaction only: the steps' waits for the tables they alter (and for the sessions
    // in flight, where a step waits for them) are bounded.
    if (version < steps.length) await client.query(`SET LOCAL lock_timeout = ${Math.trunc(lockWaitMs)}`);
    for (step = version + 1; step <= steps.length; step++) {
      await steps[step - 1]!(client);
      await client.query(`INSERT INTO ${s}.${target.versionTable} (version) VALUES ($1)`, [step]);
    }
    await client.query('COMMIT');
  } catch (error: unknown) {
    // A statement unanswered: no ROLLBACK queued behind it; the caller closes the connection,
    // which ends the transaction (see isQueryReadTimeout).
    if (!isQueryReadTimeout(error)) await client.query('ROLLBACK').catch(() => undefined); // the original error is the one to report
    const code = codeOf(error);
    if (step > 0 && code !== undefined && GAVE_WAY.has(code)) throw new StepLockWait(step, code === DEADLOCK_DETECTED, error);
    throw error;
  }
}
