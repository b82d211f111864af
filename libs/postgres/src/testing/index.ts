export * from './eventually';
export * from './test-connection';
