export * from './infrastructure.module';
export * from './shutdown';
export * from './pino-logger';
export * from './redact';
export * from './health-checks';
export * from './tokens';
export * from './shutdown-deadline';
export * from './stores';
