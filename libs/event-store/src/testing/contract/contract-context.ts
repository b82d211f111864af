import type { EventStore } from '../../event-store.port';

export interface EventStoreFixture {
  store: EventStore;
  cleanup(): Promise<void>;
}

export type EventStoreFactory = () => Promise<EventStoreFixture>;

/** The store of the running test; each sub-suite calls it inside its tests. */
export type CurrentStore = () => EventStore;
