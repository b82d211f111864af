/**
 * Test support for the PostgreSQL read-model specs; not part of the runtime barrel. Each spec file
 * gets its own random prefix, `jx_rm_<random>`; every store it opens lives in a schema of its own
 * under that prefix, and all of them are dropped afterwards. PostgreSQL being unreachable fails
 * the file loudly: an integration suite that skipped itself would report green having tested nothing.
 */
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier, type QueryResult, type QueryResultRow } from 'pg';
import {
  openPostgresReadModelStore,
  type PostgresReadModelOptions,
  type PostgresReadModelStore,
} from '../postgres/postgres-read-model.adapter';
import type { ReadModelFactory } from './contract/read-model-fixture';

import { connectForTests, DATABASE_URL } from '@jx/postgres/testing';

export { DATABASE_URL };

export class PostgresTestSchemas {
  readonly prefix = `jx_rm_${randomBytes(5).toString('hex')}`;
  private admin: Client | undefined;
  private count = 0;
  private readonly opened = new Set<PostgresReadModelStore>();
  private readonly clients: Client[] = [];

  async setUp(): Promise<void> {
    this.admin = await connectForTests();
  }

  /** A connection of its own (another session: to hold locks while a store works); ended at tearDown. */
  async session(): Promise<Client> {
    const client = await connectForTests();
    this.clients.push(client);
    return client;
  }

  /** A schema name no store has used yet, dropped with the others at tearDown. */
  schema(): string {
    this.count += 1;
    return `${this.prefix}_${this.count}`;
  }

  /** Opens a store (on a new schema unless told otherwise); closed at tearDown if still open. */
  async open(options: Partial<PostgresReadModelOptions> = {}): Promise<PostgresReadModelStore> {
    if (!this.admin) throw new Error('PostgresTestSchemas.setUp() has not run (or PostgreSQL was unreachable)');
    const store = await openPostgresReadModelStore({ connectionString: DATABASE_URL, schema: this.schema(), ...options });
    this.opened.add(store);
    return store;
  }

  /** The contract's factory: a store on a fresh schema, dropped by its cleanup. */
  factory(options: Partial<PostgresReadModelOptions> = {}): ReadModelFactory {
    return async () => {
      const store = await this.open(options);
      return {
        store,
        dump: (which) => store.dump(which),
        cleanup: async () => {
          await store.close();
          this.opened.delete(store);
          for (const schema of new Set(Object.values(store.names.copies))) await this.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        },
      };
    };
  }

  sql<R extends QueryResultRow = QueryResultRow>(text: string, values: unknown[] = []): Promise<QueryResult<R>> {
    if (!this.admin) throw new Error('PostgresTestSchemas.setUp() has not run (or PostgreSQL was unreachable)');
    return this.admin.query<R>(text, values);
  }

  /** `schema.table`, quoted for SQL behind the store's back. */
  table(schema: string, name: string): string {
    return `${escapeIdentifier(schema)}.${escapeIdentifier(name)}`;
  }

  async tearDown(): Promise<void> {
    // Sessions first: a test that failed while one held a lock would otherwise leave a store's
    // pool waiting on it, and closing that store would never finish.
    await Promise.all(this.clients.splice(0).map((client) => client.end()));
    await Promise.all([...this.opened].map((store) => store.close()));
    this.opened.clear();
    if (!this.admin) return;
    const { rows } = await this.admin.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)',
      [`${this.prefix}_`],
    );
    for (const { name } of rows) await this.admin.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(name)} CASCADE`);
    await this.admin.end();
    this.admin = undefined;
  }
}

export { eventually } from '@jx/postgres/testing';


