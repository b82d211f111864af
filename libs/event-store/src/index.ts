/** @jx/event-store: the EventStore port, its SQLite adapter, the hash chain and handleCommand. */
export * from './event-store.port';
export {
  SqliteEventStore,
  openSqliteEventStore,
  type SqliteEventStoreOptions,
  type SqliteSynchronous,
} from './sqlite/sqlite-event-store.adapter';
export { NoEventStoreError, PostgresEventStore, openPostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store.adapter';
export {
  handleCommand,
  readBetweenCommands,
  ConcurrencyConflictError,
  defaultCommandLocks,
  type CommandContext,
  type CommandOutcome,
  type CommandSpec,
  type Decision,
  type EventDraft,
} from './handle-command';
export { KeyedMutex } from './keyed-mutex';
export { WeightedCache } from './weighted-cache';
export {
  GENESIS_HASH,
  chainHash,
  chainedFieldsOf,
  verifyStreamChain,
  verifyChain,
  type BrokenStream,
  type ChainBreak,
  type ChainReport,
  type ChainedFields,
  type StreamChainReport,
  type ChainProgress,
} from './hash-chain';
export { canonicalJson, isWellFormedText } from './jcs';
export { followAll, type FollowSource } from './follow-all';
export { EventStoreDbEventStore, openEventStoreDbEventStore, type EventStoreDbOptions } from './eventstoredb/eventstoredb-event-store.adapter';
