/**
 * The NestJS side of the BullMQ adapter: `@nestjs/bullmq` owns the queue (its connection, its
 * shutdown) and JOB_QUEUE is the port's adapter built on that very queue, so code that wants
 * BullMQ itself (`@InjectQueue`, Bull Board) and code that wants the port see the same jobs.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JOB_QUEUE } from '../job-queue.port';
import { closeOrDisconnect, queueConnection } from './bullmq-connections';
import { BullMqJobQueue, DEFAULT_JOB_QUEUE_NAME, type BullMqJobQueueOptions } from './bullmq-job-queue.adapter';

type AdapterSettings = Omit<BullMqJobQueueOptions, 'connection' | 'queue' | 'queueName' | 'prefix'>;

export interface BullMqJobsModuleOptions extends AdapterSettings {
  /** `redis://` or `rediss://` (REDIS_URL). */
  redisUrl: string;
  /** Default `jx-jobs`. */
  queueName?: string;
  /** Redis key prefix; BullMQ's `bull` by default (tests give each run its own). */
  prefix?: string;
}

@Module({})
export class BullMqJobsModule {
  /**
   * Provides JOB_QUEUE (and the BullMQ queue under `getQueueToken(queueName)`). The composition
   * root closes JOB_QUEUE on shutdown, which waits for the jobs running in this process; the
   * queue itself is `@nestjs/bullmq`'s to close, before or after (workers have connections of
   * their own). `BullModule.forRoot` is global: this module is the app's one BullMQ root.
   */
  static forRoot(options: BullMqJobsModuleOptions): DynamicModule {
    const { redisUrl, queueName = DEFAULT_JOB_QUEUE_NAME, prefix, ...settings } = options;
    return {
      module: BullMqJobsModule,
      imports: [
        // Connection options rather than a client: BullMQ opens the connections it needs (workers
        // and events block on theirs) with the settings it requires.
        // The queue's connection fails fast while Redis is away (FAIL_FAST); workers' wait it out.
        // Both reconnect within a second of its return (queueConnection).
        BullModule.forRoot(prefix === undefined ? { connection: queueConnection({ url: redisUrl }) } : { connection: queueConnection({ url: redisUrl }), prefix }),
        BullModule.registerQueue({ name: queueName }),
      ],
      providers: [
        {
          provide: JOB_QUEUE,
          inject: [getQueueToken(queueName)],
          useFactory: (queue: Queue) => {
            // @nestjs/bullmq closes the queue at shutdown, after the workers given to registerQueue's
            // `processors`, and honours forceDisconnectOnShutdown: neither is used here (processors
            // go through the port). While Redis is away that close was refused, and the connection
            // went on reconnecting: closeOrDisconnect drops it instead.
            (queue as Queue & { onApplicationShutdown?: () => Promise<void> }).onApplicationShutdown = () => closeOrDisconnect(queue);
            return new BullMqJobQueue({ ...settings, queue });
          },
        },
      ],
      exports: [JOB_QUEUE, BullModule],
    };
  }
}
