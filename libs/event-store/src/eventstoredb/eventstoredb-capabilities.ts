/**
 * The client asks the server once which calls it supports (BatchAppend or not) before its first
 * append, and keeps the answer — a failed lookup too, until it reconnects for a reason of its own
 * (UNAVAILABLE, a node not the leader). A lookup answered otherwise (INTERNAL from a proxy in
 * front of the server, a server still starting) would have every append after it fail, each a
 * 500, while reads and health stayed green. Here a failed lookup is forgotten: the append that
 * met it answers 503 (a store not answering, libs/platform/src/unavailable.ts) and the next one
 * asks again. An answer is kept for the client's life (the client's own cache is dropped on a
 * reconnection, to another node maybe; a cluster's nodes run one version and support the same calls).
 *
 * The client exposes no way to drop its cache: its `supports` reads `this.capabilities`, which
 * this shadows on the instance with a lookup of the same call (ServerFeatures.createServerFeatures).
 */
import { convertToCommandError, isCommandError, type EventStoreDBClient } from '@eventstore/db-client';
import { ServerFeatures } from '@eventstore/db-client/dist/Client/ServerFeatures';

type Execute = (...call: typeof ServerFeatures.createServerFeatures) => Promise<ServerFeatures>;

/** `client`, its failed server-features lookups not kept. */
export function forgettingFailedCapabilities(client: EventStoreDBClient): EventStoreDBClient {
  const execute = (client as unknown as { execute: Execute }).execute;
  let lookup: Promise<ServerFeatures> | undefined;
  Object.defineProperty(client, 'capabilities', {
    configurable: true,
    get: (): Promise<ServerFeatures> =>
      (lookup ??= execute(...ServerFeatures.createServerFeatures).catch((error: unknown) => {
        lookup = undefined;
        throw lookupFailed(error);
      })),
  });
  return client;
}

/**
 * A failure the client names (UNAVAILABLE, DEADLINE_EXCEEDED, access denied…) as it names it, as
 * it would for any other call; any other (INTERNAL, UNKNOWN…) as the server not answering.
 */
function lookupFailed(error: unknown): unknown {
  const converted = error instanceof Error ? convertToCommandError(error) : error;
  if (converted instanceof Error && isCommandError(converted) && converted.type !== 'unknown') return converted;
  const reason = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`EventStoreDB did not say which calls it supports: ${reason}`, { cause: error }), { type: 'unavailable' });
}
