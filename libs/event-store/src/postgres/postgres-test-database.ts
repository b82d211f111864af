import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier, type QueryResult, type QueryResultRow } from 'pg';
import { connectForTests, DATABASE_URL } from '@jx/postgres/testing';
import { openPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store.adapter';

/** Test support for the PostgreSQL integration specs; not part of the runtime barrel. */
export { DATABASE_URL };

export function freshSchemaName(): string {
  return `jx_test_${randomBytes(6).toString('hex')}`;
}

/**
 * One spec file's own schema (and any extra ones it asks for), dropped afterwards, plus an admin
 * connection for SQL behind the store's back. PostgreSQL being unreachable fails the file loudly:
 * an integration suite that skips itself would report green having tested nothing.
 */
export class TestDatabase {
  readonly schema = freshSchemaName();
  private admin: Client | undefined;
  private readonly schemas = new Set<string>([this.schema]);
  private opened: PostgresEventStore[] = [];

  async setUp(): Promise<void> {
    const client = await connectForTests();
    this.admin = client;
  }

  /** A further schema, dropped with the file's own. */
  extraSchema(): string {
    const schema = freshSchemaName();
    this.schemas.add(schema);
    return schema;
  }

  /** Opens a store on the file's schema (unless told otherwise); closed by closeStores(). */
  async open(options: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> {
    const store = await openPostgresEventStore({ connectionString: DATABASE_URL, schema: this.schema, pollIntervalMs: 20, ...options });
    this.opened.push(store);
    return store;
  }

  async closeStores(): Promise<void> {
    const stores = this.opened;
    this.opened = [];
    await Promise.all(stores.map((s) => s.close()));
  }

  sql<R extends QueryResultRow = QueryResultRow>(text: string, values: unknown[] = []): Promise<QueryResult<R>> {
    if (!this.admin) throw new Error('TestDatabase.setUp() has not run');
    return this.admin.query<R>(text, values);
  }

  /** How many backends are waiting for the advisory lock `key` (transaction or session level). */
  async waitersFor(key: bigint | string): Promise<number> {
    const { classid, objid } = advisoryLockHalves(key);
    const { rows } = await this.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
       WHERE locktype = 'advisory' AND NOT granted AND classid = $1::oid AND objid = $2::oid AND objsubid = 1
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [classid, objid],
    );
    return rows[0]?.n ?? 0;
  }

  /** Backends holding (or, `granted` false, waiting for) a stream turn of the store in `schema`. */
  async turnBackends(granted: boolean, schema = this.schema): Promise<number[]> {
    const { rows } = await this.sql<{ pid: number }>(
      `SELECT DISTINCT pid FROM pg_locks
       WHERE locktype = 'advisory' AND objsubid = 2 AND granted = $2 AND classid = hashtext($1)::oid
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [`jx-event-store:turns:${schema}`, granted],
    );
    return rows.map((r) => r.pid);
  }

  /** Backends that completed `LISTEN channel` and sit idle on it. */
  async listeners(channel: string): Promise<number[]> {
    const { rows } = await this.sql<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE query = $1 AND state = 'idle' ORDER BY pid`,
      [`LISTEN ${escapeIdentifier(channel)}`],
    );
    return rows.map((r) => r.pid);
  }

  /** A table of the file's schema, quoted for SQL. */
  table(name: 'events' | 'streams' | 'schema_migrations', schema = this.schema): string {
    return `${escapeIdentifier(schema)}.${name}`;
  }

  async tearDown(): Promise<void> {
    await this.closeStores();
    if (!this.admin) return;
    for (const schema of this.schemas) await this.admin.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
    await this.admin.end();
    this.admin = undefined;
  }
}

export { eventually } from '@jx/postgres/testing';

/** pg_locks splits a bigint advisory key into two unsigned 32-bit halves. */
export function advisoryLockHalves(key: bigint | string): { classid: string; objid: string } {
  const unsigned = BigInt.asUintN(64, BigInt(key));
  return { classid: (unsigned >> 32n).toString(), objid: (unsigned & 0xffffffffn).toString() };
}

