import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullMqJobQueue, type BullMqJobQueueOptions } from '../bullmq/bullmq-job-queue.adapter';

/** Test support for the BullMQ integration specs; not part of the runtime barrel. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type AdapterSettings = Omit<BullMqJobQueueOptions, 'connection' | 'queue' | 'queueName' | 'prefix'>;

/**
 * One spec file's own key prefix on the shared Redis, its queues obliterated and any key left
 * under the prefix deleted afterwards. Redis being unreachable fails the file loudly: an
 * integration suite that skips itself would report green having tested nothing.
 */
export class TestRedis {
  readonly prefix = `jx-test-${randomBytes(6).toString('hex')}`;
  private client: Redis | undefined;
  private readonly queueNames = new Set<string>();
  private opened: BullMqJobQueue[] = [];
  private nextQueue = 1;

  async setUp(): Promise<void> {
    // BullMQ needs maxRetriesPerRequest: null on a connection its workers duplicate; no retry on
    // connect, so that a missing server is reported at once.
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 3000, retryStrategy: () => null });
    // Surfaced by connect() below, whose own error only says the connection closed.
    let cause: unknown;
    client.on('error', (error: unknown) => (cause = error));
    try {
      await client.connect();
      await client.ping();
    } catch (error: unknown) {
      client.disconnect();
      const reason = [cause, error].filter((e) => e !== undefined).map(messageOf).join('; ');
      throw new Error(`Redis is unreachable at ${redacted(REDIS_URL)} (${reason}): start it or set REDIS_URL`, { cause: cause ?? error });
    }
    this.client = client;
  }

  /** The file's shared connection (what the API process would hand the adapter). */
  get connection(): Redis {
    if (!this.client) throw new Error('TestRedis.setUp() has not run');
    return this.client;
  }

  /** A fixed queue name this file uses (obliterated with the others). */
  adoptQueueName(queueName: string): string {
    this.queueNames.add(queueName);
    return queueName;
  }

  /** A queue name not used before in this file. */
  queueName(label = 'jobs'): string {
    const name = `${label}-${this.nextQueue++}`;
    this.queueNames.add(name);
    return name;
  }

  /**
   * An adapter on `queueName` (a new queue unless told), closed by closeQueues(). `ownConnection`
   * gives it connections of its own, as in a separate process; otherwise it shares the file's.
   */
  open(options: { queueName?: string; ownConnection?: boolean } & AdapterSettings = {}): BullMqJobQueue {
    const { queueName = this.queueName(), ownConnection = false, ...settings } = options;
    this.adoptQueueName(queueName);
    const queue = new BullMqJobQueue({
      backoffDelayMs: 2,
      idlePollMs: 50,
      ...settings,
      connection: ownConnection ? { url: REDIS_URL } : this.connection,
      queueName,
      prefix: this.prefix,
    });
    this.opened.push(queue);
    return queue;
  }

  /** A plain BullMQ queue on this file's prefix, for looking behind an adapter's back. */
  bullQueue(queueName: string): Queue {
    this.adoptQueueName(queueName);
    return new Queue(queueName, { connection: this.connection, prefix: this.prefix });
  }

  async closeQueues(): Promise<void> {
    const queues = this.opened;
    this.opened = [];
    await Promise.all(queues.map((q) => q.close()));
  }

  async tearDown(): Promise<void> {
    await this.closeQueues();
    if (!this.client) return;
    for (const name of this.queueNames) {
      const queue = this.bullQueue(name);
      await queue.obliterate({ force: true });
      await queue.close();
    }
    // Whatever obliterate does not own (a test that failed half-way) goes too.
    const leftovers = await this.client.keys(`${this.prefix}:*`);
    if (leftovers.length > 0) await this.client.del(...leftovers);
    await this.client.quit();
    this.client = undefined;
  }
}

/** Socket errors come from Node's realm, not Jest's: `instanceof Error` would miss them. */
function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}

function redacted(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
