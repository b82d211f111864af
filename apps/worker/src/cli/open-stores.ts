/** The stores a maintenance command works on, from the same configuration as the server. */
import { loadConfigOrExit, type AppConfig } from '@jx/config';
import type { EventStore } from '@jx/event-store';
import { openEventStore, openReadModelStore } from '@jx/platform';
import type { ReadModelStore } from '@jx/projections';

export async function openStores(): Promise<{ config: AppConfig; events: EventStore; readModels: () => Promise<ReadModelStore> }> {
  const config = loadConfigOrExit(process.env, { checksTokens: false });
  const events = await openEventStore(config);
  // The same choice as the server's composition root.
  const readModels = (): Promise<ReadModelStore> => openReadModelStore(config);
  return { config, events, readModels };
}

export function fail(e: unknown): never {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
