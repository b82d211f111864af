/** Test support for adapters and their users; not part of the runtime barrel. */
export { describeEventStoreContract, type EventStoreFactory, type EventStoreFixture } from './event-store.contract';
export * from './event-fixtures';
export { describeCachedReadsAcrossInstances } from './contract/cached-reads.contract';
