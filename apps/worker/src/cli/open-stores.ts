/** The embedded stores a maintenance command works on, from the same configuration as the server. */
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '@jx/config';
import { openSqliteEventStore, type EventStore } from '@jx/event-store';
import { openSqliteReadModelStore, type ReadModelStore } from '@jx/projections';

export function openStores(): { config: AppConfig; events: EventStore; readModels: () => ReadModelStore } {
  const config = loadConfig();
  if (config.EVENT_STORE !== 'sqlite') throw new Error(`EVENT_STORE=${config.EVENT_STORE}: this build's maintenance commands work on the embedded store only`);
  return {
    config,
    events: openSqliteEventStore({ file: join(config.DATA_DIR, 'events.sqlite') }),
    readModels: () => openSqliteReadModelStore({ file: join(config.DATA_DIR, 'readmodels.sqlite') }),
  };
}

export function fail(e: unknown): never {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
