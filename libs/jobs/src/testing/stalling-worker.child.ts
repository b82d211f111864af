/**
 * Child process of bullmq-job-queue.int.spec.ts: a worker that takes a `stuck` job and never
 * finishes it, so that the parent can kill it (SIGKILL) mid-run. Run with
 * `node --import tsx stalling-worker.child.ts <redisUrl> <prefix> <queueName> <lockDurationMs> [stalledIntervalMs]`.
 */
import { BullMqJobQueue } from '../bullmq/bullmq-job-queue.adapter';

const [url, prefix, queueName, lockDurationMs, stalledIntervalMs] = process.argv.slice(2);
if (!url || !prefix || !queueName || !lockDurationMs) throw new Error('usage: stalling-worker.child.ts <redisUrl> <prefix> <queueName> <lockDurationMs>');
const queue = new BullMqJobQueue({
  connection: { url }, prefix, queueName, lockDurationMs: Number(lockDurationMs),
  ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs: Number(stalledIntervalMs) }),
});
queue.registerProcessor('stuck', async (job) => {
  process.stdout.write(`started ${job.id}\n`);
  await new Promise(() => undefined);
});
