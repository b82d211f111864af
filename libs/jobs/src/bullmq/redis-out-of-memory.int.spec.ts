/**
 * Redis at its maxmemory (noeviction, as BullMQ requires) refuses writes: an enqueue is then
 * JobQueueFullError (the API's 503), not an unknown failure (500), and once memory is freed the
 * same enqueue lands and its job runs — nothing half-written by the refused call stands in its way.
 * The limit is a server setting, so this file starts a Redis of its own (redis-server must be
 * installed, as for CI; it fails, never skips, without it) rather than change the shared one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { deferred, within } from '../testing/async-helpers';
import { JobQueueFullError } from '../job-queue.port';
import { BullMqJobQueue } from './bullmq-job-queue.adapter';

let server: ChildProcess;
let url: string;
let client: Redis;

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory', '8mb', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const failed = once(server, 'error').then(([error]) => {
    throw new Error(`this test starts a Redis of its own and could not run redis-server (${(error as Error).message}): install it`);
  });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = new Promise<void>((resolve) => server.stdout!.on('data', () => output.includes('Ready to accept connections') && resolve()));
  await within(Promise.race([ready, failed]), 'redis-server to start', 10_000);
  url = `redis://127.0.0.1:${port}`;
  client = new Redis(url, { maxRetriesPerRequest: 1 });
}, 15_000);

afterAll(async () => {
  client?.disconnect();
  if (server?.exitCode === null) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
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
  const queue = new BullMqJobQueue({ connection: { url }, queueName: 'oom', prefix: 'jx-oom-test' });
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
