import 'reflect-metadata';
import { once, type EventEmitter } from 'node:events';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken, InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JOB_QUEUE, type JobQueue } from '../job-queue.port';
import { deferred, within } from '../testing/async-helpers';
import { TcpProxy } from '../testing/tcp-proxy';
import { BullMqJobQueue } from './bullmq-job-queue.adapter';
import { BullMqJobsModule } from './bullmq-jobs.module';
import { REDIS_URL, TestRedis } from '../testing/bullmq-test-redis';

const redis = new TestRedis();
beforeAll(() => redis.setUp());
afterAll(() => redis.tearDown());

/** A consumer of both faces: the port, and the BullMQ queue itself (as Bull Board would use it). */
@Injectable()
class Both {
  constructor(
    @Inject(JOB_QUEUE) readonly jobs: JobQueue,
    @InjectQueue('module-jobs') readonly queue: Queue,
  ) {}
}

describe('BullMqJobsModule', () => {
  it('provides JOB_QUEUE on the queue @nestjs/bullmq registers, and leaves that queue to Nest to close', async () => {
    // @InjectQueue takes a fixed name: the file's own prefix keeps it apart.
    redis.adoptQueueName('module-jobs');
    @Module({ imports: [BullMqJobsModule.forRoot({ redisUrl: REDIS_URL, queueName: 'module-jobs', prefix: redis.prefix, backoffDelayMs: 2 })], providers: [Both] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const { jobs, queue } = app.get(Both);
    expect(jobs).toBeInstanceOf(BullMqJobQueue);
    expect(app.get(getQueueToken('module-jobs'))).toBe(queue);
    expect((jobs as BullMqJobQueue).queueName).toBe('module-jobs');

    jobs.registerProcessor<{ n: number }>('double', async (job) => {
      await job.reportProgress(1, 1);
      return job.data.n * 2;
    });
    const jobId = await jobs.enqueue('double', { n: 21 });
    await within(jobs.whenIdle(), 'idle');
    expect(await jobs.getJob(jobId)).toMatchObject({ state: 'completed', progress: { done: 1, total: 1 }, result: 42 });

    // As the composition root does on shutdown: the port first, then Nest (which closes the queue).
    await jobs.close();
    // The same job, seen through BullMQ on the injected queue, still open (the prefix came from forRoot).
    expect(await queue.getJobState(jobId)).toBe('completed');
    expect(queue.opts.prefix).toBe(redis.prefix);
    // The queue's own connection fails fast while Redis is away (a 503 must not land later).
    expect(queue.opts.connection).toMatchObject({ enableOfflineQueue: false });
    await app.close();
  });

  it('reports a lost connection through onError, and its return through onRecovered, then serves again', async () => {
    const queueName = redis.adoptQueueName('module-recovered');
    const { proxy, url } = await TcpProxy.forUrl(REDIS_URL, 6379);
    const lost = deferred();
    const recovered = deferred();
    let recoveries = 0;
    const onRecovered = () => {
      recoveries += 1;
      recovered.resolve();
    };
    @Module({ imports: [BullMqJobsModule.forRoot({ redisUrl: url, queueName, prefix: redis.prefix, onError: () => lost.resolve(), onRecovered })] })
    class BackModule {}
    const app = await NestFactory.createApplicationContext(BackModule, { logger: false });
    try {
      const jobs = app.get<JobQueue>(JOB_QUEUE);
      await jobs.enqueue('flag', {}, { jobId: 'before' });
      // Ready before any error: nothing to recover from.
      expect(recoveries).toBe(0);
      await proxy.cut();
      await within(lost.promise, 'the connection to be lost');
      await proxy.resume();
      await within(recovered.promise, 'the connection to be ready again');
      await jobs.enqueue('flag', {}, { jobId: 'after' });
      expect((await jobs.getJob('after'))?.state).toBe('waiting');
      await jobs.close();
    } finally {
      await app.close();
      await proxy.cut();
    }
  });

  it('closes while Redis is away: the queue\'s connection is dropped rather than left reconnecting (its QUIT is refused without an offline queue)', async () => {
    const queueName = redis.adoptQueueName('module-away');
    const { proxy, url } = await TcpProxy.forUrl(REDIS_URL, 6379);
    const lost = deferred();
    @Module({ imports: [BullMqJobsModule.forRoot({ redisUrl: url, queueName, prefix: redis.prefix, onError: () => lost.resolve() })] })
    class AwayModule {}
    const app = await NestFactory.createApplicationContext(AwayModule, { logger: false });
    try {
      const jobs = app.get<JobQueue>(JOB_QUEUE);
      await jobs.enqueue('flag', {}, { jobId: 'before' });
      await proxy.cut();
      await within(lost.promise, 'the connection to be lost');
      // As the composition root does on shutdown: the port first, then Nest (which closes the queue).
      await jobs.close();
      await within(app.close(), 'app.close with Redis away');
      const client = await (app.get(getQueueToken(queueName)) as unknown as { getBackend(): { client: Promise<{ status: string }> } }).getBackend().client;
      expect(client.status).toBe('end');
    } finally {
      await proxy.cut();
    }
  });

  it('closes while Redis is away with a processor here, as a worker process does: the queue\'s connection is dropped, not left reconnecting', async () => {
    const queueName = redis.adoptQueueName('module-away-worker');
    const { proxy, url } = await TcpProxy.forUrl(REDIS_URL, 6379);
    @Module({ imports: [BullMqJobsModule.forRoot({ redisUrl: url, queueName, prefix: redis.prefix, onError: () => undefined })] })
    class AwayWorkerModule {}
    const app = await NestFactory.createApplicationContext(AwayWorkerModule, { logger: false });
    try {
      const jobs = app.get<JobQueue>(JOB_QUEUE);
      jobs.registerProcessor('flag', async () => 'done');
      await jobs.enqueue('flag', {}, { jobId: 'before' });
      const client = await (app.get(getQueueToken(queueName)) as unknown as { getBackend(): { client: Promise<EventEmitter & { status: string }> } }).getBackend().client;
      // The queue's connection and the worker's two, as in a worker process (which never waits
      // for idle, so it has no queue events; the adapter's own tests close those).
      await within(proxy.whenConnections(3), 'three connections');
      const lost = once(client, 'close');
      await proxy.cut();
      await within(lost, 'the queue\'s connection to be lost');
      await within(jobs.close(), 'the port\'s close with Redis away');
      await within(app.close(), 'app.close with Redis away');
      expect(client.status).toBe('end');
    } finally {
      await proxy.cut();
    }
  });
});

