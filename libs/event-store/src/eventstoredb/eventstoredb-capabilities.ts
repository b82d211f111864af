/**
 * Before its first append on a connection, the client asks the server which calls it supports
 * (BatchAppend or not) and keeps the answer until it reconnects (UNAVAILABLE, a server-side
 * CANCELLED, a node not the leader) — a failed answer too. A lookup failed otherwise (INTERNAL or
 * UNKNOWN: an HTTP 400 or 500 from something in front of the server, a stream reset) would have
 * every append on that connection fail, each a 500, while reads and health stayed green; and the
 * client sends the lookup without a deadline, so one never answered would hold every append.
 *
 * Here the lookup is the client's own request with a deadline (half the append's, so that a silent
 * lookup fails the append that met it as a deadline of its own), kept per connection as the client
 * keeps it, and forgotten when it fails: the append that met the failure answers 503 (INTERNAL and
 * UNKNOWN as a store not answering, libs/platform/src/unavailable.ts; the rest as the client names
 * it for any call) and the next one asks again.
 *
 * The client exposes no way to drop its cache: its `supports` reads `this.capabilities`, which this
 * shadows on the instance. It relies on the client's protected `execute` and `getChannel` and on
 * its ServerFeatures class (package.json pins the client's version; the wrap refuses a client
 * without them, rather than fail at the first append).
 */
import { convertToCommandError, type EventStoreDBClient } from '@eventstore/db-client';
import { ServerFeatures } from '@eventstore/db-client/dist/Client/ServerFeatures';
import { ServerFeaturesClient } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { Metadata, status, type Channel, type ServiceError } from '@grpc/grpc-js';

interface ClientInternals {
  execute: (client: typeof ServerFeaturesClient, debugName: string, action: (grpc: ServerFeaturesClient) => Promise<ServerFeatures>) => Promise<ServerFeatures>;
  getChannel: () => Promise<Channel>;
}

/** `client`, its server-features lookup bounded by `appendTimeoutMs / 2` and not kept when it failed. */
export function forgettingFailedCapabilities(client: EventStoreDBClient, appendTimeoutMs: number): EventStoreDBClient {
  const internals = client as unknown as Partial<ClientInternals>;
  const { execute, getChannel } = internals;
  if (typeof execute !== 'function' || typeof getChannel !== 'function' || typeof ServerFeatures !== 'function') {
    throw new Error('@eventstore/db-client: this version lacks the internals the server-features lookup relies on (execute, getChannel, ServerFeatures); use the version package.json names');
  }
  const ask = (): Promise<ServerFeatures> =>
    execute(ServerFeaturesClient, 'getSupportedMethods', (grpc) =>
      new Promise((resolve, reject) => {
        grpc.getSupportedMethods(new Empty(), new Metadata(), { deadline: Date.now() + appendTimeoutMs / 2 }, (error, methods) => {
          // A server without the call (before 21.10) supports none of the newer ones: as the client does.
          if (error && error.code !== status.UNIMPLEMENTED) return reject(error);
          resolve(new ServerFeatures(error, methods!));
        });
      }),
    );
  let askedOn: Channel | undefined;
  let lookup: Promise<ServerFeatures> | undefined;
  const capabilities = async (): Promise<ServerFeatures> => {
    const channel = await getChannel();
    if (channel !== askedOn) {
      askedOn = channel;
      lookup = undefined;
    }
    if (lookup === undefined) {
      const asking: Promise<ServerFeatures> = ask().catch((error: unknown) => {
        if (lookup === asking) lookup = undefined;
        throw lookupFailed(error);
      });
      lookup = asking;
    }
    return lookup;
  };
  Object.defineProperty(client, 'capabilities', { configurable: true, get: capabilities });
  return client;
}

/** INTERNAL and UNKNOWN as the server not answering; any other failure as the client names it for any call. */
function lookupFailed(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const { code } = error as Partial<ServiceError>;
  if (code !== status.INTERNAL && code !== status.UNKNOWN) return convertToCommandError(error);
  return Object.assign(new Error(`EventStoreDB did not say which calls it supports: ${error.message}`, { cause: error }), { type: 'unavailable' });
}
