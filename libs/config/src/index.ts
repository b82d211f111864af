export * from './config.schema';
export * from './load-config';
export * from './stack-of';
export * from './rule-sets-file';
