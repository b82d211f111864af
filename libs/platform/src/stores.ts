/** The stores configuration picks: one place for the server's composition root and the maintenance CLIs. */
import { join } from 'node:path';
import type { AppConfig } from '@jx/config';
import { NoEventStoreError, openEventStoreDbEventStore, openPostgresEventStore, openSqliteEventStore, type EventStore } from '@jx/event-store';
import { openSqliteJobJournal, type SqliteJobJournal } from '@jx/jobs';
import { openPostgresReadModelStore, openSqliteReadModelStore, type ReadModelStore } from '@jx/projections';

type StoreConfig = Pick<AppConfig, 'EVENT_STORE' | 'DATA_DIR' | 'DATABASE_URL' | 'EVENTSTORE_URL' | 'EVENT_STORE_SCHEMA' | 'READ_MODELS_SCHEMA' | 'DATABASE_QUERY_TIMEOUT_MS'>;

/** A store that cannot be opened stops start-up with the variable that points to it named first. */
const named = (variable: string, error: unknown): Error =>
  new Error(`${variable}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });

async function pointedToBy<T>(variable: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error: unknown) {
    throw named(variable, error);
  }
}

/** SQLite's own refusals (`unable to open database file`) name no file: the file is said first. */
function openingFile<T>(file: string, open: () => T): T {
  try {
    return open();
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    throw message.includes(file) ? error : new Error(`${file}: ${message}`, { cause: error });
  }
}

/** The in-process jobs' journal (the embedded default), beside the events in DATA_DIR. */
export function openJobJournal(config: Pick<AppConfig, 'DATA_DIR'>): SqliteJobJournal {
  try {
    const file = join(config.DATA_DIR, 'jobs.sqlite');
    return openingFile(file, () => openSqliteJobJournal(file));
  } catch (error: unknown) {
    throw named('DATA_DIR', error);
  }
}

/** `existingOnly` (maintenance commands): a PostgreSQL schema holding no event store is refused, with EVENT_STORE_SCHEMA named, and none is created. */
export async function openEventStore(config: StoreConfig, { existingOnly = false }: { existingOnly?: boolean } = {}): Promise<EventStore> {
  switch (config.EVENT_STORE) {
    case 'sqlite':
      return pointedToBy('DATA_DIR', async () => {
        const file = join(config.DATA_DIR, 'events.sqlite');
        return openingFile(file, () => openSqliteEventStore({ file }));
      });
    case 'postgres':
      // DATABASE_URL is required with postgres (checked by the configuration).
      try {
        return await pointedToBy('DATABASE_URL', () => openPostgresEventStore({ connectionString: config.DATABASE_URL!, schema: config.EVENT_STORE_SCHEMA, queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS, existingOnly }));
      } catch (error: unknown) {
        throw error instanceof Error && error.cause instanceof NoEventStoreError ? named('EVENT_STORE_SCHEMA', error.cause) : error;
      }
    case 'eventstoredb':
      // EVENTSTORE_URL is required with eventstoredb (checked by the configuration).
      return pointedToBy('EVENTSTORE_URL', async () => openEventStoreDbEventStore({ connectionString: config.EVENTSTORE_URL! }));
  }
}

/** DATABASE_URL set: the read models live in PostgreSQL (the production stack), else beside the events. */
export async function openReadModelStore(config: StoreConfig): Promise<ReadModelStore> {
  const url = config.DATABASE_URL;
  return url !== undefined
    ? pointedToBy('DATABASE_URL', () => openPostgresReadModelStore({ connectionString: url, schema: config.READ_MODELS_SCHEMA, queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS }))
    : pointedToBy('DATA_DIR', async () => {
        const file = join(config.DATA_DIR, 'readmodels.sqlite');
        return openingFile(file, () => openSqliteReadModelStore({ file }));
      });
}
