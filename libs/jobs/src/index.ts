export * from './job-queue.port';
export * from './in-process/job-timers';
export * from './in-process/in-process-job-queue.adapter';
export * from './in-process/sqlite-job-journal';
export * from './testing/manual-job-timers';
export * from './bullmq/bullmq-job-queue.adapter';
export * from './bullmq/bullmq-jobs.module';
export * from './bullmq/redis-database';
