/**
 * Redis at its maxmemory (noeviction, as BullMQ requires) refuses writes: an enqueue is then
 * JobQueueFullError (the API's 503), not an unknown failure (500), and once memory is freed the
 * same enqueue lands and its job runs — nothing half-written by the refused call stands in its way.
 * The limit is a server setting, so this file starts a Redis of its own (redis-server must be
 * installed, as for CI; it fails, never skips, without it) rather than change the shared one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { deferred, within } from '../testing/async-helpers';
import { JobQueueFullError } from '../job-queue.port';
import { BullMqJobQueue } from './bullmq-job-queue.adapter';

let server: ChildProcess;
let dir: string;
/** A Unix socket of its own: no TCP port to find free, nor to lose to another process meanwhile. */
let socketPath: string;
let client: Redis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jx-redis-oom-'));
  socketPath = join(dir, 'redis.sock');
  server = spawn('redis-server', ['--port', '0', '--unixsocket', socketPath, '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory', '8mb', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [server.stdout!, server.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // "Ready to accept connections unix" (7.2 on), "The server is now ready to accept connections at …" (before).
  const ready = new Promise<void>((resolve) => server.stdout!.on('data', () => /ready to accept connections/i.test(output) && resolve()));
  const failed = Promise.race([once(server, 'error'), once(server, 'exit')]).then((event) => {
    const reason = event[0] instanceof Error ? `could not run redis-server (${event[0].message}): install it` : `redis-server exited before it was ready: ${output.trim()}`;
    throw new Error(`this test starts a Redis of its own and ${reason}`);
  });
  failed.catch(() => undefined); // read once ready is known; an exit later is afterAll's business
  await within(Promise.race([ready, failed]), 'redis-server to start', 10_000);
  client = new Redis({ path: socketPath, maxRetriesPerRequest: 1 });
}, 15_000);

afterAll(async () => {
  client?.disconnect();
  if (server !== undefined && server.exitCode === null && server.signalCode === null) {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** Writes filler keys until Redis refuses one for its maxmemory; resolves with how many it took. */
async function fillMemory(): Promise<number> {
  for (let i = 0; ; i += 1) {
    try {
      await client.set(`filler:${i}`, 'x'.repeat(64 * 1024));
    } catch (error: unknown) {
      if ((error as Error).message.startsWith('OOM ')) return i;
      throw error;
    }
  }
}

it('an enqueue Redis refuses at its maxmemory is JobQueueFullError; with memory freed, the same enqueue lands and its job runs', async () => {
  const queue = new BullMqJobQueue({ connection: { path: socketPath }, queueName: 'oom', prefix: 'jx-oom-test' });
  try {
    const runs: string[] = [];
    const ran = deferred();
    queue.registerProcessor<{ institutionId: string }>('flag', async (job) => {
      runs.push(job.data.institutionId);
      ran.resolve();
    });
    const fillers = await fillMemory();
    expect(fillers).toBeGreaterThan(0);
    await expect(queue.enqueue('flag', { institutionId: 'inst-1' }, { jobId: 'flag:inst-1:2026' })).rejects.toBeInstanceOf(JobQueueFullError);
    for (let i = 0; i < fillers; i += 1) await client.del(`filler:${i}`);
    expect(await queue.enqueue('flag', { institutionId: 'inst-1' }, { jobId: 'flag:inst-1:2026' })).toBe('flag:inst-1:2026');
    await within(ran.promise, 'the job to run');
    expect(runs).toEqual(['inst-1']);
  } finally {
    await queue.close();
  }
}, 20_000);
