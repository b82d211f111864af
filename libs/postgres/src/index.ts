export * from './versioned-schema';
export * from './query-timeouts';
export * from './checked-out';
