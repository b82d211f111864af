/** The stores a maintenance command works on, from the same configuration as the server. */
import { join } from 'node:path';
import { loadConfigOrExit, type AppConfig } from '@jx/config';
import { openEventStoreDbEventStore, openPostgresEventStore, openSqliteEventStore, type EventStore } from '@jx/event-store';
import { openSqliteReadModelStore, type ReadModelStore } from '@jx/projections';

export async function openStores(): Promise<{ config: AppConfig; events: EventStore; readModels: () => ReadModelStore }> {
  const config = loadConfigOrExit();
  const events =
    config.EVENT_STORE === 'sqlite'
      ? openSqliteEventStore({ file: join(config.DATA_DIR, 'events.sqlite') })
      : config.EVENT_STORE === 'postgres'
        ? await openPostgresEventStore({ connectionString: config.DATABASE_URL!, schema: config.EVENT_STORE_SCHEMA })
        : openEventStoreDbEventStore({ connectionString: config.EVENTSTORE_URL! });
  return { config, events, readModels: () => openSqliteReadModelStore({ file: join(config.DATA_DIR, 'readmodels.sqlite') }) };
}

export function fail(e: unknown): never {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
