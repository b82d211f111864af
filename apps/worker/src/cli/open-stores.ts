/** The stores a maintenance command works on, from the same configuration as the server. */
import { join } from 'node:path';
import { loadConfigOrExit, type AppConfig } from '@jx/config';
import { openEventStoreDbEventStore, openPostgresEventStore, openSqliteEventStore, type EventStore } from '@jx/event-store';
import { openPostgresReadModelStore, openSqliteReadModelStore, type ReadModelStore } from '@jx/projections';

export async function openStores(): Promise<{ config: AppConfig; events: EventStore; readModels: () => Promise<ReadModelStore> }> {
  const config = loadConfigOrExit(process.env, { checksTokens: false });
  const events =
    config.EVENT_STORE === 'sqlite'
      ? openSqliteEventStore({ file: join(config.DATA_DIR, 'events.sqlite') })
      : config.EVENT_STORE === 'postgres'
        ? await openPostgresEventStore({ connectionString: config.DATABASE_URL!, schema: config.EVENT_STORE_SCHEMA })
        : openEventStoreDbEventStore({ connectionString: config.EVENTSTORE_URL! });
  // The same choice as the server's composition root: PostgreSQL read models when DATABASE_URL is set.
  const readModels = async (): Promise<ReadModelStore> =>
    config.DATABASE_URL !== undefined
      ? openPostgresReadModelStore({ connectionString: config.DATABASE_URL, schema: config.READ_MODELS_SCHEMA })
      : openSqliteReadModelStore({ file: join(config.DATA_DIR, 'readmodels.sqlite') });
  return { config, events, readModels };
}

export function fail(e: unknown): never {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
