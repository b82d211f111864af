/** The stores a maintenance command works on, from the same configuration as the server. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigOrExit, type AppConfig } from '@jx/config';
import type { EventStore } from '@jx/event-store';
import { openEventStore, openReadModelStore } from '@jx/platform';
import type { ReadModelStore } from '@jx/projections';

export async function openStores(): Promise<{ config: AppConfig; events: EventStore; readModels: () => Promise<ReadModelStore> }> {
  const config = loadConfigOrExit(process.env, { checksTokens: false });
  // A maintenance command never starts a store: on a mistyped DATA_DIR (or EVENT_STORE_SCHEMA) it
  // would check, or rebuild from, an empty one it just made, and report success.
  const file = join(config.DATA_DIR, 'events.sqlite');
  if (config.EVENT_STORE === 'sqlite' && !existsSync(file)) {
    fail(new Error(`DATA_DIR: no event store at ${resolve(file)} (set DATA_DIR, and EVENT_STORE and DATABASE_URL where the server uses them, as the server was started)`));
  }
  const events = await openEventStore(config, { existingOnly: true });
  // The same choice as the server's composition root.
  const readModels = (): Promise<ReadModelStore> => openReadModelStore(config);
  return { config, events, readModels };
}

/**
 * A maintenance command takes no arguments (its configuration is the server's environment): asked
 * for help it says what it does; any other argument is refused before anything is opened, so that a
 * probe (`-- --help`) never runs a whole check or rebuild.
 */
export function takeNoArguments(usage: string): void {
  const args = process.argv.slice(2);
  if (args.length === 0) return;
  if (args.length === 1 && ['--help', '-h', 'help'].includes(args[0]!)) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  process.stderr.write(`unexpected argument ${args[0]}: this command takes none\n${usage}\n`);
  process.exit(1);
}

export function fail(e: unknown): never {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
