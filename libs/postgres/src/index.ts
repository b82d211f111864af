export * from './versioned-schema';
export * from './query-timeouts';
