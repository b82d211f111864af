export const APP_CONFIG = Symbol('APP_CONFIG');
/**
 * The log of Redis and BullMQ failures outside any call (RepeatedFailureLog): one per process, so
 * that whoever sees Redis answer again ends every kind of failure logged, whoever logged it.
 */
export const JOBS_FAILURE_LOG = Symbol('JOBS_FAILURE_LOG');
